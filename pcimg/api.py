"""The two calls most users need: ``encode`` an image, ``decode`` a .pci."""

from __future__ import annotations

import os
from typing import BinaryIO, Union

from PIL import Image

from . import generators
from .container import ModelRef, PciFile, read, write
from .errors import PciError

ImageSource = Union[Image.Image, str, "os.PathLike[str]", BinaryIO]
EMBEDDED_CAPTIONERS = {
    "descriptor": "pcimg/descriptor-captioner",
    "efficientnet": "pcimg/efficientnet-lite0-labels",
    "none": None,
}


def _open_image(image: ImageSource) -> Image.Image:
    if isinstance(image, Image.Image):
        return image
    try:
        opened = Image.open(image)
        opened.load()
        return opened
    except (OSError, Image.DecompressionBombError) as exc:
        raise PciError(f"cannot read the input image: {exc}", field="image") from None


def caption(image: Image.Image, captioner: str) -> tuple[str | None, ModelRef | None]:
    """(prompt, manifest entry) from one of the embedded captioners."""
    if captioner not in EMBEDDED_CAPTIONERS:
        raise PciError(
            f"unknown captioner {captioner!r}; embedded ones: {', '.join(EMBEDDED_CAPTIONERS)}", field="captioner"
        )
    model = EMBEDDED_CAPTIONERS[captioner]
    if model is None:
        return None, None
    if captioner == "efficientnet":
        from .backends.efficientnet import caption_labels

        return caption_labels(image), ModelRef("captioner", model)
    from .codec.captioners import describe_colours
    from .codec.prepare import prepare

    return describe_colours(prepare(image)[0]), ModelRef("captioner", model)


def encode_file(
    image: ImageSource,
    *,
    prompt: str | None = None,
    captioner: str = "descriptor",
    max_bytes: int | None = None,
    seed: int | None = None,
    seed_search: int = 1,
    texture: bool = True,
    digest: bool = False,
) -> PciFile:
    """Like ``encode`` but returns the PciFile value."""
    from .codec.encoder import DEFAULT_MAX_BYTES, encode_image

    img = _open_image(image)
    user_prompt = prompt is not None
    if user_prompt:
        ref = ModelRef("captioner", "pcimg/user-prompt")
    else:
        prompt, ref = caption(img, captioner)
    return encode_image(
        img,
        prompt=prompt,
        captioner=ref,
        max_bytes=DEFAULT_MAX_BYTES if max_bytes is None else max_bytes,
        seed=0 if seed is None else seed,
        seed_search=seed_search,
        use_texture=texture,
        digest=digest,
        trim_prompt=not user_prompt,
    )


def encode(image: ImageSource, **options) -> bytes:
    """Image -> .pci bytes. Options: prompt, captioner, max_bytes, seed, seed_search, texture, digest.

    ``max_bytes`` bounds the whole file, prompt included (default 600).
    """
    return write(encode_file(image, **options))


def decode(
    data: bytes | PciFile | str | os.PathLike[str] | BinaryIO,
    *,
    size: tuple[int, int] | None = None,
    generator: str | None = None,
) -> Image.Image:
    """.pci -> image, by the generator the file names (or ``generator`` to override)."""
    pci = data if isinstance(data, PciFile) else read(data)
    ref = pci.generator if generator is None else ModelRef("generator", _generator_id(generator))
    return generators.resolve(ref)(pci, size)


def preview(
    data: bytes | PciFile | str | os.PathLike[str] | BinaryIO, *, size: tuple[int, int] | None = None
) -> Image.Image:
    """The cheap base layer (descriptors only, no detail, no model): for drafts and thumbnails."""
    from .codec.parametric import render

    pci = data if isinstance(data, PciFile) else read(data)
    return render(pci, size, detail=False)


def _generator_id(name: str) -> str:
    return "pcimg/parametric" if name == "parametric" else name
