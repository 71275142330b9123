"""Classical codecs at a byte budget, searching quality and downscale factor (the honest peer).

For each codec and scale the image is shrunk (Lanczos), encoded at the highest quality
that fits the budget, decoded and enlarged back (bicubic) to the original size.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, features

SCALES = (1.0, 1 / 1.5, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 8, 1 / 10, 1 / 12, 1 / 16, 1 / 20, 1 / 24, 1 / 32)


def _saver(fmt: str, **fixed) -> Callable[[Image.Image, int], bytes]:
    def save(image: Image.Image, quality: int) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, fmt, quality=quality, **fixed)
        return buffer.getvalue()

    return save


def available_codecs() -> dict[str, tuple[Callable[[Image.Image, int], bytes], int, int]]:
    """name -> (save(image, quality), lowest quality, highest quality)."""
    codecs = {"jpeg": (_saver("JPEG", optimize=True), 1, 95), "webp": (_saver("WEBP", method=6), 0, 100)}
    if features.check("avif"):
        codecs["avif"] = (_saver("AVIF", speed=4), 0, 100)
    try:
        import pillow_jxl  # noqa: F401

        codecs["jxl"] = (_saver("JXL", effort=7), 0, 99)  # quality 100 means lossless: not a lossy peer
    except ImportError:
        pass
    return codecs


@dataclass(frozen=True)
class PeerResult:
    codec: str
    scale: float
    quality: int
    size: int
    decoded: np.ndarray


def at_budget(image: Image.Image, codec: str, scale: float, budget: int) -> PeerResult | None:
    """Highest quality of ``codec`` at ``scale`` within ``budget`` bytes, or None."""
    save, lo, hi = available_codecs()[codec]
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    small = image if scale == 1.0 else image.resize(size, Image.Resampling.LANCZOS)
    if len(save(small, lo)) > budget:
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(save(small, mid)) <= budget:
            lo = mid
        else:
            hi = mid - 1
    data = save(small, lo)
    decoded = Image.open(io.BytesIO(data)).convert(image.mode)
    if decoded.size != image.size:
        decoded = decoded.resize(image.size, Image.Resampling.BICUBIC)
    return PeerResult(codec, scale, lo, len(data), np.asarray(decoded))
