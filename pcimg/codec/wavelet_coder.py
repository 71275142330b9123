"""Context coding of quantised wavelet bands with the binary range coder (kind 3).

The decoder's traversal, which also encodes (small pictures, and the reference the encoder's
array version in ``wavelet_encode`` is tested against): per plane the LL band (MED
prediction, residuals), then each detail level coarse to fine, orientations HL, LH, HH, and
in each band 4x4 blocks in raster order, each with a flag that says whether it holds a
non-zero value. Contexts read only values already coded. The
contexts start from trained probabilities (spec/data/wavelet-priors-v1.json): a payload is a
few hundred bytes, too short for contexts to learn from one half. spec/CODEC.md section 8.3.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..primitives import rangecoder as rc
from ..primitives.data import packaged_json

BLOCK = 4
GROUPS = 3  # detail levels: 0 the finest, 1 the next, 2 every coarser one
NEIGHBOUR_CLASSES = 5
PREFIX_CONTEXTS = 12
MAX_MAGNITUDE = 1 << 20
PRIORS_FILE = "wavelet-priors-v1.json"
SIZES: dict[str, int | tuple[int, int]] = {
    "ll_zero": 3,
    "ll_sign": 1,
    "ll_mag": (3, PREFIX_CONTEXTS),
    "block": GROUPS * 3 * 3 * 2,
    "sig": GROUPS * NEIGHBOUR_CLASSES * 3 * 2,
    "sign": GROUPS * 3,
    "mag": (GROUPS * 3, PREFIX_CONTEXTS),
}
PLANE_TYPES = ("luma", "chroma")
_NEIGHBOUR_CLASS = (0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4)  # weighted neighbour count 0..10 -> class


def priors() -> dict:
    """Trained initial probabilities (spec/CODEC.md section 8.3; spec/codec-priors/build_wavelet.py)."""
    return packaged_json(PRIORS_FILE)


def trained_on() -> frozenset[str]:
    """File names of the images the priors were trained on: benchmarks report them apart."""
    return frozenset(priors()["trained_on"])


class Contexts:
    """The adaptive probabilities of one plane type (luma, or both chroma planes)."""

    ll_zero: list[int]
    ll_sign: list[int]
    ll_mag: list[list[int]]
    block: list[int]
    sig: list[int]
    sign: list[int]
    mag: list[list[int]]

    def __init__(self, plane_type: str, uniform: bool = False, priors_file: str = PRIORS_FILE) -> None:
        load_contexts(self, SIZES, None if uniform else packaged_json(priors_file)[plane_type])


def load_contexts(target: object, sizes: dict[str, int | tuple[int, int]], table: dict | None) -> None:
    """Set each named context array on ``target``: a copy of the trained table's (``table``:
    one plane type of a priors file), or all one half."""
    for name, size in sizes.items():
        value: list
        if table is not None:
            value = [list(row) for row in table[name]] if isinstance(size, tuple) else list(table[name])
        elif isinstance(size, tuple):
            value = [rc.contexts(size[1]) for _ in range(size[0])]
        else:
            value = rc.contexts(size)
        setattr(target, name, value)


Band = list  # rows of Python ints
Coder = Any  # an rc.Encoder when encoding (bit(probs, i, bit)), an rc.Decoder when decoding (bit(probs, i))


def _med(ll: Band, y: int, x: int) -> int:
    if y == 0:
        return ll[0][x - 1] if x else 0
    if x == 0:
        return ll[y - 1][0]
    a, b, c = ll[y][x - 1], ll[y - 1][x], ll[y - 1][x - 1]
    if c >= max(a, b):
        return min(a, b)
    if c <= min(a, b):
        return max(a, b)
    return a + b - c


class LLContexts(Protocol):
    """What LL coding reads: kind 3's ``Contexts`` and kind 5's have these."""

    ll_zero: list[int]
    ll_sign: list[int]
    ll_mag: list[list[int]]


def _code_ll(coder: Coder, ctx: LLContexts, ll: Band, decoding: bool) -> None:
    previous = 0
    for y, row in enumerate(ll):
        for x in range(len(row)):
            predicted = _med(ll, y, x)
            zc = min(previous, 2)
            if decoding:
                residual = 0
                if coder.bit(ctx.ll_zero, zc):
                    negative = coder.bit(ctx.ll_sign, 0)
                    residual = rc.decode_uint(coder, ctx.ll_mag[zc]) + 1
                    if residual > MAX_MAGNITUDE:
                        raise ValueError(f"LL residual {residual} above 2**20")
                    residual = -residual if negative else residual
                row[x] = predicted + residual
            else:
                residual = row[x] - predicted
                coder.bit(ctx.ll_zero, zc, 1 if residual else 0)
                if residual:
                    coder.bit(ctx.ll_sign, 0, 1 if residual < 0 else 0)
                    rc.encode_uint(coder, ctx.ll_mag[zc], abs(residual) - 1)
            previous = abs(residual)


def _any_nonzero(band: Band, y0: int, y1: int, x0: int, x1: int) -> int:
    return 1 if any(v for row in band[y0:y1] for v in row[x0:x1]) else 0


def sibling_flags(siblings: list[Band], width: int) -> Callable[[int], list[bool]]:
    """Row y -> whether some sibling band holds a non-zero value at each column (each row
    worked out once, when the traversal first reaches it)."""
    cache: dict[int, list[bool]] = {}

    def rows(y: int) -> list[bool]:
        if y not in cache:
            flags = [False] * width
            for s in siblings:
                if y < len(s):
                    for x, v in enumerate(s[y][:width]):
                        if v:
                            flags[x] = True
            cache[y] = flags
        return cache[y]

    return rows


def _code_band(
    coder: Coder,
    ctx: Contexts,
    band: Band,
    group: int,
    orient: int,
    parent: Band | None,
    siblings: list[Band],
    decoding: bool,
) -> None:
    """One detail band, in 4x4 blocks; ``band`` holds the values (encoding) or zeros (decoding)."""
    height = len(band)
    width = len(band[0]) if height else 0
    ph = len(parent) if parent else 0
    pw = len(parent[0]) if parent and ph else 0
    block_nz = [[0] * ((width + BLOCK - 1) // BLOCK) for _ in range((height + BLOCK - 1) // BLOCK)]
    sig, sign, mag = ctx.sig, ctx.sign, ctx.mag
    block_base = (group * 3 + orient) * 3
    sig_base = group * NEIGHBOUR_CLASSES
    # where each row and column reads its parent, and which positions a sibling holds non-zero
    parent_rows = [parent[min(y >> 1, ph - 1)] for y in range(height)] if parent and ph and pw else None
    parent_cols = [min(x >> 1, pw - 1) for x in range(width)] if parent and ph and pw else []
    sibling_rows = sibling_flags(siblings, width)

    bit = coder.bit
    decode_uint, encode_uint = rc.decode_uint, rc.encode_uint
    sign_base = group * 3
    mag_by_class = [mag[group * 3 + min(nc, 2)] for nc in range(NEIGHBOUR_CLASSES)]
    for by, y0 in enumerate(range(0, height, BLOCK)):
        y1 = min(y0 + BLOCK, height)
        # the parent rows under this block row, OR-ed: a block's parent flag reads a slice of it
        parent_any: list[bool] | None = None
        if parent and ph and pw:
            under = parent[min(y0 >> 1, ph - 1) : min((y1 + 1) >> 1, ph)]
            parent_any = [any(column) for column in zip(*under, strict=True)]
        block_row, block_above = block_nz[by], block_nz[by - 1] if by else None
        for bx, x0 in enumerate(range(0, width, BLOCK)):
            x1 = min(x0 + BLOCK, width)
            near = (block_row[bx - 1] if bx else 0) + (block_above[bx] if block_above else 0)
            parent_nz = 0
            if parent_any is not None:
                parent_nz = 1 if any(parent_any[min(x0 >> 1, pw - 1) : min((x1 + 1) >> 1, pw)]) else 0
            block_ctx = (block_base + near) * 2 + parent_nz
            if decoding:
                nonzero = bit(ctx.block, block_ctx)
            else:
                nonzero = _any_nonzero(band, y0, y1, x0, x1)
                bit(ctx.block, block_ctx, nonzero)
            block_row[bx] = nonzero
            if not nonzero:
                continue
            for y in range(y0, y1):
                row = band[y]
                above = band[y - 1] if y else None
                if parent_rows is not None:
                    parent_row = parent_rows[y]
                sibling_row = sibling_rows(y) if siblings else None
                for x in range(x0, x1):
                    w = row[x - 1] if x else 0
                    aw = w if w >= 0 else -w
                    t = 2 * (aw if aw < 2 else 2)
                    n = 0
                    if above is not None:
                        n = above[x]
                        an = n if n >= 0 else -n
                        t += 2 * (an if an < 2 else 2)
                        if x and above[x - 1]:
                            t += 1
                        # NE is coded unless it lies in the next block of this block row.
                        if x + 1 < width and above[x + 1] and ((x + 1) % BLOCK or y % BLOCK == 0):
                            t += 1
                    nc = _NEIGHBOUR_CLASS[t]
                    pm = 0
                    if parent_rows is not None:
                        pv = parent_row[parent_cols[x]]
                        pm = (2 if pv > 1 or pv < -1 else 1) if pv else 0
                    sib = 1 if sibling_row is not None and sibling_row[x] else 0
                    sc = ((sig_base + nc) * 3 + pm) * 2 + sib
                    if decoding:
                        v = bit(sig, sc)
                    else:
                        v = row[x]
                        bit(sig, sc, 1 if v else 0)
                    if v:  # sign and magnitude, with contexts from the west and north values
                        signs = (w > 0) - (w < 0) + (n > 0) - (n < 0)
                        sign_ctx = sign_base + (0 if signs == 0 else 1 if signs > 0 else 2)
                        if decoding:
                            negative = bit(sign, sign_ctx)
                            m = decode_uint(coder, mag_by_class[nc]) + 1
                            if m > MAX_MAGNITUDE:
                                raise ValueError(f"coefficient magnitude {m} above 2**20")
                            row[x] = -m if negative else m
                        else:
                            bit(sign, sign_ctx, 1 if v < 0 else 0)
                            encode_uint(coder, mag_by_class[nc], abs(v) - 1)


def code_plane(coder: Coder, ctx: Contexts, bands: list, decoding: bool) -> None:
    """Code one plane's bands ([LL, (HL, LH, HH) coarse to fine], lists of rows) in place."""
    _code_ll(coder, ctx, bands[0], decoding)
    levels = len(bands) - 1
    for index, triple in enumerate(bands[1:]):
        group = min(levels - 1 - index, GROUPS - 1)
        for orient, band in enumerate(triple):
            parent = bands[index][orient] if index else None
            _code_band(coder, ctx, band, group, orient, parent, list(triple[:orient]), decoding)
