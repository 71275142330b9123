"""CDF 9/7 wavelet by lifting: float analysis for the encoder, exact integer synthesis.

A plane of n samples splits into s (even positions, ceil(n/2)) and d (odd, floor(n/2)) with
whole-sample symmetric extension at both ends. The decoder's inverse uses the lifting
constants in Q14 with round-half-up shifts and clamps every level's output to +-2**20, so any
payload, however hostile, stays inside 64-bit integers (spec/CODEC.md section 8.4).
"""

from __future__ import annotations

import numpy as np

Q = 14
HALF = 1 << (Q - 1)
ALPHA, BETA, GAMMA, DELTA, KAPPA = -1.586134342, -0.05298011854, 0.8829110762, 0.4435068522, 1.149604398
ALPHA_Q, BETA_Q, GAMMA_Q, DELTA_Q = -25987, -868, 14466, 7266
KAPPA_Q, KAPPA_INV_Q = 18835, 14252
MAX_LEVELS = 6
SMALLEST_BAND = 3
CLAMP = 1 << 20

Bands = list  # [LL, (HL, LH, HH) coarsest level first, ...]


def levels_for(width: int, height: int) -> int:
    """Most levels such that every band of the coarsest level is at least 3 samples a side."""
    n = 0
    while n < MAX_LEVELS and min(width, height) >> (n + 1) >= SMALLEST_BAND:
        n += 1
    return n


def band_shapes(width: int, height: int, levels: int) -> list:
    """Shapes (rows, cols) in the order of ``Bands``: LL, then (HL, LH, HH) coarse to fine."""
    sizes = [(height, width)]
    for _ in range(levels):
        h, w = sizes[-1]
        sizes.append(((h + 1) // 2, (w + 1) // 2))
    shapes: list = [sizes[levels]]
    for level in range(levels, 0, -1):
        h, w = sizes[level - 1]
        lo_h, hi_h, lo_w, hi_w = (h + 1) // 2, h // 2, (w + 1) // 2, w // 2
        shapes.append(((lo_h, hi_w), (hi_h, lo_w), (hi_h, hi_w)))
    return shapes


def _next(a: np.ndarray, n: int) -> np.ndarray:
    """a[i+1] for i < n, the last element repeated past the end (symmetric extension)."""
    return np.concatenate([a[..., 1:], a[..., -1:]], -1)[..., :n]


def _prev(a: np.ndarray, n: int) -> np.ndarray:
    """a[i-1] for i < n, a[0] before the start and a[-1] past the end."""
    ext = np.concatenate([a[..., :1], a, a[..., -1:]], -1)
    return ext[..., :n]


def _cur(a: np.ndarray, n: int) -> np.ndarray:
    """a[i] for i < n, the last element repeated past the end."""
    return a if a.shape[-1] >= n else np.concatenate([a, a[..., -1:]], -1)[..., :n]


def _split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward 9/7 along the last axis (float): (s, d)."""
    s, d = x[..., 0::2].astype(np.float64), x[..., 1::2].astype(np.float64)
    ns, nd = s.shape[-1], d.shape[-1]
    if nd == 0:
        return s, d
    d = d + ALPHA * (s[..., :nd] + _next(s, nd))
    s = s + BETA * (_prev(d, ns) + _cur(d, ns))
    d = d + GAMMA * (s[..., :nd] + _next(s, nd))
    s = s + DELTA * (_prev(d, ns) + _cur(d, ns))
    return s * KAPPA, d / KAPPA


def _lift(coefficient: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (coefficient * (a + b) + HALF) >> Q


def _merge(s: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Inverse 9/7 along the last axis, exact on int64 (spec/CODEC.md section 8.4)."""
    ns, nd = s.shape[-1], d.shape[-1]
    out = np.empty((*s.shape[:-1], ns + nd), dtype=np.int64)
    if nd == 0:
        out[...] = s
        return out
    s = (s * KAPPA_INV_Q + HALF) >> Q
    d = (d * KAPPA_Q + HALF) >> Q
    s = s - _lift(DELTA_Q, _prev(d, ns), _cur(d, ns))
    d = d - _lift(GAMMA_Q, s[..., :nd], _next(s, nd))
    s = s - _lift(BETA_Q, _prev(d, ns), _cur(d, ns))
    d = d - _lift(ALPHA_Q, s[..., :nd], _next(s, nd))
    out[..., 0::2] = s
    out[..., 1::2] = d
    return out


def forward(plane: np.ndarray, levels: int) -> Bands:
    """Float analysis: rows, then columns of each half, per level (encoder, not normative)."""
    details = []
    current = plane.astype(np.float64)
    for _ in range(levels):
        lo, hi = _split(current)
        ll, lh = _split(lo.T)
        hl, hh = _split(hi.T)
        details.append((hl.T, lh.T, hh.T))
        current = ll.T
    return [current, *reversed(details)]


def inverse(bands: Bands) -> np.ndarray:
    """Integer synthesis: per level, columns (LL with LH, HL with HH), then rows; clamped."""
    current = np.asarray(bands[0], dtype=np.int64)
    for hl, lh, hh in bands[1:]:
        lo = _merge(current.T, np.asarray(lh, dtype=np.int64).T).T
        hi = _merge(np.asarray(hl, dtype=np.int64).T, np.asarray(hh, dtype=np.int64).T).T
        current = np.clip(_merge(lo, hi), -CLAMP, CLAMP)
    return current


def inverse_float(bands: Bands) -> np.ndarray:
    """Float synthesis, for the encoder's distortion estimate."""
    current = bands[0]
    for hl, lh, hh in bands[1:]:
        lo = _merge_float(current.T, lh.T).T
        hi = _merge_float(hl.T, hh.T).T
        current = _merge_float(lo, hi)
    return current


def _merge_float(s: np.ndarray, d: np.ndarray) -> np.ndarray:
    ns, nd = s.shape[-1], d.shape[-1]
    out = np.empty((*s.shape[:-1], ns + nd))
    if nd == 0:
        out[...] = s
        return out
    s, d = s / KAPPA, d * KAPPA
    s = s - DELTA * (_prev(d, ns) + _cur(d, ns))
    d = d - GAMMA * (s[..., :nd] + _next(s, nd))
    s = s - BETA * (_prev(d, ns) + _cur(d, ns))
    d = d - ALPHA * (s[..., :nd] + _next(s, nd))
    out[..., 0::2] = s
    out[..., 1::2] = d
    return out
