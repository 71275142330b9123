"""Kind 3 version 2's contexts for a whole plane at once: the encoder's fast path.

Worked out band by band, the contexts cost some 25 numpy calls per band; a plane has up to
21 detail bands and the search prices or codes planes a dozen times per image, so the calls'
fixed cost was most of an estimate. Here every detail coefficient of a plane lives in one
flat array, each band zero-padded by a row above and a column either side, after one cell
that is always zero. What depends only on the plane's band shapes is worked out once per
shape (cached): for each position in coding order its cell and its west, north, north-west
and north-east cells, its parent's and siblings' cells (the zero cell where there are
none), its block; for each block its west and north blocks and the cells of its parent
region. Contexts are then a few gathers. Tests hold them to the traversal coder: the same
bytes coded, the same decisions priced. Not normative: spec/CODEC.md 8.8 and
``wavelet_coder2`` define the contexts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..primitives.cache import array_cache
from .wavelet_coder import BLOCK, GROUPS


@lru_cache(maxsize=256)
def band_geometry(h: int, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """What depends on a band's shape only: rows and columns of every position, where its
    north-east neighbour is already coded, the coding order (4x4 blocks in raster order) and
    the number of positions in each block."""
    y, x = np.mgrid[0:h, 0:w]
    north_east_coded = ((x + 1) % BLOCK != 0) | (y % BLOCK == 0)
    order = np.lexsort((x.ravel(), y.ravel(), (x // BLOCK).ravel(), (y // BLOCK).ravel()))
    rows = np.minimum(BLOCK, h - np.arange(-(-h // BLOCK)) * BLOCK)
    cols = np.minimum(BLOCK, w - np.arange(-(-w // BLOCK)) * BLOCK)
    for array in (y, x, north_east_coded, order):
        array.setflags(write=False)
    return y, x, north_east_coded, order, (rows[:, None] * cols[None, :]).ravel().tolist()


Shapes = tuple[tuple[tuple[int, int], ...], ...]  # per level (coarse to fine): the 3 band shapes


@dataclass(frozen=True)
class Geometry:
    """Everything about a plane's detail bands that does not depend on their values."""

    cells: int  # length of the flat array
    raster: np.ndarray  # cell of each coefficient, bands in coding order, each band in raster order
    cell: np.ndarray  # per position in coding order: its cell
    west: np.ndarray
    north: np.ndarray
    north_west: np.ndarray
    north_east: np.ndarray  # the zero cell where the north-east neighbour is not coded yet
    along: np.ndarray  # the neighbour along the band's orientation (north in HL bands, else west)
    across: np.ndarray
    parent: np.ndarray
    siblings: tuple[np.ndarray, np.ndarray]  # zero cell where a band has fewer
    group: np.ndarray
    sig_base: np.ndarray  # (group * 2 + (orientation == 2)) * 216
    sign_base: np.ndarray  # (group * 3 + orientation) * 9
    block_starts: np.ndarray  # first position of each block (blocks in coding order)
    counts: np.ndarray  # positions per block
    block_of: np.ndarray  # per position: its block
    last: np.ndarray  # per position: the last of its block
    block_west: np.ndarray  # per block: the west block, or the block count (reads as empty)
    block_north: np.ndarray
    block_base: np.ndarray  # (group * 3 + orientation) * 12
    region_block: np.ndarray  # (block, parent cell) pairs of every block's parent region
    region_cell: np.ndarray

    @property
    def nbytes(self) -> int:
        """What the layout holds (``array_cache`` bounds its cache by it)."""
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)] + list(self.siblings)
        return sum(a.nbytes for a in arrays)


def shapes_of(bands: list) -> Shapes:
    return tuple(tuple(np.shape(b) for b in triple) for triple in bands[1:])


GEOMETRY_CACHE_BYTES = 32 << 20  # a few working sizes' layouts (168x112 luma: 2.4 MB, 256x171: 5.6 MB)


@array_cache(GEOMETRY_CACHE_BYTES)
def geometry(shapes: Shapes) -> Geometry:
    """The plane's layout (see the module docstring); built with plain loops, once per shape."""
    offsets: dict[tuple[int, int], int] = {}  # (level, orientation) -> first cell of its padded band
    cells = 1
    for level, triple in enumerate(shapes):
        for orient, (h, w) in enumerate(triple):
            offsets[level, orient] = cells
            cells += (h + 1) * (w + 2) if h and w else 0

    def at(level: int, orient: int, y: np.ndarray, x: np.ndarray) -> np.ndarray:
        w = shapes[level][orient][1]
        return offsets[level, orient] + (y + 1) * (w + 2) + x + 1

    columns: dict[str, list[np.ndarray]] = {}

    def add(**parts: np.ndarray) -> None:
        for name, part in parts.items():
            columns.setdefault(name, []).append(np.asarray(part, dtype=np.int64).ravel())

    block_count = 0
    levels = len(shapes)
    for level, triple in enumerate(shapes):
        group = min(levels - 1 - level, GROUPS - 1)
        for orient, (h, w) in enumerate(triple):
            if not (h and w):
                continue
            ys, xs = np.mgrid[0:h, 0:w]
            _, _, north_east_coded, order, block_sizes = band_geometry(h, w)
            y, x = order // w, order % w
            cell = at(level, orient, y, x)
            north = cell - (w + 2)
            ph, pw = shapes[level - 1][orient] if level else (0, 0)
            has_parent = bool(ph and pw)
            parent = (
                at(level - 1, orient, np.minimum(y >> 1, ph - 1), np.minimum(x >> 1, pw - 1))
                if has_parent
                else 0 * cell
            )
            siblings = [0 * cell, 0 * cell]
            for other in range(orient):
                sh, sw = triple[other]
                inside = (y < sh) & (x < sw)
                siblings[other] = np.where(inside, at(level, other, np.minimum(y, sh - 1), np.minimum(x, sw - 1)), 0)
            ones = np.ones_like(cell)
            add(raster=at(level, orient, ys, xs), cell=cell, west=cell - 1, north=north, north_west=north - 1,
                north_east=np.where(north_east_coded.ravel()[order], north + 1, 0),
                along=north if orient == 0 else cell - 1, across=cell - 1 if orient == 0 else north,
                parent=parent, sibling_one=siblings[0], sibling_two=siblings[1], group=group * ones,
                sig_base=(group * 2 + (orient == 2)) * 216 * ones,
                sign_base=(group * 3 + orient) * 9 * ones)  # fmt: skip
            # blocks in raster order; their west and north blocks (-1: none); their parent regions
            bh, bw = -(-h // BLOCK), -(-w // BLOCK)
            ids = block_count + np.arange(bh * bw).reshape(bh, bw)
            west_block, north_block = np.full((bh, bw), -1), np.full((bh, bw), -1)
            west_block[:, 1:], north_block[1:, :] = ids[:, :-1], ids[:-1, :]
            add(counts=np.asarray(block_sizes), block_west=west_block, block_north=north_block,
                block_base=np.full(bh * bw, (group * 3 + orient) * 12))  # fmt: skip
            if has_parent:  # block (by, bx) counts parent rows r0[by]..r1[by) x columns c0[bx]..c1[bx)
                y0, x0 = np.arange(bh) * BLOCK, np.arange(bw) * BLOCK
                r0, r1 = np.minimum(y0 >> 1, ph - 1), np.minimum((np.minimum(y0 + BLOCK, h) + 1) >> 1, ph)
                c0, c1 = np.minimum(x0 >> 1, pw - 1), np.minimum((np.minimum(x0 + BLOCK, w) + 1) >> 1, pw)
                rows = r0[:, None] + np.arange(max(int((r1 - r0).max()), 0))
                cols = c0[:, None] + np.arange(max(int((c1 - c0).max()), 0))
                shape = (bh, bw, rows.shape[1], cols.shape[1])
                inside = (rows < r1[:, None])[:, None, :, None] & (cols < c1[:, None])[None, :, None, :]
                region_rows = np.broadcast_to(rows[:, None, :, None], shape)[inside]
                region_cols = np.broadcast_to(cols[None, :, None, :], shape)[inside]
                add(region_cell=at(level - 1, orient, region_rows, region_cols),
                    region_block=np.broadcast_to(ids[:, :, None, None], shape)[inside])  # fmt: skip
            block_count += bh * bw

    def column(name: str) -> np.ndarray:
        parts = columns.get(name)
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    counts = column("counts")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if len(counts) else counts
    last = np.zeros(int(counts.sum()), dtype=bool)
    last[starts + counts - 1] = True
    block_west, block_north = column("block_west"), column("block_north")
    block_west[block_west < 0] = block_count  # one past the last block: reads as an empty block
    block_north[block_north < 0] = block_count
    result = Geometry(
        cells=cells,
        raster=column("raster"),
        cell=column("cell"),
        west=column("west"),
        north=column("north"),
        north_west=column("north_west"),
        north_east=column("north_east"),
        along=column("along"),
        across=column("across"),
        parent=column("parent"),
        siblings=(column("sibling_one"), column("sibling_two")),
        group=column("group"),
        sig_base=column("sig_base"),
        sign_base=column("sign_base"),
        block_starts=starts,
        counts=counts,
        block_of=np.repeat(np.arange(len(counts)), counts),
        last=last,
        block_west=block_west,
        block_north=block_north,
        block_base=column("block_base"),
        region_block=column("region_block"),
        region_cell=column("region_cell"),
    )
    for value in vars(result).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return result


@dataclass(frozen=True)
class PlaneContexts:
    """Every version-2 decision of a plane's detail bands: block flags (all blocks, coding
    order), then per coded position (inside flagged blocks) its value and contexts."""

    block_nz: np.ndarray
    block_ctx: np.ndarray
    counts: np.ndarray  # positions per block
    values: np.ndarray  # coded positions
    forced: np.ndarray  # not coded: the last of a block with no non-zero before it
    sig_ctx: np.ndarray
    sign_ctx: np.ndarray
    mag_ctx: np.ndarray
    group: np.ndarray


def plane_contexts(bands: list) -> PlaneContexts:
    """``band_contexts2`` for every detail band of a plane ([LL, (HL, LH, HH) coarse to fine])."""
    g = geometry(shapes_of(bands))
    flat = np.zeros(g.cells, dtype=np.int64)
    details = [np.asarray(b).ravel() for triple in bands[1:] for b in triple]
    if details:
        flat[g.raster] = np.concatenate(details)
    nonzero = flat != 0
    capped = np.minimum(np.abs(flat), 2)
    values = flat[g.cell]
    west, north = capped[g.west], capped[g.north]
    diagonal = nonzero[g.north_west] | nonzero[g.north_east]
    sibling = nonzero[g.siblings[0]] | nonzero[g.siblings[1]]
    # band_contexts2's sig * 2 + seen, with its products multiplied out
    sig = g.sig_base + capped[g.along] * 72 + capped[g.across] * 24 + diagonal * 12 + capped[g.parent] * 4 + sibling * 2
    signs = np.sign(flat)
    sign = g.sign_base + (signs[g.west] + 1) * 3 + signs[g.north] + 1
    mag = g.group * 3 + np.maximum(west, north)

    position_nz = values != 0
    block_nz = np.add.reduceat(position_nz, g.block_starts) > 0 if len(values) else np.zeros(0, dtype=bool)
    padded = np.append(block_nz, False)
    near = padded[g.block_west].astype(np.int64) + padded[g.block_north]
    region = np.bincount(g.region_block, weights=nonzero[g.region_cell], minlength=len(block_nz)).astype(np.int64)
    block_ctx = g.block_base + near * 4 + np.minimum(region, 3)

    running = np.concatenate([[0], np.cumsum(position_nz)])
    seen = running[:-1] - running[g.block_starts][g.block_of] > 0
    coded = block_nz[g.block_of]
    forced = g.last & ~seen
    return PlaneContexts(
        block_nz,
        block_ctx,
        g.counts,
        values[coded],
        forced[coded],
        (sig + seen)[coded],
        sign[coded],
        mag[coded],
        g.group[coded],
    )
