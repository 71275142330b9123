"""Separable Catmull-Rom (Keys a = -1/2) resampling in exact integer arithmetic.

Why this kernel: on the codec v2 log, Keys -1/2, Lanczos-3 and Lanczos-4 upsamplers were
within 0.02 dB of each other, and Keys' weights are a cubic polynomial, so a decoder can
compute them exactly with integers (no sine tables) on every machine.

Output sample i of n_out takes source position ((2i + 1) n_in - n_out) / (2 n_out): centres
aligned, edges replicated. Weights are Q14 and sum to exactly 2**14 (spec/CODEC.md section 9).
"""

from __future__ import annotations

import numpy as np

from ..primitives.cache import array_cache

WEIGHT_BITS = 14
PASS1_SHIFT = 8  # after the horizontal pass: Q14 -> Q6
PASS2_SHIFT = 20  # after the vertical pass: Q6 * Q14 -> Q0
TAPS = 4
CACHE_BYTES = 4 << 20


@array_cache(CACHE_BYTES)
def taps(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, 2, 4) int64: source indices (clamped) and Q14 weights per output sample."""
    i = np.arange(n_out, dtype=np.int64)
    num = (2 * i + 1) * n_in - n_out
    den = 2 * n_out
    base = num // den
    t = ((num - base * den) << 16) // den  # fraction in Q16, 0 <= t < 2**16
    t2, t3 = t * t, t * t * t
    rounding = 1 << 34
    w_m1 = (-t3 + (t2 << 17) - (t << 32) + rounding) >> 35
    w_p1 = (-3 * t3 + (t2 << 18) + (t << 32) + rounding) >> 35
    w_p2 = (t3 - (t2 << 16) + rounding) >> 35
    w_0 = (1 << WEIGHT_BITS) - w_m1 - w_p1 - w_p2
    index = np.clip(base[:, None] + np.arange(-1, 3), 0, n_in - 1)
    table = np.stack([index, np.stack([w_m1, w_0, w_p1, w_p2], -1)], 1)
    table.setflags(write=False)
    return table


def _pass(values: np.ndarray, index: np.ndarray, weight: np.ndarray, axis: int) -> np.ndarray:
    """Sum of the 4 weighted taps along ``axis`` (no rounding)."""
    shape = [1] * values.ndim
    shape[axis] = -1
    total = None
    for k in range(TAPS):
        term = np.take(values, index[:, k], axis=axis) * weight[:, k].reshape(shape)
        total = term if total is None else total + term
    assert total is not None
    return total


def resize(plane: np.ndarray, width: int, height: int) -> np.ndarray:
    """An integer plane (H, W[, C]) resampled to (height, width[, C]), int64, unclipped."""
    h_in, w_in = plane.shape[:2]
    across, down = taps(w_in, width), taps(h_in, height)
    rows = (_pass(plane.astype(np.int64), across[:, 0], across[:, 1], 1) + (1 << (PASS1_SHIFT - 1))) >> PASS1_SHIFT
    return (_pass(rows, down[:, 0], down[:, 1], 0) + (1 << (PASS2_SHIFT - 1))) >> PASS2_SHIFT


HORIZONTAL_CHUNK_ROWS = 8


def horizontal(image: np.ndarray, width: int) -> np.ndarray:
    """First pass of ``resize`` for an 8-bit image: Q6 int32 rows (fits: |value| < 2**15).

    Computed a few source rows at a time into one output array: the temporaries stay small
    (a whole-picture pass made megabytes of fresh memory per decode, page faults included)."""
    across = taps(image.shape[1], width)
    index, weight = across[:, 0], across[:, 1].astype(np.int32)
    out = np.empty((image.shape[0], width, *image.shape[2:]), dtype=np.int32)
    for top in range(0, image.shape[0], HORIZONTAL_CHUNK_ROWS):
        rows = _pass(image[top : top + HORIZONTAL_CHUNK_ROWS].astype(np.int32), index, weight, 1)
        out[top : top + HORIZONTAL_CHUNK_ROWS] = (rows + (1 << (PASS1_SHIFT - 1))) >> PASS1_SHIFT
    return out


def vertical_band(rows: np.ndarray, height: int, top: int, bottom: int) -> np.ndarray:
    """Output rows top..bottom of ``resize`` from ``horizontal``'s rows, as uint8 (clipped)."""
    down = taps(rows.shape[0], height)[top:bottom]
    out = (_pass(rows, down[:, 0], down[:, 1].astype(np.int32), 0) + (1 << (PASS2_SHIFT - 1))) >> PASS2_SHIFT
    return np.clip(out, 0, 255).astype(np.uint8)


FLOAT_CHUNK_BYTES = 96 << 10  # temporaries of at most this size: no fresh pages per call


def resize_float(plane: np.ndarray, width: int, height: int, out: np.ndarray | None = None) -> np.ndarray:
    """The same kernel in floating point, for the encoder's estimates (into ``out`` if given:
    float64, the output's shape).

    Computed a band of rows at a time: whole-picture temporaries of megabytes each came as
    fresh pages on every call, which tripled its time."""
    across, down = taps(plane.shape[1], width), taps(plane.shape[0], height)
    source = plane.astype(np.float64, copy=False)
    channels = int(np.prod(plane.shape[2:], dtype=np.int64))
    rows = np.empty((plane.shape[0], width, *plane.shape[2:]))
    step = max(1, FLOAT_CHUNK_BYTES // (8 * max(width, plane.shape[1]) * channels))
    weight = across[:, 1] / 16384.0
    for top in range(0, plane.shape[0], step):
        rows[top : top + step] = _pass(source[top : top + step], across[:, 0], weight, 1)
    if out is None:
        out = np.empty((height, width, *plane.shape[2:]))
    step = max(1, FLOAT_CHUNK_BYTES // (8 * width * channels))
    for top in range(0, height, step):
        band = down[top : top + step]
        out[top : top + step] = _pass(rows, band[:, 0], band[:, 1] / 16384.0, 0)
    return out
