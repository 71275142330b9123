"""Separable upsamplers as matrices, for measuring kernels (prototype)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def _keys(x: np.ndarray, a: float) -> np.ndarray:
    x = np.abs(x)
    inner = (a + 2) * x**3 - (a + 3) * x**2 + 1
    outer = a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a
    return np.where(x <= 1, inner, np.where(x < 2, outer, 0))


def _lanczos(x: np.ndarray, n: int) -> np.ndarray:
    return np.where(np.abs(x) < n, np.sinc(x) * np.sinc(x / n), 0.0)


@lru_cache(maxsize=512)
def matrix(n_in: int, n_out: int, kind: str) -> np.ndarray:
    """(n_out, n_in): pixel-centre aligned, edge-replicated, rows normalised to sum 1."""
    centres = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    taps = np.arange(-4, 5)
    base = np.floor(centres).astype(int)
    m = np.zeros((n_out, n_in))
    for t in taps:
        src = base + t
        x = centres - src
        w = _keys(x, float(kind[4:])) if kind.startswith("keys") else _lanczos(x, int(kind[7:]))
        np.add.at(m, (np.arange(n_out), np.clip(src, 0, n_in - 1)), w)
    return m / m.sum(1, keepdims=True)


def upsample(rgb: np.ndarray, size: tuple[int, int], kind: str) -> np.ndarray:
    w, h = size
    my, mx = matrix(rgb.shape[0], h, kind), matrix(rgb.shape[1], w, kind)
    out = np.stack([my @ rgb[..., c].astype(np.float64) @ mx.T for c in range(rgb.shape[2])], -1)
    return np.clip(np.round(out), 0, 255).astype(np.uint8)
