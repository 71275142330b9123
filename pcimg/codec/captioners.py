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


_HUE_LIMITS = np.array([limit for limit, _ in _HUES], dtype=np.float64)
_GREYS = ("dark grey", "grey", "light grey", "white")


def colour_names(rgb: np.ndarray) -> list[str]:
    """``colour_name`` of each row of an (N, 3) array of 0..255 values, computed at once: the
    same floating-point steps as ``colorsys.rgb_to_hsv``, so the same names (a test holds it)."""
    x = np.asarray(rgb, dtype=np.float64).reshape(-1, 3) / 255.0
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    v = x.max(axis=1)
    spread = v - x.min(axis=1)
    grey = spread == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(grey, 0.0, spread / v)
        rc, gc, bc = (v - r) / spread, (v - g) / spread, (v - b) / spread
        h = np.where(r == v, bc - gc, np.where(g == v, 2.0 + rc - bc, 4.0 + gc - rc))
        h = np.where(grey, 0.0, (h / 6.0) % 1.0)
    hue = np.minimum(np.searchsorted(_HUE_LIMITS, h * 360, side="right"), len(_HUES) - 1)
    grey_level = (v > 0.35).astype(np.int64) + (v > 0.6) + (v > 0.85)
    names = []
    for vi, si, hi, level in zip(v.tolist(), s.tolist(), hue.tolist(), grey_level.tolist(), strict=True):
        if vi < 0.18:
            names.append("black")
        elif si < 0.15:
            names.append(_GREYS[level])
        else:
            name = _HUES[hi][1]
            if name == "orange" and vi < 0.6:
                name = "brown"
            names.append(("dark " if vi < 0.4 else ("pale " if si < 0.35 and vi > 0.7 else "")) + name)
    return names


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
    names = colour_names(thumb)  # each pixel named once, row by row
    top = Counter(names[: third * small_w]).most_common(1)[0][0]
    bottom = Counter(names[-third * small_w :]).most_common(1)[0][0]
    overall = Counter(names).most_common(2)
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
