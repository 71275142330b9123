"""Encoder-side coding of kind-3 bands: every context computed at once with numpy.

The encoder knows all indices before it codes, so the contexts that ``wavelet_coder`` and
``wavelet_coder2`` work out one coefficient at a time (as a decoder must) can be computed
with array operations (version 1 band by band here, version 2 a whole plane at once in
``wavelet_plane``); what is left in Python is one loop over the coder. Same bytes as the
traversal coders (a test holds them identical), which is what the encoder's size x
quantiser search spends its time on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..primitives import rangecoder as rc
from . import wavelet_coder2
from .wavelet_coder import BLOCK, GROUPS, NEIGHBOUR_CLASSES, Contexts, LLContexts
from .wavelet_plane import band_geometry, plane_contexts

_CLASS = np.array((0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4), dtype=np.int64)


def _shift(a: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """out[y, x] = a[y - dy, x - dx], zero outside."""
    out = np.zeros_like(a)
    h, w = a.shape
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = a[
        max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return out


def _ll_events(enc: rc.Encoder, ctx: LLContexts, ll: np.ndarray) -> None:
    a, b, c = _shift(ll, 0, 1), _shift(ll, 1, 0), _shift(ll, 1, 1)
    low, high = np.minimum(a, b), np.maximum(a, b)
    pred = np.where(c >= high, low, np.where(c <= low, high, a + b - c))  # MED
    pred[0, :] = a[0, :]  # first row: the left neighbour (0 at the corner)
    pred[1:, 0] = ll[:-1, 0]  # first column: the one above
    residual = (ll - pred).ravel()
    previous = np.minimum(np.abs(np.concatenate([[0], residual[:-1]])), 2)
    zero, sign, mags = ctx.ll_zero, ctx.ll_sign, ctx.ll_mag
    for r, z in zip(residual.tolist(), previous.tolist(), strict=True):
        enc.bit(zero, z, 1 if r else 0)
        if r:
            enc.bit(sign, 0, 1 if r < 0 else 0)
            rc.encode_uint(enc, mags[z], abs(r) - 1)


@lru_cache(maxsize=256)
def _parent_index(h: int, w: int, ph: int, pw: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each position of an h x w band reads its parent (ph x pw): row and column arrays."""
    y, x = band_geometry(h, w)[:2]
    return np.minimum(y >> 1, ph - 1), np.minimum(x >> 1, pw - 1)


@dataclass(frozen=True)
class BandContexts:
    """Every context of one band's coding, as arrays (positions in coding order)."""

    order: np.ndarray  # raster index of each position, in coding order
    counts: list[int]  # positions per 4x4 block
    block_nz: np.ndarray  # per block: holds a non-zero index
    block_ctx: np.ndarray
    sig_ctx: np.ndarray  # per position (raster)
    sign_ctx: np.ndarray
    mag_ctx: np.ndarray


def band_contexts(
    band: np.ndarray, group: int, orient: int, parent: np.ndarray | None, siblings: list[np.ndarray]
) -> BandContexts:
    n = _neighbourhood(band, parent, siblings)
    t = 2 * n.west + 2 * n.north + n.north_west
    n_class = _CLASS[t + n.north_east]
    sig_ctx = ((group * NEIGHBOUR_CLASSES + n_class) * 3 + n.parent) * 2 + n.sibling
    signed, order, counts = n.signed, n.order, n.counts
    signs = signed[1:, :-2] + signed[:-1, 1:-1]
    sign_ctx = group * 3 + np.where(signs == 0, 0, np.where(signs > 0, 1, 2))
    mag_ctx = group * 3 + np.minimum(n_class, 2)
    block_nz, near, parent_count = _blocks(band != 0, parent)
    block_ctx = ((group * 3 + orient) * 3 + near) * 2 + np.minimum(parent_count, 1)
    return BandContexts(order, counts, block_nz, block_ctx, sig_ctx, sign_ctx, mag_ctx)


@dataclass(frozen=True)
class Neighbourhood:
    """What version 1's contexts read around each position, as arrays of the band's shape."""

    west: np.ndarray  # min(|W|, 2)
    north: np.ndarray  # min(|N|, 2)
    north_west: np.ndarray  # NW != 0
    north_east: np.ndarray  # NE != 0 and already coded
    signed: np.ndarray  # sign of every value, zero-padded: (h + 1) x (w + 2)
    parent: np.ndarray  # min(|parent|, 2)
    sibling: np.ndarray  # a sibling band holds a non-zero value here
    order: np.ndarray  # raster index of each position, in coding order
    counts: list[int]  # positions per 4x4 block


def _neighbourhood(band: np.ndarray, parent: np.ndarray | None, siblings: list[np.ndarray]) -> Neighbourhood:
    h, w = band.shape
    # one zero-padded copy: the west, north, north-west and north-east neighbours are views of it
    padded_band = np.zeros((h + 1, w + 2), dtype=band.dtype)
    padded_band[1:, 1:-1] = band
    capped = np.minimum(np.abs(padded_band), 2)
    _, _, north_east_coded, order, counts = band_geometry(h, w)
    if parent is not None:
        rows, cols = _parent_index(h, w, *parent.shape)
        pm = np.minimum(np.abs(parent[rows, cols]), 2)
    else:
        pm = np.zeros_like(band)
    sib = np.zeros((h, w), dtype=bool)
    for s in siblings:
        sh, sw = min(h, s.shape[0]), min(w, s.shape[1])
        sib[:sh, :sw] |= s[:sh, :sw] != 0
    return Neighbourhood(
        capped[1:, :-2],
        capped[:-1, 1:-1],
        padded_band[:-1, :-2] != 0,
        (padded_band[:-1, 2:] != 0) & north_east_coded,
        np.sign(padded_band),
        pm,
        sib,
        order,
        counts,
    )


def _blocks(nz: np.ndarray, parent: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per 4x4 block: whether it holds a non-zero value, how many of its west and north
    neighbours do, and how many non-zero values its parent region holds."""
    h, w = nz.shape
    bh, bw = -(-h // BLOCK), -(-w // BLOCK)
    padded = np.zeros((bh * BLOCK, bw * BLOCK), dtype=bool)
    padded[:h, :w] = nz
    block_nz = np.asarray(padded.reshape(bh, BLOCK, bw, BLOCK).any(axis=(1, 3)))
    near = _shift(block_nz.astype(np.int64), 0, 1) + _shift(block_nz.astype(np.int64), 1, 0)
    parent_count = np.zeros((bh, bw), dtype=np.int64)
    if parent is not None:
        ph, pw = parent.shape
        sums = np.zeros((ph + 1, pw + 1), dtype=np.int64)
        sums[1:, 1:] = np.cumsum(np.cumsum(parent != 0, 0), 1)
        y0 = np.arange(bh) * BLOCK
        x0 = np.arange(bw) * BLOCK
        r0, r1 = np.minimum(y0 >> 1, ph - 1), np.minimum((np.minimum(y0 + BLOCK, h) + 1) >> 1, ph)
        c0, c1 = np.minimum(x0 >> 1, pw - 1), np.minimum((np.minimum(x0 + BLOCK, w) + 1) >> 1, pw)
        parent_count = sums[r1][:, c1] - sums[r0][:, c1] - sums[r1][:, c0] + sums[r0][:, c0]
    return block_nz, near, parent_count


def _plane_events2(enc: rc.Encoder, ctx: wavelet_coder2.Contexts, bands: list) -> None:
    """Version 2's detail bands of one plane, their contexts computed at once (``wavelet_plane``)."""
    c = plane_contexts(bands)
    blocks, sig, sign, mag, suffix = ctx.block, ctx.sig, ctx.sign, ctx.mag, ctx.suffix
    encode_magnitude = wavelet_coder2.encode_magnitude
    values, forced_list, groups = c.values.tolist(), c.forced.tolist(), c.group.tolist()
    sig_list, sign_list, mag_list = c.sig_ctx.tolist(), c.sign_ctx.tolist(), c.mag_ctx.tolist()
    position = 0
    for flag, bctx, count in zip(c.block_nz.tolist(), c.block_ctx.tolist(), c.counts.tolist(), strict=True):
        enc.bit(blocks, bctx, 1 if flag else 0)
        if not flag:
            continue
        for j in range(position, position + count):
            v = values[j]
            if not forced_list[j]:
                enc.bit(sig, sig_list[j], 1 if v else 0)
            if v:
                enc.bit(sign, sign_list[j], 1 if v < 0 else 0)
                encode_magnitude(enc, mag[mag_list[j]], suffix, groups[j] * 3, abs(v) - 1)
        position += count


def _band_events(
    enc: rc.Encoder,
    ctx: Contexts,
    band: np.ndarray,
    group: int,
    orient: int,
    parent: np.ndarray | None,
    siblings: list[np.ndarray],
) -> None:
    c = band_contexts(band, group, orient, parent, siblings)
    order, counts, block_nz, block_ctx = c.order, c.counts, c.block_nz, c.block_ctx
    sig_ctx, sign_ctx, mag_ctx = c.sig_ctx, c.sign_ctx, c.mag_ctx
    values = band.ravel()[order].tolist()
    sig_list = sig_ctx.ravel()[order].tolist()
    sign_list = sign_ctx.ravel()[order].tolist()
    mag_list = mag_ctx.ravel()[order].tolist()
    blocks, sig, sign, mag = ctx.block, ctx.sig, ctx.sign, ctx.mag
    position = 0
    for flag, bctx, count in zip(block_nz.ravel().tolist(), block_ctx.ravel().tolist(), counts, strict=True):
        enc.bit(blocks, bctx, 1 if flag else 0)
        if flag:
            for j in range(position, position + count):
                v = values[j]
                enc.bit(sig, sig_list[j], 1 if v else 0)
                if v:
                    enc.bit(sign, sign_list[j], 1 if v < 0 else 0)
                    rc.encode_uint(enc, mag[mag_list[j]], abs(v) - 1)
        position += count


def encode_plane(enc: rc.Encoder, ctx: Contexts | wavelet_coder2.Contexts, bands: list, version: int = 1) -> None:
    """Code one plane's index arrays ([LL, (HL, LH, HH) coarse to fine]), as code_plane does
    (``version`` 2: as ``wavelet_coder2.code_plane`` does, ``ctx`` its contexts)."""
    _ll_events(enc, ctx, np.asarray(bands[0], dtype=np.int64))
    if version == 2:
        _plane_events2(enc, ctx, bands)  # type: ignore[arg-type]
        return
    levels = len(bands) - 1
    for index, triple in enumerate(bands[1:]):
        group = min(levels - 1 - index, GROUPS - 1)
        for orient, band in enumerate(triple):
            parent = bands[index][orient] if index else None
            _band_events(enc, ctx, band, group, orient, parent, list(triple[:orient]))  # type: ignore[arg-type]
