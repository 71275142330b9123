"""Descriptor kind 3, "wavelet-colour": a small picture of the image, wavelet coded.

The encoder picks a working size (at most 256 x 256) per image; the payload holds that
picture as CDF 9/7 wavelet coefficients of Y, Cb, Cr (chroma at half the working size),
quantised with one step and context coded. The decoder rebuilds the working picture exactly
in integers and the generator resamples it to any output size. Where kind 1's global cosines
spread every error over the whole frame (plaid), a local transform keeps it local.

Payload: working width - 1, working height - 1, smoothing strength (u8 each), then one
range-coded stream: the planes Y, Cb, Cr (Y alone for greyscale). The entry's ``quant`` sets
the step. Version 1 codes the bands with ``wavelet_coder``'s contexts, version 2 (the
default) with ``wavelet_coder2``'s: the same picture in 5-6% fewer bytes. spec/CODEC.md
section 8.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import PciError
from ..primitives import rangecoder as rc
from . import colour, lifting, resample, smoothing, wavelet_coder2
from .wavelet_coder import MAX_MAGNITUDE, PRIORS_FILE, Contexts, code_plane

KIND = 3
VERSION = 2  # what the encoder writes
VERSIONS = (1, 2)  # what the decoder reads
MAX_QUANT = 191
MAX_SIDE = 256
HEADER_BYTES = 3
POW2_SIXTEENTHS = (4096, 4277, 4467, 4664, 4871, 5087, 5312, 5547, 5793, 6049, 6317, 6597, 6889, 7194, 7512, 7845)
CHROMA_STEP = 218  # chroma step = luma step * 218 / 256 (0.85): RGB error wants chroma bits
DEADZONE = 0.62  # encoder: |c| / step below this quantises to zero
RECON_SIXTEENTHS = 1  # decoder: a non-zero detail index n reconstructs at (|n| + 1/16) * step


def luma_step(quant: int) -> int:
    """The quantiser step in Q4 (16 == one 8-bit level): 2**(quant / 16) levels."""
    return (POW2_SIXTEENTHS[quant & 15] << (quant >> 4)) >> 8


def plane_step(quant: int, plane: int, chroma_shift: int = 0) -> int:
    """Q4 step of a plane; kind 4 may make chroma's finer by ``chroma_shift`` octaves."""
    step = luma_step(quant)
    return max(1, ((step * CHROMA_STEP + 128) >> 8) >> chroma_shift) if plane else step


def plane_sizes(width: int, height: int, colour_name: str) -> list[tuple[int, int]]:
    """(width, height) of each coded plane: luma at the working size, chroma at half."""
    chroma = ((width + 1) // 2, (height + 1) // 2)
    return [(width, height)] + ([chroma, chroma] if colour_name == "rgb" else [])


def empty_bands(width: int, height: int) -> list:
    """Zeroed bands (lists of rows) of one plane, in coding order."""
    shapes = lifting.band_shapes(width, height, lifting.levels_for(width, height))

    def zeros(shape: tuple[int, int]) -> list:
        return [[0] * shape[1] for _ in range(shape[0])]

    return [zeros(shapes[0])] + [tuple(zeros(s) for s in triple) for triple in shapes[1:]]


def header(width: int, height: int, strength: int = 0) -> bytes:
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE and 0 <= strength <= 255):
        raise PciError(f"working size {width}x{height} outside 1..{MAX_SIDE} or smoothing {strength} outside 0..255",
                       field="descriptors.payload")  # fmt: skip
    return bytes((width - 1, height - 1, strength))


def encode_payload(
    width: int, height: int, indices: list[list], strength: int = 0, version: int | None = None
) -> bytes:
    """Header and range-coded bands; ``indices`` per plane: [LL, (HL, LH, HH)...] as lists;
    ``version`` 1 or 2 (default ``VERSION``, what the encoder writes)."""
    head = header(width, height, strength)
    enc = rc.Encoder()
    code_planes(enc, indices, decoding=False, version=version or VERSION)
    return head + enc.finish()


# per version: the contexts' class, the plane coder, the trained priors
_CODERS: dict[int, tuple[Any, Any, str]] = {
    1: (Contexts, code_plane, PRIORS_FILE),
    2: (wavelet_coder2.Contexts, wavelet_coder2.code_plane, wavelet_coder2.PRIORS_FILE),
}


def priors_file(version: int) -> str:
    return _CODERS[version][2]


def new_contexts(version: int, plane_type: str, file: str | None = None) -> Any:
    """Fresh contexts of ``version`` for a plane type, from its priors (or ``file``'s)."""
    make, _, default = _CODERS[version]
    return make(plane_type, priors_file=file or default)


def code_planes(
    coder: rc.Encoder | rc.Decoder,
    indices: list[list],
    decoding: bool,
    priors_file: str | None = None,
    version: int = 1,
) -> None:
    """Y, then Cb and Cr (sharing the chroma contexts), with the contexts of ``version`` from
    the given trained priors (default: that version's; kind 4 passes its own for version 1)."""
    code = _CODERS[version][1]
    luma, chroma = new_contexts(version, "luma", priors_file), new_contexts(version, "chroma", priors_file)
    for plane, bands in enumerate(indices):
        code(coder, chroma if plane else luma, bands, decoding)


def decode_payload(payload: bytes, colour_name: str, version: int) -> tuple[int, int, list[list]]:
    """(working width, height, per-plane bands as lists of rows) from a payload of ``version``."""
    if len(payload) < HEADER_BYTES:
        raise PciError(f"wavelet-colour payload shorter than its {HEADER_BYTES}-byte header",
                       field="descriptors.payload")  # fmt: skip
    width, height = payload[0] + 1, payload[1] + 1
    planes = [empty_bands(w, h) for w, h in plane_sizes(width, height, colour_name)]
    try:
        code_planes(rc.Decoder(payload[HEADER_BYTES:]), planes, decoding=True, version=version)
    except ValueError as exc:
        raise PciError(f"corrupt wavelet-colour stream: {exc}", field="descriptors.payload") from None
    return width, height, planes


def dequantise(bands: list, quant: int, plane: int, chroma_shift: int = 0) -> list:
    """Indices -> Q4 coefficients: LL at n * step, details at sign(n) (|n| + 1/16) step."""
    step = plane_step(quant, plane, chroma_shift)

    def detail(values: list) -> np.ndarray:
        q = np.asarray(values, dtype=np.int64)
        return np.sign(q) * (((np.abs(q) * 16 + RECON_SIXTEENTHS) * step + 8) >> 4) * (q != 0)

    ll = np.asarray(bands[0], dtype=np.int64) * step
    details = [tuple(detail(b) for b in t) for t in bands[1:]]
    for array in [ll, *(b for t in details for b in t)]:
        if array.size and int(np.abs(array).max()) > lifting.CLAMP:
            raise PciError("wavelet-colour coefficient exceeds 2**20 after dequantisation", field="descriptors.payload")
    return [ll, *details]


@lru_cache(maxsize=8)  # at most 8 x 192 KiB: preview, then decode, of one file decodes once
def working_image(payload: bytes, quant: int, colour_name: str, version: int) -> np.ndarray:
    """The decoded working picture: uint8 (h, w, 3) for RGB, (h, w) for greyscale; exact,
    read-only."""
    if quant > MAX_QUANT:
        raise PciError(f"wavelet-colour quant {quant} above {MAX_QUANT}", field="descriptors.quant")
    width, height, planes = decode_payload(payload, colour_name, version)
    picture = smoothing.smooth(unsmoothed_picture(planes, quant, width, height, colour_name), payload[2])
    picture.setflags(write=False)
    return picture


def unsmoothed_picture(
    indices: list, quant: int, width: int, height: int, colour_name: str, chroma_shift: int = 0
) -> np.ndarray:
    """Indices -> the 8-bit working picture before smoothing: dequantised, synthesised, chroma
    resampled to the working size, converted (the encoder calls it with the indices it knows)."""
    q4 = [lifting.inverse(dequantise(bands, quant, plane, chroma_shift)) for plane, bands in enumerate(indices)]
    return picture_from_planes(q4, width, height, colour_name)


def picture_from_planes(q4: list, width: int, height: int, colour_name: str) -> np.ndarray:
    """Synthesised Q4 planes -> the 8-bit working picture: chroma resampled to the working
    size, converted (section 8.5 before smoothing; kinds 3, 4 and 5)."""
    if colour_name != "rgb":
        return colour.plane_to_grey(q4[0])
    cb, cr = (resample.resize(p, width, height) for p in q4[1:])
    return colour.planes_to_rgb(q4[0], cb, cr)


DeadZone = float | tuple[float, ...]  # one for every detail level, or (finest, next, coarser)


def quantise(
    bands: list, quant: int, plane: int, chroma_shift: int = 0, deadzone: DeadZone = -1.0, chroma_extra: float = 0.0
) -> list:
    """Encoder: float coefficients (levels) -> indices, LL rounded, details with a dead zone
    (``DEADZONE`` unless given; a tuple gives it per level group: finest, next, coarser), made
    ``chroma_extra`` steps wider on the chroma planes."""
    step = plane_step(quant, plane, chroma_shift) / 16.0
    levels = len(bands) - 1
    extra = chroma_extra if plane else 0.0

    def detail(c: np.ndarray, index: int) -> np.ndarray:
        zone = deadzone[min(levels - index, 2)] if isinstance(deadzone, tuple) else deadzone
        rounding = 1 - (DEADZONE if zone < 0 else zone) - extra
        return (np.sign(c) * np.maximum(np.floor(np.abs(c) / step + rounding), 0)).astype(np.int64)

    return [np.round(bands[0] / step).astype(np.int64)] + [
        tuple(detail(b, index) for b in t) for index, t in enumerate(bands[1:], 1)
    ]


def as_lists(bands: list) -> list:
    return [bands[0].tolist()] + [tuple(b.tolist() for b in t) for t in bands[1:]]


def check_magnitudes(bands: list) -> bool:
    """Whether every index fits the coder's bound (2**20)."""
    arrays = [bands[0], *(b for t in bands[1:] for b in t)]
    return all(not a.size or int(np.abs(a).max()) <= MAX_MAGNITUDE for a in arrays)
