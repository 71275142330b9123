"""Embedded captioners: words for the prompt without any model weights.

``describe_colours`` names the dominant colours, brightness and layout (sky-like top,
ground-like bottom) from the pixels alone. Heavier captioners live in ``pcimg.backends``.
"""

from __future__ import annotations

import colorsys

import numpy as np

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
    """E.g. 'a bright photo, blue at the top, green at the bottom, mostly green'."""
    rgb = array if array.ndim == 3 else np.repeat(array[..., None], 3, axis=-1)
    rgb = rgb.astype(np.float64)
    third = max(1, rgb.shape[0] // 3)
    top, bottom = colour_name(rgb[:third].mean((0, 1))), colour_name(rgb[-third:].mean((0, 1)))
    overall = colour_name(rgb.mean((0, 1)))
    luma = float((rgb @ np.array([0.299, 0.587, 0.114])).mean())
    light = "dark" if luma < 85 else ("bright" if luma > 170 else "softly lit")
    kind = "black and white photo" if array.ndim == 2 else "photo"
    words = [f"a {light} {kind}"]
    if top != bottom:
        words.append(f"{top} at the top, {bottom} at the bottom")
    words.append(f"mostly {overall}")
    return ", ".join(words)
