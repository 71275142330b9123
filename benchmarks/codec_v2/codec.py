"""The wavelet candidate end to end: image -> payload bytes -> image (prototype)."""

from __future__ import annotations

from dataclasses import dataclass

import coder
import numpy as np
import wavelet
from PIL import Image

from pcimg.primitives import rangecoder as rc

HEADER_BYTES = 4  # working width, height, step index, flags: what a real payload would spend


@dataclass(frozen=True)
class Params:
    chroma_step: float = 1.6  # chroma quantiser relative to luma
    deadzone: float = 0.62  # |c|/step below this is zero; rounding offset = 1 - deadzone
    recon: float = 0.05  # reconstruct at (|q| + recon) * step
    chroma_half: bool = True  # chroma at half the working resolution
    ll_scale: float = 1.0  # LL step relative to the detail bands
    fine_scale: float = 1.0  # finest detail level's step relative to the others


def to_ycbcr(rgb: np.ndarray) -> np.ndarray:
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = -0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 0.5 * r - 0.418688 * g - 0.081312 * b
    return np.stack([y - 128, cb, cr], -1)


def to_rgb(ycc: np.ndarray) -> np.ndarray:
    y, cb, cr = ycc[..., 0] + 128, ycc[..., 1], ycc[..., 2]
    r = y + 1.402 * cr
    g = y - 0.344136 * cb - 0.714136 * cr
    b = y + 1.772 * cb
    return np.clip(np.round(np.stack([r, g, b], -1)), 0, 255).astype(np.uint8)


def resize(plane: np.ndarray, size: tuple[int, int], method=Image.Resampling.LANCZOS) -> np.ndarray:
    return np.asarray(Image.fromarray(plane.astype(np.float32), mode="F").resize(size, method), dtype=np.float64)


def _steps(step: float, n_levels: int, p: Params) -> list[float]:
    """Step per band group: LL, then each detail level coarse to fine."""
    return [step * p.ll_scale] + [step * (p.fine_scale if i == n_levels - 1 else 1.0) for i in range(n_levels)]


def quantise(bands, step: float, p: Params):
    steps = _steps(step, len(bands) - 1, p)

    def q(c, s, dz):
        m = np.floor(np.abs(c) / s + (1 - dz))
        return (np.sign(c) * np.maximum(m, 0)).astype(np.int64)

    details = [tuple(q(b, s, p.deadzone) for b in t) for t, s in zip(bands[1:], steps[1:], strict=True)]
    return [q(bands[0], steps[0], 0.5), *details]


def dequantise(qbands, step: float, p: Params):
    steps = _steps(step, len(qbands) - 1, p)

    def d(q, s, recon):
        return np.sign(q) * (np.abs(q) + recon) * s * (q != 0)

    details = [tuple(d(b, s, p.recon) for b in t) for t, s in zip(qbands[1:], steps[1:], strict=True)]
    return [d(qbands[0], steps[0], 0.0), *details]


def planes_for(thumb_ycc: np.ndarray, p: Params) -> list[np.ndarray]:
    h, w = thumb_ycc.shape[:2]
    planes = [thumb_ycc[..., 0]]
    for c in (1, 2):
        plane = thumb_ycc[..., c]
        if p.chroma_half:
            plane = resize(plane, (max(1, (w + 1) // 2), max(1, (h + 1) // 2)))
        planes.append(plane)
    return planes


def encode(thumb_ycc: np.ndarray, step: float, p: Params) -> tuple[bytes, list]:
    enc = rc.Encoder()
    models = [coder.Model(0), coder.Model(1)]
    qs = []
    for i, plane in enumerate(planes_for(thumb_ycc, p)):
        levels = wavelet.levels_for(plane.shape[1], plane.shape[0])
        s = step * (p.chroma_step if i else 1.0)
        qb = quantise(wavelet.forward(plane, levels), s, p)
        coder.code_plane(enc, models[min(i, 1)], qb)
        qs.append(qb)
    return enc.finish(), qs


def reconstruct(qs: list, step: float, p: Params, size: tuple[int, int]) -> np.ndarray:
    """Thumbnail YCbCr from quantised bands (what a decoder computes)."""
    w, h = size
    out = []
    for i, qb in enumerate(qs):
        s = step * (p.chroma_step if i else 1.0)
        plane = wavelet.inverse(dequantise(qb, s, p))
        if i and p.chroma_half:
            plane = resize(plane, (w, h), Image.Resampling.BICUBIC)
        out.append(plane)
    return np.stack(out, -1)


def decode_check(data: bytes, qs: list) -> bool:
    """Decode the bytes and compare with the encoder's quantised bands (coder round trip)."""
    dec = rc.Decoder(data)
    models = [coder.Model(0), coder.Model(1)]
    for i, qb in enumerate(qs):
        blank = [np.zeros_like(qb[0])] + [tuple(np.zeros_like(b) for b in t) for t in qb[1:]]
        coder.code_plane(dec, models[min(i, 1)], blank, decoding=True)
        if not all(np.array_equal(a, b) for a, b in zip(_flat(blank), _flat(qb), strict=True)):
            return False
    return True


def _flat(bands):
    return [bands[0]] + [b for t in bands[1:] for b in t]
