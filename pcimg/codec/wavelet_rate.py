"""Encoder-side estimate of a kind-3 payload's size without coding it.

The size search needs, for each working size, the quantiser whose file just fits; a real
coding pass is a Python loop over every coded bit. Here every bit is priced at once with
numpy, from the same context arrays the coder uses (``wavelet_encode.band_contexts``) and the
contexts' trained starting probabilities, held fixed: the real coder adapts them, so the
estimate runs a few percent high, alike for every size and quantiser of one image. The
search compares working sizes at their estimated quantisers and codes for real only the
one it keeps. Not normative.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..primitives import rangecoder as rc
from . import wavelet_coder2
from .wavelet_coder import PLANE_TYPES, SIZES, Contexts
from .wavelet_encode import _shift, band_contexts
from .wavelet_plane import plane_contexts

MAX_PREFIX = rc.MAX_PREFIX + 1


class Prices:
    """Bits to code 0 and 1 under each context's starting probability, per plane type."""

    def __init__(self, ctx: Contexts | wavelet_coder2.Contexts, sizes: dict = SIZES) -> None:
        self.zero: dict[str, np.ndarray] = {}
        self.one: dict[str, np.ndarray] = {}
        for name in sizes:
            p0 = np.asarray(getattr(ctx, name), dtype=np.float64) / rc.PROB_ONE
            self.zero[name], self.one[name] = -np.log2(p0), -np.log2(1.0 - p0)
        # Exp-Golomb prices: prefix k costs ones at contexts 0..k-1, a zero at k, then k raw bits
        self.uint: dict[str, np.ndarray] = {}
        for name in ("ll_mag", "mag"):
            ones, zeros = self.one[name], self.zero[name]
            last = ones.shape[1] - 1
            k = np.arange(MAX_PREFIX)
            idx = np.minimum(k, last)
            prefix_ones = np.concatenate([np.zeros((ones.shape[0], 1)), np.cumsum(ones[:, idx], axis=1)], axis=1)
            self.uint[name] = prefix_ones[:, :MAX_PREFIX] + zeros[:, idx] + k  # [ctx, k]


_PRICES: dict[tuple[str, str, int], Prices] = {}


def prices(plane_type: str, priors_file: str, version: int = 1) -> Prices:
    key = (plane_type, priors_file, version)
    if key not in _PRICES:
        if version == 2:
            _PRICES[key] = Prices(wavelet_coder2.Contexts(plane_type, priors_file=priors_file), wavelet_coder2.SIZES)
        else:
            _PRICES[key] = Prices(Contexts(plane_type, priors_file=priors_file))
    return _PRICES[key]


def _uint_bits(table: np.ndarray, ctx: np.ndarray, values: np.ndarray) -> float:
    k = np.floor(np.log2(values + 1.0)).astype(np.int64)
    return float(table[ctx, np.minimum(k, MAX_PREFIX - 1)].sum())


def _ll_bits(p: Prices, ll: np.ndarray) -> float:
    a, b, c = _shift(ll, 0, 1), _shift(ll, 1, 0), _shift(ll, 1, 1)
    low, high = np.minimum(a, b), np.maximum(a, b)
    pred = np.where(c >= high, low, np.where(c <= low, high, a + b - c))
    pred[0, :] = a[0, :]
    pred[1:, 0] = ll[:-1, 0]
    residual = (ll - pred).ravel()
    previous = np.minimum(np.abs(np.concatenate([[0], residual[:-1]])), 2)
    nonzero = residual != 0
    bits = float(np.where(nonzero, p.one["ll_zero"][previous], p.zero["ll_zero"][previous]).sum())
    signs = residual[nonzero] < 0
    bits += float(np.where(signs, p.one["ll_sign"][0], p.zero["ll_sign"][0]).sum())
    return bits + _uint_bits(p.uint["ll_mag"], previous[nonzero], np.abs(residual[nonzero]) - 1)


def _detail_bands(bands: list) -> Iterator[tuple[np.ndarray, int, int, np.ndarray | None, list]]:
    """(band, group, orientation, parent, siblings) of every non-empty detail band, coding order."""
    levels = len(bands) - 1
    for index, triple in enumerate(bands[1:]):
        group = min(levels - 1 - index, 2)
        for orient, band in enumerate(triple):
            if band.size:
                yield band, group, orient, bands[index][orient] if index else None, list(triple[:orient])


def _flag_bits(p: Prices, block_nz: np.ndarray, block_ctx: np.ndarray) -> float:
    flags, ctx = block_nz.ravel(), block_ctx.ravel()
    return float(np.where(flags, p.one["block"][ctx], p.zero["block"][ctx]).sum())


def plane_bits(p: Prices, bands: list) -> float:
    """Estimated bits of one plane's index arrays ([LL, (HL, LH, HH) coarse to fine])."""
    bits = _ll_bits(p, np.asarray(bands[0], dtype=np.int64))
    for band, group, orient, parent, siblings in _detail_bands(bands):
        c = band_contexts(band, group, orient, parent, siblings)
        bits += _flag_bits(p, c.block_nz, c.block_ctx)
        # positions inside blocks that hold a non-zero value are coded, the others are not
        raster = c.order[np.repeat(c.block_nz.ravel(), c.counts)]
        values = band.ravel()[raster]
        nonzero = values != 0
        sig = c.sig_ctx.ravel()[raster]
        bits += float(np.where(nonzero, p.one["sig"][sig], p.zero["sig"][sig]).sum())
        sign = c.sign_ctx.ravel()[raster][nonzero]
        bits += float(np.where(values[nonzero] < 0, p.one["sign"][sign], p.zero["sign"][sign]).sum())
        bits += _uint_bits(p.uint["mag"], c.mag_ctx.ravel()[raster][nonzero], np.abs(values[nonzero]) - 1)
    return bits


def plane_bits2(p: Prices, bands: list) -> float:
    """``plane_bits`` for version 2's contexts (``wavelet_coder2``), a plane's detail bands at
    once (``wavelet_plane``)."""
    bits = _ll_bits(p, np.asarray(bands[0], dtype=np.int64))
    c = plane_contexts(bands)
    bits += _flag_bits(p, c.block_nz, c.block_ctx)
    values, coded = c.values, ~c.forced
    nonzero = values != 0
    sig = c.sig_ctx[coded]
    bits += float(np.where(nonzero[coded], p.one["sig"][sig], p.zero["sig"][sig]).sum())
    sign = c.sign_ctx[nonzero]
    bits += float(np.where(values[nonzero] < 0, p.one["sign"][sign], p.zero["sign"][sign]).sum())
    n = np.abs(values[nonzero])
    bits += _uint_bits(p.uint["mag"], c.mag_ctx[nonzero], n - 1)
    # the uint price counts every suffix bit raw; version 2 codes the first in a context
    k = np.floor(np.log2(n)).astype(np.int64)
    kk = k[k > 0]
    top = (n[k > 0] >> (kk - 1)) & 1
    suffix = c.group[nonzero][k > 0] * 3 + np.minimum(kk, 3) - 1
    bits += float(np.where(top == 1, p.one["suffix"][suffix], p.zero["suffix"][suffix]).sum()) - len(kk)
    return bits


def payload_bytes(indices: list[list], priors_file: str, header_bytes: int, version: int = 1) -> float:
    """Estimated payload size of per-plane index arrays (Y, then chroma), coded as ``version``."""
    count = plane_bits2 if version == 2 else plane_bits
    bits = sum(count(prices(PLANE_TYPES[min(plane, 1)], priors_file, version), b) for plane, b in enumerate(indices))
    return header_bytes + bits / 8 + 1
