"""Batch functions for ``ray.data.Dataset.map_batches``: images in, ``.pci`` bytes out, and back.

They are classes, so Ray runs them in an actor pool: each actor builds its encoder or decoder
once, and model captioners and generators load their weights once per actor (pcimg keeps
loaded models per process). ``encode_dataset`` / ``decode_dataset`` pass the pool size and
the GPUs per actor through to ``map_batches``. A row that cannot be encoded or decoded gets
an empty result and its error message in the ``error`` column instead of failing the batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..api import decode, encode
from ..backends.store import configure
from ..errors import PciError


class EncodeBatch:
    """Rows with ``image`` (HxW or HxWx3/4 uint8 arrays, as ``ray.data.read_images`` gives),
    ``bytes`` (encoded image files) or ``path`` (image files the actor can read) -> the same
    rows plus ``pci`` (bytes) and ``error``."""

    def __init__(self, models: dict[str, Any] | None = None, **options: Any) -> None:
        configure(**(models or {}))  # in this actor: model folders, device, dtype (pcimg.configure_models)
        self.options = options  # pcimg.encode's keyword arguments

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        column = next((c for c in ("image", "bytes", "path") if c in batch), None)
        if column is None:
            raise PciError(f"a batch needs an image, bytes or path column, not {sorted(batch)}", field="batch")
        results, errors = [], []
        for value in batch[column]:
            source = value if column == "image" else (bytes(value) if column == "bytes" else str(value))
            try:
                results.append(encode(source, **self.options))
                errors.append("")
            except PciError as exc:
                results.append(b"")
                errors.append(str(exc))
        return {**batch, "pci": np.array(results, dtype=object), "error": np.array(errors, dtype=object)}


class DecodeBatch:
    """Rows with ``pci`` (bytes) -> the same rows plus ``image`` (uint8 arrays) and ``error``."""

    def __init__(self, size: tuple[int, int] | None = None, models: dict[str, Any] | None = None,
                 **options: Any) -> None:  # fmt: skip
        configure(**(models or {}))
        self.size = size
        self.options = options  # pcimg.decode's other keyword arguments

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        images, errors = [], []
        for value in batch["pci"]:
            try:
                images.append(np.asarray(decode(bytes(value), size=self.size, **self.options)))
                errors.append("")
            except PciError as exc:
                images.append(np.zeros((0, 0, 3), dtype=np.uint8))
                errors.append(str(exc))
        column = np.empty(len(images), dtype=object)
        column[:] = images
        return {**batch, "image": column, "error": np.array(errors, dtype=object)}


def encode_dataset(dataset: Any, *, concurrency: int = 1, num_gpus: float = 0, batch_size: int = 16,
                   **options: Any) -> Any:  # fmt: skip
    """``dataset.map_batches(EncodeBatch, ...)`` on a pool of ``concurrency`` actors with
    ``num_gpus`` each (for model captioners); ``options`` are pcimg.encode's, plus ``models``
    (pcimg.configure_models' settings for the actors)."""
    return dataset.map_batches(EncodeBatch, fn_constructor_kwargs=options, concurrency=concurrency,
                               num_gpus=num_gpus, batch_size=batch_size, batch_format="numpy")  # fmt: skip


def decode_dataset(dataset: Any, *, concurrency: int = 1, num_gpus: float = 0, batch_size: int = 16,
                   size: tuple[int, int] | None = None, **options: Any) -> Any:  # fmt: skip
    """``dataset.map_batches(DecodeBatch, ...)``: actors hold the generator (GPUs per actor for
    diffusers models)."""
    return dataset.map_batches(DecodeBatch, fn_constructor_kwargs={"size": size, **options},
                               concurrency=concurrency, num_gpus=num_gpus, batch_size=batch_size,
                               batch_format="numpy")  # fmt: skip
