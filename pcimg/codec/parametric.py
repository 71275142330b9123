"""The embedded generator "pcimg/parametric": descriptors -> pixels, bit-exact.

Base layer: the kind-1 DCT coefficients evaluated at the output size. Detail: kind-2
texture noise from the file's seed. Everything is integer arithmetic (spec/CODEC.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from numbers import Integral

import numpy as np
from PIL import Image

from ..errors import PciError
from ..format.container import Descriptor, PciFile
from ..format.registry import LIMITS
from . import colour, dct, dct_colour, texture

NAME = "pcimg/parametric"
KNOWN = {dct_colour.KIND: dct_colour.VERSION, texture.KIND: texture.VERSION}


def output_size(pci: PciFile, size: tuple[int, int] | None) -> tuple[int, int]:
    if size is not None and not (
        isinstance(size, (tuple, list)) and len(size) == 2 and all(isinstance(v, Integral) for v in size)
    ):
        raise PciError(f"size must be a (width, height) pair of integers, not {size!r}", field="size")
    width, height = size or (pci.width, pci.height)
    limit = LIMITS["max_dimension"]
    if not (1 <= width <= limit and 1 <= height <= limit):
        raise PciError(f"output size {width}x{height} outside 1..{limit}", field="size")
    return int(width), int(height)


@contextmanager
def located(entry: Descriptor) -> Iterator[None]:
    """Give a decode-stage error the file offset of the descriptor entry it is about."""
    try:
        yield
    except PciError as exc:
        if exc.offset is not None or entry.offset is None:
            raise
        raise PciError(exc.reason, field=exc.field, offset=entry.offset) from None


def check_descriptors(pci: PciFile) -> None:
    """Every descriptor must be a kind and version this generator understands."""
    for d in pci.descriptors:
        with located(d):
            if d.kind not in KNOWN:
                raise PciError(f"descriptor kind {d.kind} is unknown to {NAME}", field="descriptors.kind")
            if d.version != KNOWN[d.kind]:
                raise PciError(
                    f"descriptor kind {d.kind} version {d.version} is unsupported (knows {KNOWN[d.kind]})",
                    field="descriptors.version",
                )


def base_planes(pci: PciFile, width: int, height: int) -> list[np.ndarray]:
    """Q4 planes (Y centred, then Cb, Cr for RGB) of the DCT base layer."""
    count = 3 if pci.colour == "rgb" else 1
    entry = pci.descriptor(dct_colour.KIND)
    if entry is None:
        return [np.zeros((height, width), dtype=np.int64) for _ in range(count)]
    with located(entry):
        if entry.quant > dct_colour.MAX_QUANT:
            raise PciError(f"dct-colour quant {entry.quant} above {dct_colour.MAX_QUANT}", field="descriptors.quant")
        _, indices = dct_colour.decode_payload(entry.payload, pci.colour)
        coefficients = []
        for plane, q in enumerate(indices):
            coeffs = dct_colour.dequantise(q, entry.quant, chroma=plane > 0)
            dct_colour.check_range(coeffs)
            coefficients.append(coeffs)
    return [dct.synthesise(coeffs, width, height) for coeffs in coefficients]


def render(pci: PciFile, size: tuple[int, int] | None = None, *, detail: bool = True) -> Image.Image:
    """Decode with the embedded generator; ``detail=False`` gives the base layer alone."""
    check_descriptors(pci)
    width, height = output_size(pci, size)
    planes = base_planes(pci, width, height)
    entry = pci.descriptor(texture.KIND)
    if detail and entry is not None:
        with located(entry):
            levels, gain = texture.decode_payload(entry.payload)
        planes[0] = planes[0] + texture.synthesise(levels, gain, pci.seed, width, height)
    if pci.colour == "rgb":
        return Image.fromarray(colour.planes_to_rgb(*planes), "RGB")
    return Image.fromarray(colour.plane_to_grey(planes[0]), "L")
