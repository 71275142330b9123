"""The kind-3 decoder's edge-preserving smoothing of the working picture, exact in integers.

A wavelet coder at a few hundred bytes leaves ringing next to edges; a bilateral-style filter
(5x5, weights falling with distance and with the difference in brightness) removes much of it
without blurring the edges. Measured on the odd Kodak images at 491 / 983 bytes: +0.07 /
+0.09 dB PSNR and +0.005 MS-SSIM, HaarPSI -0.01 (the codec v2 log); the encoder chooses the
strength per file, 0 turning it off. The brightness kernel is a truncated parabola, so the
weights are integers computed exactly (spec/CODEC.md section 8.5).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

RADIUS = 2
# round(256 * exp(-d2 / 4.5)) for the squared distances d2 of a 5x5 window
SPATIAL = {0: 256, 1: 205, 2: 164, 4: 105, 5: 84, 8: 43}
RANGE_ONE = 4096
MAX_BRIGHTNESS = 1020  # R + 2G + B


@lru_cache(maxsize=16)
def range_weights(strength: int) -> np.ndarray:
    """max(0, 4096 - (64 * d^2) // strength^2) for d = -1020 .. 1020, at index d + 1020."""
    d = np.arange(-MAX_BRIGHTNESS, MAX_BRIGHTNESS + 1, dtype=np.int64)
    table = np.maximum(0, RANGE_ONE - (64 * d * d) // (strength * strength))
    table.setflags(write=False)
    return table


def brightness(picture: np.ndarray) -> np.ndarray:
    """R + 2G + B (4 Y for greyscale): four times a luma, in integers."""
    x = picture.astype(np.int64)
    return x[..., 0] + 2 * x[..., 1] + x[..., 2] if x.ndim == 3 else 4 * x


def smooth(picture: np.ndarray, strength: int) -> np.ndarray:
    """The working picture (uint8, HxW or HxWx3) smoothed at ``strength`` (0: unchanged).

    weight(dy, dx) = SPATIAL[dy^2 + dx^2] * max(0, 4096 - (64 * d^2) // strength^2), where d is
    the brightness difference to the centre; out = round-half-up of the weighted mean.
    """
    if strength == 0:
        return picture
    x = picture.astype(np.int64)
    height, width = x.shape[:2]
    lum = brightness(picture)
    pad = ((RADIUS, RADIUS), (RADIUS, RADIUS)) + (((0, 0),) if x.ndim == 3 else ())
    padded, padded_lum = np.pad(x, pad, mode="edge"), np.pad(lum, RADIUS, mode="edge")
    total = np.zeros_like(x)
    weights = np.zeros((height, width), dtype=np.int64)
    table = range_weights(strength)
    offset = lum + MAX_BRIGHTNESS  # index of a zero difference in ``table``
    for dy in range(-RADIUS, RADIUS + 1):
        for dx in range(-RADIUS, RADIUS + 1):
            window = (slice(RADIUS + dy, RADIUS + dy + height), slice(RADIUS + dx, RADIUS + dx + width))
            weight = SPATIAL[dy * dy + dx * dx] * table[padded_lum[window] - offset + 2 * MAX_BRIGHTNESS]
            total += (weight[..., None] if x.ndim == 3 else weight) * padded[window]
            weights += weight
    half = weights // 2
    if x.ndim == 3:
        return ((total + half[..., None]) // weights[..., None]).astype(np.uint8)
    return ((total + half) // weights).astype(np.uint8)
