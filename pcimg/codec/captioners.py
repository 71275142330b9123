"""Embedded captioners: words for the prompt without any model weights.

``describe_colours`` names the dominant colours, brightness and layout (sky-like top,
ground-like bottom) from the pixels alone. Heavier captioners live in ``pcimg.backends``.
"""

from __future__ import annotations

import colorsys
from collections import Counter

import numpy as np
from PIL import Image

_HUES = (
    (15, "red"),
    (40, "orange"),
    (65, "yellow"),
    (160, "green"),
    (195, "teal"),
    (255, "blue"),
    (290, "purple"),
    (335, "pink"),
    (360, "red"),
)


def colour_name(rgb: np.ndarray) -> str:
    """A plain English name for one mean RGB colour (0..255 floats)."""
    h, s, v = colorsys.rgb_to_hsv(*(float(c) / 255.0 for c in rgb))
    if v < 0.18:
        return "black"
    if s < 0.15:
        return "white" if v > 0.85 else ("light grey" if v > 0.6 else ("grey" if v > 0.35 else "dark grey"))
    hue = next(name for limit, name in _HUES if h * 360 < limit)
    if hue == "orange" and v < 0.6:
        hue = "brown"
    shade = "dark " if v < 0.4 else ("pale " if s < 0.35 and v > 0.7 else "")
    return shade + hue


def describe_colours(array: np.ndarray) -> str:
    """E.g. 'a softly lit photo, blue at the top, green at the bottom, mostly green and red'.

    Names are counted over a 32-pixel-wide thumbnail, so a few large areas decide, not
    the mean colour (which turns red and green into brown).
    """
    rgb = array if array.ndim == 3 else np.repeat(array[..., None], 3, axis=-1)
    height, width = rgb.shape[:2]
    small_w = min(32, width)
    small_h = max(1, round(height * small_w / width))
    small = Image.fromarray(rgb.astype(np.uint8)).resize((small_w, small_h), Image.Resampling.BOX)
    thumb = np.asarray(small, dtype=np.float64)
    third = max(1, small_h // 3)
    names = [[colour_name(px) for px in row] for row in thumb]  # each pixel named once
    top = Counter(n for row in names[:third] for n in row).most_common(1)[0][0]
    bottom = Counter(n for row in names[-third:] for n in row).most_common(1)[0][0]
    overall = Counter(n for row in names for n in row).most_common(2)
    luma = float((thumb @ np.array([0.299, 0.587, 0.114])).mean())
    light = "dark" if luma < 85 else ("bright" if luma > 170 else "softly lit")
    kind = "black and white photo" if array.ndim == 2 else "photo"
    words = [f"a {light} {kind}"]
    if top != bottom:
        words.append(f"{top} at the top, {bottom} at the bottom")
    main = overall[0][0]
    if len(overall) > 1 and overall[1][1] >= 0.2 * thumb.shape[0] * thumb.shape[1]:
        main += f" and {overall[1][0]}"
    words.append(f"mostly {main}")
    return ", ".join(words)
