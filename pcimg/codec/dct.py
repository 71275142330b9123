"""Resolution-independent DCT basis, exact in integers for the decoder.

An image plane is f(x, y) = sum C[v][u] * b(u, x, W) * b(v, y, H) with
b(u, x, N) = beta_u * cos(pi * u * (2x + 1) / (2N)), beta_0 = 1, beta_u = sqrt(2).
C does not depend on the resolution, so the same coefficients decode at any size.

The decoder evaluates b from a 1025-entry quarter-wave table (Q14) with 4-bit linear
interpolation, and sums with float64 matrix products whose operands are integers small
enough (< 2**53 at every partial sum) that the result is exact on any machine.
"""

from __future__ import annotations

import math

import numpy as np

from ..primitives.cache import array_cache

Q = 14  # basis scale: 1.0 == 1 << 14
CACHE_BYTES = 16 << 20  # per table function: the largest table (128 x 16384) or a few smaller ones
QUARTER = 1024
COS_TABLE = np.array(
    [round((1 << Q) * math.sqrt(2.0) * math.cos(math.pi * j / (2 * QUARTER))) for j in range(QUARTER + 1)],
    dtype=np.int64,
)
_FULL = np.concatenate(
    [COS_TABLE[:QUARTER], -COS_TABLE[QUARTER:0:-1], -COS_TABLE[:QUARTER], COS_TABLE[QUARTER:0:-1]]
)  # 4096 entries, one period


@array_cache(CACHE_BYTES)
def basis_int(count: int, size: int) -> np.ndarray:
    """Integer basis b(u, x, size) * 2**14 for u < count, x < size, shape (count, size)."""
    u = np.arange(count, dtype=np.int64)[:, None]
    x = np.arange(size, dtype=np.int64)[None, :]
    period = 4 * size
    phase = ((u * (2 * x + 1)) % period) * 65536 // period  # angle = 2*pi*phase/65536
    index, frac = phase >> 4, phase & 15
    lo, hi = _FULL[index], _FULL[(index + 1) & 4095]
    values = (lo * (16 - frac) + hi * frac + 8) >> 4
    values[0, :] = 1 << Q
    values.setflags(write=False)
    return values


@array_cache(CACHE_BYTES)
def basis_float(count: int, size: int) -> np.ndarray:
    """The same basis in floating point, for the encoder's analysis."""
    u = np.arange(count, dtype=np.float64)[:, None]
    x = np.arange(size, dtype=np.float64)[None, :]
    values = np.cos(np.pi * u * (2 * x + 1) / (2 * size)) * math.sqrt(2.0)
    values[0, :] = 1.0
    values.setflags(write=False)
    return values


def analyse(plane: np.ndarray, kx: int, ky: int) -> np.ndarray:
    """Coefficients C (ky, kx) of a float plane (encoder side, not normative)."""
    height, width = plane.shape
    bx = basis_float(min(kx, width), width)
    by = basis_float(min(ky, height), height)
    coeffs = np.zeros((ky, kx))
    coeffs[: by.shape[0], : bx.shape[0]] = (by @ plane @ bx.T) / (width * height)
    return coeffs


def synthesise(coeffs: np.ndarray, width: int, height: int) -> np.ndarray:
    """Exact inverse: integer coefficients (any fixed-point unit) -> int64 plane, same unit.

    Two passes, each rounded by (value + 2**13) >> 14 (floor shift, i.e. round half up).
    """
    return synthesise_band(synthesise_rows(coeffs, width), height, 0, height)


def synthesise_rows(coeffs: np.ndarray, width: int) -> np.ndarray:
    """First pass: (ky, width) int64, the horizontal synthesis of every coefficient row."""
    bx = basis_int(coeffs.shape[1], width).astype(np.float64)
    exact_rows = coeffs.astype(np.float64) @ bx  # (ky, width), |.| < 2**37
    return (exact_rows.astype(np.int64) + (1 << (Q - 1))) >> Q


def synthesise_band(rows: np.ndarray, height: int, top: int, bottom: int) -> np.ndarray:
    """Second pass for output rows ``top..bottom-1`` only: each row is exact on its own, so a
    plane decoded in bands equals one decoded whole, and memory follows the band."""
    by = basis_int(rows.shape[0], height)[:, top:bottom].astype(np.float64)
    plane = by.T @ rows.astype(np.float64)  # (bottom - top, width), |.| < 2**44
    return (plane.astype(np.int64) + (1 << (Q - 1))) >> Q
