"""Colour transforms: float analysis for the encoder, exact integer synthesis for the decoder.

The space is JPEG's full-range YCbCr (BT.601 weights). Decoder planes are in Q4 units
(16 == one 8-bit level) with luma centred on zero (Y - 128).
"""

from __future__ import annotations

import numpy as np

_FORWARD = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]], dtype=np.float64)
# Q16 inverse weights: R = Y + 1.402 Cr; G = Y - 0.344136 Cb - 0.714136 Cr; B = Y + 1.772 Cb
CR_R, CB_G, CR_G, CB_B = 91881, 22554, 46802, 116130


def rgb_to_planes(rgb: np.ndarray) -> list[np.ndarray]:
    """uint8 (H, W, 3) -> [Y-128, Cb, Cr] float planes in 8-bit level units."""
    ycc = rgb.astype(np.float64) @ _FORWARD.T
    ycc[..., 0] -= 128.0
    return [ycc[..., i] for i in range(3)]


def grey_to_planes(grey: np.ndarray) -> list[np.ndarray]:
    return [grey.astype(np.float64) - 128.0]


def planes_to_rgb(y4: np.ndarray, cb4: np.ndarray, cr4: np.ndarray) -> np.ndarray:
    """Exact: Q4 planes (int64) -> uint8 (H, W, 3)."""
    half = 1 << 15
    r = y4 + ((CR_R * cr4 + half) >> 16)
    g = y4 - ((CB_G * cb4 + CR_G * cr4 + half) >> 16)
    b = y4 + ((CB_B * cb4 + half) >> 16)
    out = np.stack([r, g, b], axis=-1)
    return _to_uint8(out)


def plane_to_grey(y4: np.ndarray) -> np.ndarray:
    return _to_uint8(y4)


def _to_uint8(q4: np.ndarray) -> np.ndarray:
    return np.clip((q4 + (128 << 4) + 8) >> 4, 0, 255).astype(np.uint8)
