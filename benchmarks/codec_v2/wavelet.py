"""Codec v2 candidate: CDF 9/7 wavelet of YCbCr at a working resolution, context-coded.

A prototype for measurement (float lifting, not yet bit-exact): it produces real bytes with
pcimg's range coder, so its rate is the one a descriptor kind built on it would have.
"""

from __future__ import annotations

import numpy as np

# CDF 9/7 lifting constants (Daubechies & Sweldens), normalised so the transform is near-orthonormal.
ALPHA, BETA, GAMMA, DELTA, KAPPA = -1.586134342, -0.05298011854, 0.8829110762, 0.4435068522, 1.149604398


def _lift_1d(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward 9/7 along the last axis (even length not required): (low, high)."""
    s = x[..., 0::2].astype(np.float64).copy()
    d = x[..., 1::2].astype(np.float64).copy()
    if d.shape[-1] == 0:
        return s, d

    ns, nd = s.shape[-1], d.shape[-1]
    # d[i] += ALPHA*(s[i] + s[i+1])
    s_next = np.concatenate([s[..., 1:], s[..., -1:]], -1) if ns == nd else s[..., 1 : nd + 1]
    d += ALPHA * (s[..., :nd] + s_next)
    # s[i] += BETA*(d[i-1] + d[i])
    d_cur = d if nd == ns else np.concatenate([d, d[..., -1:]], -1)
    d_prev = np.concatenate([d[..., :1], d[..., :]], -1)[..., :ns]
    s += BETA * (d_prev + d_cur[..., :ns])
    s_next = np.concatenate([s[..., 1:], s[..., -1:]], -1) if ns == nd else s[..., 1 : nd + 1]
    d += GAMMA * (s[..., :nd] + s_next)
    d_cur = d if nd == ns else np.concatenate([d, d[..., -1:]], -1)
    d_prev = np.concatenate([d[..., :1], d[..., :]], -1)[..., :ns]
    s += DELTA * (d_prev + d_cur[..., :ns])
    return s * KAPPA, d / KAPPA


def _unlift_1d(s: np.ndarray, d: np.ndarray) -> np.ndarray:
    s = s / KAPPA
    d = d * KAPPA
    ns, nd = s.shape[-1], d.shape[-1]
    if nd:
        d_cur = d if nd == ns else np.concatenate([d, d[..., -1:]], -1)
        d_prev = np.concatenate([d[..., :1], d[..., :]], -1)[..., :ns]
        s = s - DELTA * (d_prev + d_cur[..., :ns])
        s_next = np.concatenate([s[..., 1:], s[..., -1:]], -1) if ns == nd else s[..., 1 : nd + 1]
        d = d - GAMMA * (s[..., :nd] + s_next)
        d_cur = d if nd == ns else np.concatenate([d, d[..., -1:]], -1)
        d_prev = np.concatenate([d[..., :1], d[..., :]], -1)[..., :ns]
        s = s - BETA * (d_prev + d_cur[..., :ns])
        s_next = np.concatenate([s[..., 1:], s[..., -1:]], -1) if ns == nd else s[..., 1 : nd + 1]
        d = d - ALPHA * (s[..., :nd] + s_next)
    out = np.empty((*s.shape[:-1], ns + nd))
    out[..., 0::2] = s
    out[..., 1::2] = d
    return out


def forward(plane: np.ndarray, levels: int) -> list:
    """[LL, (HL, LH, HH) coarsest first ...]."""
    bands = []
    cur = plane.astype(np.float64)
    for _ in range(levels):
        lo, hi = _lift_1d(cur)  # rows
        ll, lh = _lift_1d(lo.swapaxes(0, 1))
        hl, hh = _lift_1d(hi.swapaxes(0, 1))
        bands.append((hl.swapaxes(0, 1), lh.swapaxes(0, 1), hh.swapaxes(0, 1)))
        cur = ll.swapaxes(0, 1)
    return [cur, *reversed(bands)]


def inverse(bands: list) -> np.ndarray:
    cur = bands[0]
    for hl, lh, hh in bands[1:]:
        lo = _unlift_1d(cur.swapaxes(0, 1), lh.swapaxes(0, 1)).swapaxes(0, 1)
        hi = _unlift_1d(hl.swapaxes(0, 1), hh.swapaxes(0, 1)).swapaxes(0, 1)
        cur = _unlift_1d(lo, hi)
    return cur


def levels_for(w: int, h: int, smallest: int = 3) -> int:
    n = 0
    while min(w, h) >> (n + 1) >= smallest and n < 6:
        n += 1
    return n
