"""Descriptor kind 2, "texture-energy": how much fine detail each region of the image has.

Payload (version 1): rx, ry (u8, 1..32), gain (u8), then rx*ry 4-bit levels, raster
order, high nibble first. Level t > 0 means a detail RMS of 0.5 * 2**((t-1)/2) levels;
the decoder synthesises that much SplitMix64 noise on luma, times gain/64.
"""

from __future__ import annotations

import numpy as np

from ..errors import PciError
from ..primitives.prng import splitmix64

KIND = 2
VERSION = 1
MAX_REGIONS = 32
AMPLITUDE_Q4 = tuple([0] + [round(8 * 2 ** ((t - 1) / 2)) for t in range(1, 16)])
NOISE_MULTIPLIER, NOISE_SHIFT = 887, 30  # 18918 (uniform RMS) * 887 / 2**30 == 1/64


def levels_from_rms(rms: np.ndarray) -> np.ndarray:
    """Encoder: detail RMS per region (levels) -> 4-bit levels."""
    with np.errstate(divide="ignore"):
        t = np.round(2 * np.log2(np.maximum(rms, 1e-9) / 0.5)) + 1
    return np.where(rms < 0.35, 0, np.clip(t, 1, 15)).astype(np.int64)


def encode_payload(levels: np.ndarray, gain: int) -> bytes:
    ry, rx = levels.shape
    flat = [int(v) for v in levels.ravel()] + ([0] if levels.size % 2 else [])
    packed = bytes((flat[i] << 4) | flat[i + 1] for i in range(0, len(flat), 2))
    return bytes((rx, ry, gain)) + packed


def decode_payload(payload: bytes) -> tuple[np.ndarray, int]:
    if len(payload) < 3:
        raise PciError("texture payload shorter than its 3-byte header", field="descriptors.payload")
    rx, ry, gain = payload[:3]
    if not (1 <= rx <= MAX_REGIONS and 1 <= ry <= MAX_REGIONS):
        raise PciError(f"texture grid {rx}x{ry} outside 1..{MAX_REGIONS}", field="descriptors.payload")
    expected = 3 + (rx * ry + 1) // 2
    if len(payload) != expected:
        raise PciError(f"texture payload is {len(payload)} bytes, grid needs {expected}", field="descriptors.payload")
    nibbles = np.frombuffer(payload[3:], dtype=np.uint8)
    if (rx * ry) % 2 and nibbles[-1] & 15:
        raise PciError("texture payload's unused final nibble is not 0", field="descriptors.payload")
    flat = np.stack([nibbles >> 4, nibbles & 15], axis=1).ravel()[: rx * ry]
    return flat.reshape(ry, rx).astype(np.int64), gain


def _interpolation(regions: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bilinear weights (Q8) from region centres to pixel centres, clamped at the edges."""
    x = np.arange(size, dtype=np.int64)
    r8 = np.clip(((2 * x + 1) * regions * 128) // size - 128, 0, (regions - 1) * 256)
    i0 = r8 >> 8
    return i0, np.minimum(i0 + 1, regions - 1), r8 & 255


def amplitude_map(levels: np.ndarray, width: int, height: int, top: int = 0, bottom: int | None = None) -> np.ndarray:
    """Q4 detail amplitude at every pixel of rows ``top..bottom-1``, bilinear between regions."""
    bottom = height if bottom is None else bottom
    amps = np.array(AMPLITUDE_Q4, dtype=np.int64)[levels]
    x0, x1, fx = _interpolation(levels.shape[1], width)
    y0, y1, fy = (a[top:bottom] for a in _interpolation(levels.shape[0], height))
    rows = amps[:, x0] * (256 - fx) + amps[:, x1] * fx  # Q8
    grid = rows[y0, :] * (256 - fy)[:, None] + rows[y1, :] * fy[:, None]  # Q16
    return (grid + (1 << 15)) >> 16


def synthesise(
    levels: np.ndarray, gain: int, seed: int, width: int, height: int, top: int = 0, bottom: int | None = None
) -> np.ndarray:
    """Q4 luma detail of rows ``top..bottom-1``: SplitMix64 noise (output y*width + x at pixel
    (x, y)) shaped by the region amplitudes."""
    bottom = height if bottom is None else bottom
    count = (bottom - top) * width
    noise = (splitmix64(seed, count, start=top * width) >> np.uint64(48)).astype(np.int64) - 32768
    amp = amplitude_map(levels, width, height, top, bottom)
    return (noise.reshape(bottom - top, width) * amp * gain * NOISE_MULTIPLIER) >> NOISE_SHIFT
