"""Descriptor kind 1, "dct-colour": the image's low frequencies as quantised DCT coefficients.

Payload (version 1): kx, ky, cx, cy (u8 each; cx = cy = 0 for greyscale) followed by one
range-coded stream holding, per plane (Y, then Cb, Cr), the coefficients in scan order.
The quantiser index is the descriptor entry's ``quant`` field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import PciError
from ..primitives import rangecoder as rc
from ..primitives.data import packaged_json

KIND = 1
VERSION = 1
MAX_K = 128
MAX_QUANT = 120
MAX_COEFF = 1 << 16  # |dequantised coefficient| in Q4, keeps the integer inverse exact
POW2_EIGHTHS = (4096, 4467, 4871, 5312, 5793, 6317, 6889, 7512)  # round(4096 * 2**(i/8))
LUMA_WEIGHT, CHROMA_WEIGHT = 4, 6
BANDS = 12
DEADZONE_ROUNDING = 0.35
PREFIX_CONTEXTS = 12


@dataclass(frozen=True)
class Layout:
    """Coefficient grid sizes: kx by ky for luma, cx by cy for each chroma plane."""

    kx: int
    ky: int
    cx: int = 0
    cy: int = 0

    def grids(self) -> list[tuple[int, int]]:
        return [(self.kx, self.ky)] + ([(self.cx, self.cy)] * 2 if self.cx else [])


# Cache sizes bound memory, not just entries: a 128x128 grid's scan order is ~1.5 MB as tuples,
# its step table 128 KB, its scan arrays ~0.7 MB; the worst case below stays under 25 MB.
@lru_cache(maxsize=8)
def scan_order(kx: int, ky: int) -> tuple[tuple[int, int], ...]:
    """(v, u) positions from low to high frequency: by u*ky + v*kx, then v, then u."""
    return tuple(sorted(((v, u) for v in range(ky) for u in range(kx)), key=lambda p: (p[1] * ky + p[0] * kx, p)))


def base_step(quant: int) -> int:
    """2**(quant/8) in Q12: each quant step is 9% coarser."""
    return POW2_EIGHTHS[quant & 7] << (quant >> 3)


@lru_cache(maxsize=64)
def step_table(quant: int, kx: int, ky: int, chroma: bool) -> np.ndarray:
    """Quantiser step (Q4) per coefficient: grows with u + v; chroma twice as coarse."""
    v, u = np.mgrid[0:ky, 0:kx]
    weight = CHROMA_WEIGHT if chroma else LUMA_WEIGHT
    steps = np.maximum(1, (base_step(quant) * (32 + u + v) * weight) >> 19).astype(np.int64)
    steps.setflags(write=False)
    return steps


PRIORS_FILE = "dct-priors-v1.json"


def _priors() -> dict:
    """Trained initial probabilities (spec/CODEC.md section 4; spec/codec-priors/build.py)."""
    return packaged_json(PRIORS_FILE)


class _Contexts:
    """Adaptive contexts; index 0 is luma, 1 chroma. They start from the trained priors."""

    def __init__(self, uniform: bool = False) -> None:
        if uniform:
            self.last = [rc.contexts(PREFIX_CONTEXTS) for _ in range(2)]
            self.zero = [rc.contexts(2 * BANDS) for _ in range(2)]
            self.mag = [[rc.contexts(PREFIX_CONTEXTS) for _ in range(BANDS)] for _ in range(2)]
            return
        p = _priors()
        self.last = [list(row) for row in p["last"]]
        self.zero = [list(row) for row in p["zero"]]
        self.mag = [[list(row) for row in plane] for plane in p["mag"]]


def _band(index: int) -> int:
    return min(index.bit_length(), BANDS - 1)


def quantise(coeffs: np.ndarray, quant: int, chroma: bool) -> np.ndarray:
    """Encoder: float coefficients (levels) -> integer indices, rounding with a small deadzone.

    Rounding at 0.35 instead of 0.5 zeroes coefficients that cost more bits than they
    return (measured: +0.1 to +0.17 dB at equal bytes on Kodak).
    """
    ky, kx = coeffs.shape
    scaled = coeffs * 16 / step_table(quant, kx, ky, chroma)
    return (np.sign(scaled) * np.floor(np.abs(scaled) + DEADZONE_ROUNDING)).astype(np.int64)


def dequantise(indices: np.ndarray, quant: int, chroma: bool) -> np.ndarray:
    ky, kx = indices.shape
    return indices * step_table(quant, kx, ky, chroma)


@lru_cache(maxsize=8)
def _scan_arrays(kx: int, ky: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Flat indices of the scan order and each position's band, for the encoder."""
    order = scan_order(kx, ky)
    flat = np.array([v * kx + u for v, u in order], dtype=np.int64)
    return flat, tuple(_band(i) for i in range(len(order)))


def encode_payload(layout: Layout, indices: list[np.ndarray]) -> bytes:
    """Header and range-coded coefficient indices, one array per plane."""
    enc = rc.Encoder()
    encode_indices(enc, _Contexts(), indices)
    return bytes((layout.kx, layout.ky, layout.cx, layout.cy)) + enc.finish()


def encode_indices(enc: rc.Encoder, ctx: _Contexts, indices: list[np.ndarray]) -> None:
    """The coefficient stream of every plane, coded into ``enc`` with ``ctx``."""
    for plane, q in enumerate(indices):
        ctype = 1 if plane else 0
        flat, bands = _scan_arrays(q.shape[1], q.shape[0])
        scanned = q.ravel()[flat]
        nonzero = np.flatnonzero(scanned)
        last = int(nonzero[-1]) + 1 if nonzero.size else 0
        rc.encode_uint(enc, ctx.last[ctype], last)
        zero_ctx, mag_ctx = ctx.zero[ctype], ctx.mag[ctype]
        prev = 0
        for i, value in enumerate(scanned[:last].tolist()):
            band = bands[i]
            if i < last - 1:
                enc.bit(zero_ctx, 2 * band + prev, 1 if value else 0)
            if value:
                enc.direct(1 if value < 0 else 0, 1)
                rc.encode_uint(enc, mag_ctx[band], abs(value) - 1)
                prev = 1
            else:
                prev = 0


def decode_payload(payload: bytes, colour: str) -> tuple[Layout, list[np.ndarray]]:
    """Parse a version-1 payload into its layout and per-plane index arrays."""
    if len(payload) < 4:
        raise PciError("dct-colour payload shorter than its 4-byte header", field="descriptors.payload")
    layout = Layout(*payload[:4])
    if not (1 <= layout.kx <= MAX_K and 1 <= layout.ky <= MAX_K):
        raise PciError(f"dct-colour luma grid {layout.kx}x{layout.ky} outside 1..{MAX_K}", field="descriptors.payload")
    chroma_ok = (
        (1 <= layout.cx <= MAX_K and 1 <= layout.cy <= MAX_K) if colour == "rgb" else layout.cx == layout.cy == 0
    )
    if not chroma_ok:
        raise PciError(
            f"dct-colour chroma grid {layout.cx}x{layout.cy} invalid for colour {colour!r}", field="descriptors.payload"
        )
    dec = rc.Decoder(payload[4:])
    ctx = _Contexts()
    planes = []
    try:
        for plane, (kx, ky) in enumerate(layout.grids()):
            ctype = 1 if plane else 0
            order = scan_order(kx, ky)
            last = rc.decode_uint(dec, ctx.last[ctype])
            if last > len(order):
                raise ValueError(f"plane {plane} codes {last} coefficients, grid holds {len(order)}")
            q = np.zeros((ky, kx), dtype=np.int64)
            prev = 0
            for i in range(last):
                band = _band(i)
                nonzero = 1 if i == last - 1 else dec.bit(ctx.zero[ctype], 2 * band + prev)
                if nonzero:
                    negative = dec.direct(1)
                    magnitude = rc.decode_uint(dec, ctx.mag[ctype][band]) + 1
                    if magnitude > MAX_COEFF:
                        raise ValueError(f"coefficient magnitude {magnitude} too large")
                    v, u = order[i]
                    q[v, u] = -magnitude if negative else magnitude
                prev = nonzero
            planes.append(q)
    except ValueError as exc:
        raise PciError(f"corrupt dct-colour stream: {exc}", field="descriptors.payload") from None
    return layout, planes


def check_range(dequantised: np.ndarray) -> None:
    if np.abs(dequantised).max(initial=0) > MAX_COEFF:
        raise PciError("dct-colour coefficient exceeds 2**16 after dequantisation", field="descriptors.payload")
