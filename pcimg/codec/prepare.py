"""Turn any Pillow image into the 8-bit RGB or greyscale array the encoder analyses."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

from ..errors import PciError
from ..format.registry import LIMITS

_GREY_MODES = {"1", "L", "LA", "La", "I;16", "I;16L", "I;16B", "I;16N", "I", "F"}


WHITE = (255, 255, 255)


class AlphaFlattenedWarning(UserWarning):
    """The image had transparency, which .pci v1 cannot carry: it was flattened on a background."""


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "RGBa", "LA", "La", "PA") or (image.mode == "P" and "transparency" in image.info)


TRANSPOSED_ORIENTATIONS = (5, 6, 7, 8)  # EXIF orientations that swap width and height


def oriented_size(image: Image.Image, size: tuple[int, int] | None = None) -> tuple[int, int]:
    """``size`` (default: the image's) as it is after the EXIF orientation is applied."""
    width, height = size or image.size
    return (height, width) if image.getexif().get(0x0112) in TRANSPOSED_ORIENTATIONS else (width, height)


def reduced(image: Image.Image, max_side: int) -> Image.Image:
    """At most ``max_side`` pixels on the long side, by Pillow's fast integer box reduction
    then Lanczos: what a working picture of at most 256 pixels needs, at a cost that follows
    the output, not the photograph."""
    if max(image.size) <= max_side:
        return image
    factor = max(1, max(image.size) // (2 * max_side))
    small = image.reduce(factor) if factor > 1 else image
    scale = max_side / max(small.size)
    size = (max(1, round(small.width * scale)), max(1, round(small.height * scale)))
    return small.resize(size, Image.Resampling.LANCZOS)


def prepare(
    image: Image.Image, background: tuple[int, int, int] = WHITE, max_side: int | None = None
) -> tuple[np.ndarray, str]:
    """(array, colour): EXIF orientation applied, alpha flattened on ``background`` (the API
    warns with ``AlphaFlattenedWarning``), 16-bit reduced to 8, and with ``max_side`` the long
    side reduced to it."""
    image = ImageOps.exif_transpose(image)
    limit = LIMITS["max_dimension"]
    if not (1 <= image.width <= limit and 1 <= image.height <= limit):
        raise PciError(f"image size {image.width}x{image.height} outside 1..{limit}", field="image")
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        mode = image.mode
    if max_side is not None and mode in ("1", "L", "RGB", "RGBA", "LA", "CMYK", "YCbCr", "LAB", "HSV", "I;16", "I"):
        image = reduced(image if mode != "1" else image.convert("L"), max_side)
        mode = image.mode
    if mode in ("RGBA", "RGBa", "LA", "La", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (*background, 255))
        flat.alpha_composite(rgba)
        image = flat.convert("L" if mode in ("LA", "La") else "RGB")
        mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        values = np.asarray(image, dtype=np.int64)
        scale = 257 if values.max(initial=0) > 255 else 1
        return np.clip((values + scale // 2) // scale, 0, 255).astype(np.uint8), "grey"
    if mode == "F":
        raise PciError("32-bit float images are not supported: convert to 8 or 16 bit first", field="image.mode")
    if mode in _GREY_MODES:
        return np.asarray(image.convert("L")), "grey"
    try:
        rgb = image.convert("RGB")
    except (ValueError, OSError) as exc:
        raise PciError(f"cannot convert mode {mode!r} to RGB: {exc}", field="image.mode") from None
    return np.asarray(rgb), "rgb"
