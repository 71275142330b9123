"""Descriptor kind 4, "wavelet-thumb": kind 3's picture coding for placeholders of a few bytes.

At 10-30 payload bytes kind 3's 3-byte header (working width, height, smoothing) is a fifth of
the file. Here the payload is the range-coded stream alone: it starts with the working long
side (5 raw bits, 1..32), the short side follows from the image's aspect ratio, and the
planes are coded exactly as kind 3's, from priors trained at these sizes
(spec/data/wavelet-thumb-priors-v1.json); no smoothing. spec/CODEC.md section 10.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..errors import PciError
from ..primitives import rangecoder as rc
from . import wavelet_colour as W

KIND = 4
VERSION = 1
MAX_LONG_SIDE = 32
SIDE_BITS = 5
CHROMA_SHIFT_BITS = 2
PRIORS_FILE = "wavelet-thumb-priors-v1.json"


def working_size(width: int, height: int, long_side: int) -> tuple[int, int]:
    """The working picture for an image of ``width`` x ``height``: ``long_side`` along its longer
    axis, the other rounded half up from the aspect ratio, at least 1 (CODEC.md 10.1)."""
    if width >= height:
        return long_side, max(1, (2 * long_side * height + width) // (2 * width))
    return max(1, (2 * long_side * width + height) // (2 * height)), long_side


def encode_payload(long_side: int, indices: list[list], chroma_shift: int = 0) -> bytes:
    """The long side and chroma shift, then the planes ([LL, (HL, LH, HH)...] as lists)."""
    if not 1 <= long_side <= MAX_LONG_SIDE or not 0 <= chroma_shift < 1 << CHROMA_SHIFT_BITS:
        raise PciError(f"wavelet-thumb long side {long_side} or chroma shift {chroma_shift} out of range",
                       field="descriptors.payload")  # fmt: skip
    enc = rc.Encoder()
    enc.direct(long_side - 1, SIDE_BITS)
    enc.direct(chroma_shift, CHROMA_SHIFT_BITS)
    W.code_planes(enc, indices, decoding=False, priors_file=PRIORS_FILE)
    return enc.finish()


def decode_payload(payload: bytes, colour_name: str, width: int, height: int) -> tuple[int, int, int, list[list]]:
    """(working width, height, chroma shift, per-plane bands) for an image declared ``width`` x ``height``."""
    dec = rc.Decoder(payload)
    try:
        ww, wh = working_size(width, height, dec.direct(SIDE_BITS) + 1)
        chroma_shift = dec.direct(CHROMA_SHIFT_BITS)
        planes = [W.empty_bands(w, h) for w, h in W.plane_sizes(ww, wh, colour_name)]
        W.code_planes(dec, planes, decoding=True, priors_file=PRIORS_FILE)
    except ValueError as exc:
        raise PciError(f"corrupt wavelet-thumb stream: {exc}", field="descriptors.payload") from None
    return ww, wh, chroma_shift, planes


@lru_cache(maxsize=8)
def working_image(payload: bytes, quant: int, colour_name: str, width: int, height: int) -> np.ndarray:
    """The decoded working picture (uint8, read-only): kind 3's dequantisation and synthesis."""
    if quant > W.MAX_QUANT:
        raise PciError(f"wavelet-thumb quant {quant} above {W.MAX_QUANT}", field="descriptors.quant")
    ww, wh, chroma_shift, planes = decode_payload(payload, colour_name, width, height)
    picture = W.unsmoothed_picture(planes, quant, ww, wh, colour_name, chroma_shift)
    picture.setflags(write=False)
    return picture
