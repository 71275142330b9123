"""The embedded generator "pcimg/parametric": descriptors -> pixels, bit-exact.

Base layer: the kind-3 or kind-4 working picture resampled to the output size, or the kind-1
DCT coefficients evaluated at it. Detail: kind-2 texture noise from the file's seed. Everything
is integer arithmetic (spec/CODEC.md).
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
from . import colour, dct, dct_colour, resample, texture, wavelet_colour, wavelet_embedded, wavelet_thumb

NAME = "pcimg/parametric"
KNOWN: dict[int, tuple[int, ...]] = {
    k.KIND: (k.VERSION,) for k in (dct_colour, texture, wavelet_thumb, wavelet_embedded)
}
KNOWN[wavelet_colour.KIND] = wavelet_colour.VERSIONS
KNOWN[wavelet_embedded.KIND] = wavelet_embedded.VERSIONS
BASE_KINDS = (dct_colour.KIND, wavelet_colour.KIND, wavelet_thumb.KIND, wavelet_embedded.KIND)


DEFAULT_MAX_PIXELS = 2 * 89_478_485  # Pillow's decompression-bomb error threshold
BAND_PIXELS = 1 << 18  # pixels decoded at a time: memory follows the band, not the image
# Bands of a resampled working picture (kinds 3-5) are smaller: their int32 arrays stay under
# 120 KiB, in the CPU cache and below the allocator's threshold for fresh memory, so a decoding
# process does not page-fault on every band (768x512 decodes in 21.6 ms against 30.8 in bands
# of 1 << 18, same pixels). Kind 1's synthesis pays a setup per band and keeps the larger ones
# (24 MP: 0.70 s against 1.20 s in small bands).
WORKING_BAND_BYTES = 120 << 10
WORKING_BAND_MIN_ROWS = 4


def output_size(
    pci: PciFile, size: tuple[int, int] | None, max_pixels: int | None = DEFAULT_MAX_PIXELS
) -> tuple[int, int]:
    """The output size asked for (default: the file's), checked against the dimension limit
    and ``max_pixels`` (None: no pixel limit)."""
    if size is not None and not (
        isinstance(size, (tuple, list)) and len(size) == 2 and all(isinstance(v, Integral) for v in size)
    ):
        raise PciError(f"size must be a (width, height) pair of integers, not {size!r}", field="size")
    width, height = size or (pci.width, pci.height)
    limit = LIMITS["max_dimension"]
    if not (1 <= width <= limit and 1 <= height <= limit):
        raise PciError(f"output size {width}x{height} outside 1..{limit}", field="size")
    if max_pixels is not None and width * height > max_pixels:
        raise PciError(f"output size {width}x{height} is over max_pixels = {max_pixels} "
                       "(pass max_pixels=... or --max-pixels to allow it)", field="size")  # fmt: skip
    return int(width), int(height)


@contextmanager
def located(entry: Descriptor) -> Iterator[None]:
    """Give a decode-stage error the file offset of the field it names (SPEC §5.4): the entry's
    kind, version or quant byte, or the first byte of its payload."""
    try:
        yield
    except PciError as exc:
        if exc.offset is not None or entry.offsets is None:
            raise
        raise PciError(exc.reason, field=exc.field, offset=field_offset(entry, exc.field)) from None


def field_offset(entry: Descriptor, field: str | None) -> int | None:
    """Where a parsed descriptor entry's field starts in the data (its kind's when ``field`` is not one)."""
    if entry.offsets is None:
        return None
    names = ("descriptors.kind", "descriptors.version", "descriptors.quant", "descriptors.payload")
    return entry.offsets[names.index(field)] if field in names else entry.offsets[0]


def check_descriptors(pci: PciFile) -> None:
    """Every descriptor must be a kind and version this generator understands."""
    for d in pci.descriptors:
        with located(d):
            if d.kind not in KNOWN:
                raise PciError(f"descriptor kind {d.kind} is unknown to {NAME}", field="descriptors.kind")
            if d.version not in KNOWN[d.kind]:
                known = ", ".join(map(str, KNOWN[d.kind]))
                raise PciError(
                    f"descriptor kind {d.kind} version {d.version} is unsupported (knows {known})",
                    field="descriptors.version",
                )
    bases = [d for d in pci.descriptors if d.kind in BASE_KINDS]
    if len(bases) > 1:
        with located(bases[1]):
            raise PciError("two base layers (descriptor kinds 1, 3, 4 and 5): a file holds at most one",
                           field="descriptors.kind")  # fmt: skip


def base_rows(pci: PciFile, width: int) -> list[np.ndarray]:
    """First synthesis pass of the DCT base layer per plane (Y, then Cb, Cr for RGB), or []."""
    entry = pci.descriptor(dct_colour.KIND)
    if entry is None:
        return []
    with located(entry):
        if entry.quant > dct_colour.MAX_QUANT:
            raise PciError(f"dct-colour quant {entry.quant} above {dct_colour.MAX_QUANT}", field="descriptors.quant")
        _, indices = dct_colour.decode_payload(entry.payload, pci.colour)
        coefficients = []
        for plane, q in enumerate(indices):
            coeffs = dct_colour.dequantise(q, entry.quant, chroma=plane > 0)
            dct_colour.check_range(coeffs)
            coefficients.append(coeffs)
    return [dct.synthesise_rows(coeffs, width) for coeffs in coefficients]


def render(
    pci: PciFile,
    size: tuple[int, int] | None = None,
    *,
    detail: bool = True,
    max_pixels: int | None = DEFAULT_MAX_PIXELS,
) -> Image.Image:
    """Decode with the embedded generator; ``detail=False`` gives the base layer alone.

    Works in horizontal bands of about BAND_PIXELS pixels (WORKING_BAND_BYTES for kinds 3-5), so
    memory is the 8-bit output plus a constant; every band is exact, so the pixels equal a
    whole-image decode.
    """
    check_descriptors(pci)
    width, height = output_size(pci, size, max_pixels)
    try:
        return _render(pci, width, height, detail)
    except MemoryError:
        raise PciError(f"not enough memory to decode {width}x{height}", field="size") from None


def working_rows(pci: PciFile, width: int) -> np.ndarray | None:
    """Kinds 3, 4 and 5: the working picture decoded and resampled across to ``width`` (Q6), or None."""
    picture = working_picture(pci)
    return None if picture is None else resample.horizontal(picture, width)


def working_picture(pci: PciFile) -> np.ndarray | None:
    """The decoded working picture of a kind 3, 4 or 5 base layer (uint8, read-only), or None."""
    for entry in pci.descriptors:
        if entry.kind == wavelet_colour.KIND:
            with located(entry):
                return wavelet_colour.working_image(entry.payload, entry.quant, pci.colour, entry.version)
        if entry.kind == wavelet_thumb.KIND:
            with located(entry):
                return wavelet_thumb.working_image(entry.payload, entry.quant, pci.colour, pci.width, pci.height)
        if entry.kind == wavelet_embedded.KIND:
            with located(entry):
                return wavelet_embedded.working_image(entry.payload, entry.quant, pci.colour, entry.version)
    return None


def _render(pci: PciFile, width: int, height: int, detail: bool) -> Image.Image:
    working = working_rows(pci, width)
    rows = base_rows(pci, width) if working is None else []
    texture_entry = pci.descriptor(texture.KIND) if detail else None
    texture_args = None
    if texture_entry is not None:
        with located(texture_entry):
            levels, gain = texture.decode_payload(texture_entry.payload)
        texture_args = (levels, gain, pci.seed, width, height)
    rgb = pci.colour == "rgb"
    mode = "RGB" if rgb else "L"
    out = Image.new(mode, (width, height))  # bands are pasted in: no second full-size copy
    if working is None:
        band = max(1, BAND_PIXELS // width)
    else:
        band = max(WORKING_BAND_MIN_ROWS, WORKING_BAND_BYTES // (4 * width * (3 if rgb else 1)))
    for top in range(0, height, band):
        bottom = min(height, top + band)
        if working is not None:
            pixels = resample.vertical_band(working, height, top, bottom)
            if texture_args is not None:
                noise = (texture.synthesise(*texture_args, top, bottom) + 8) >> 4
                pixels = np.clip(pixels.astype(np.int64) + (noise[..., None] if rgb else noise), 0, 255)
            out.paste(Image.fromarray(pixels.astype(np.uint8), mode), (0, top))
            continue
        planes = (
            [dct.synthesise_band(r, height, top, bottom) for r in rows]
            if rows
            else [np.zeros((bottom - top, width), dtype=np.int64) for _ in range(3 if rgb else 1)]
        )
        if texture_args is not None:
            planes[0] = planes[0] + texture.synthesise(*texture_args, top, bottom)
        pixels = colour.planes_to_rgb(*planes) if rgb else colour.plane_to_grey(planes[0])
        out.paste(Image.fromarray(pixels, mode), (0, top))
    return out
