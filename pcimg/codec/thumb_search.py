"""The kind-4 encoder's search: long side x chroma shift x quantiser, exact bytes.

Placeholders of a few dozen bytes: for the long sides around what the payload suggests and
every chroma shift, the finest quantiser (at most MAX_QUANT) whose file fits, judged by the
error of the decoded picture against a 128-pixel copy with chroma weighted CHROMA_WEIGHT
times (squared error alone made grey, posterised placeholders: codec v2 log, session 4).
Kind 3's machinery (analysis, quantiser fit, error) is ``wavelet_search``'s. Not normative.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image

from ..format.container import Descriptor
from . import wavelet_colour as W
from . import wavelet_search as S
from . import wavelet_thumb as T

Entry = Descriptor | None
SIDES = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32)  # long sides the search tries
MAX_PAYLOAD = 96  # above this kind 3 wins: its header is small beside its picture
ONLY_PAYLOAD = 32  # up to this kind 4 won on every Kodak image: kind 3 is not tried
ANALYSIS_LONG_SIDE = 128  # a picture of at most 32 pixels is judged at 4x its size
# No gradient term for placeholders: on the design images it cost 0.15 dB at 21 bytes (PSNR at
# 64 px) for +0.01 MS-SSIM; chroma errors count 4x and the quantiser stops at 96 (a luma step of
# 64 levels), or colourful photos become grey, posterised placeholders (codec v2 log, session 4).
GRADIENT_WEIGHT = 0.0
CHROMA_SHIFTS = (0, 1, 2, 3)
CHROMA_WEIGHT = 4.0
MAX_QUANT = 96
SIDE_PER_ROOT_BYTE = 3.0  # the winning long side grows as ~3 x sqrt(payload bytes)
SIDE_RANGE = (0.45, 2.5)  # around that guess: all 96 winners of the design images at 4-96 B


def sides(payload_bytes: int) -> list[int]:
    guess = SIDE_PER_ROOT_BYTE * math.sqrt(max(payload_bytes, 1))
    low, high = SIDE_RANGE
    tried = [side for side in SIDES if low * guess <= side <= high * guess]
    return sorted({1, 2, *tried}) if payload_bytes <= 4 else tried  # a few bytes: the average colour


def descriptor(work: S.Working, quant: int, long_side: int, chroma_shift: int = 0) -> Descriptor | None:
    indices = [W.quantise(b, quant, plane, chroma_shift) for plane, b in enumerate(work.bands)]
    if not all(W.check_magnitudes(b) for b in indices):
        return None
    payload = T.encode_payload(long_side, [W.as_lists(b) for b in indices], chroma_shift)
    return Descriptor(T.KIND, T.VERSION, quant, payload)


def search(
    src: S.Source, payload_bytes: int, fits: Callable[[Descriptor], bool], declared: tuple[int, int]
) -> tuple[float, Descriptor] | None:
    """Kind 4: (error, entry) for the long side and finest quant with the smallest error that fit.
    The working size follows the file's declared width and height (the decoder knows only those)."""
    capped = search_capped(src, payload_bytes, fits, declared, MAX_QUANT)
    return capped or search_capped(src, payload_bytes, fits, declared, W.MAX_QUANT)


def search_capped(
    src: S.Source, payload_bytes: int, fits: Callable[[Descriptor], bool], declared: tuple[int, int], max_quant: int
) -> tuple[float, Descriptor] | None:
    best: tuple[float, Descriptor] | None = None
    start = S.START_QUANT

    for long_side in sides(payload_bytes):
        width, height = T.working_size(*declared, long_side)
        work = S.analyse(src, width, height)
        for chroma_shift in CHROMA_SHIFTS if src.colour == "rgb" else (0,):

            def build(
                work: S.Working, quant: int, side: int = long_side, shift: int = chroma_shift
            ) -> Descriptor | None:
                return descriptor(work, quant, side, shift)

            entry = S.fit_quant(work, fits, payload_bytes, start, build, max_quant)
            if entry is None:
                continue
            start = entry.quant
            score = S.errors_at(
                src, work, entry.quant, (0,), GRADIENT_WEIGHT, chroma_shift, CHROMA_WEIGHT, chroma_extra=0.0
            )[0]
            if best is None or score < best[0]:
                best = (score, entry)
    return best


def source(array: np.ndarray, colour_name: str) -> S.Source:
    """The image reduced to ANALYSIS_LONG_SIDE: planes and reference for kind 4's search."""
    height, width = array.shape[:2]
    scale = min(1.0, ANALYSIS_LONG_SIDE / max(width, height))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        array = np.asarray(Image.fromarray(array).resize(size, Image.Resampling.BOX))
    return S.source(array, colour_name)


def score(src: S.Source, entry: Descriptor) -> float:
    """A kind-3 entry's error as ``search`` scores kind 4 (its decoded picture, smoothing included)."""
    picture = W.working_image(entry.payload, entry.quant, src.colour, entry.version)
    return S.picture_error(src, picture, GRADIENT_WEIGHT, CHROMA_WEIGHT)
