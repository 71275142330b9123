"""Descriptor kind 5, "wavelet-embedded": kind 3's picture in an embedded (progressive) stream.

The same working picture, wavelet, quantiser and smoothing as kind 3, but the detail
coefficients are coded bit-plane by bit-plane, most significant first, in three passes per
plane (coefficients beside a significant one, refinement, the rest): every prefix of the
payload decodes to the best picture this stream can give at that length. A server cuts a
file to a smaller budget in under a millisecond (``cut``), and a viewer shows a partial download.
At full length the picture is exactly kind 3's for the same indices, in about the same bytes
(codec v2 log, session 5). spec/CODEC.md section 11.

Payload: working width - 1, height - 1, then the smoothing strength (bits 0-6) with bit 7 set
when the stream was cut; one range-coded stream to the end: the number of bit-planes (5 raw
bits), the LL bands (kind 3's LL coding), then the bit-planes. Version 2 (format 1.6) codes the
LL values without their lowest bit, which comes just before plane 0, and codes a plane's
significance passes before its refinement, luma's coarser levels before chroma and chroma
before luma's finest level: a cut keeps fewer LL bits and more of the picture's structure
(codec v2 log, session 10). Version 3 (format 1.7) keeps that order with richer contexts (the
significant neighbours along, across and diagonal to the band's orientation, the parent's
magnitude, a sibling, the block's state) and leaves out a flagged block's last decision when
it is implied: 4-5% fewer bytes for the same indices (codec v2 log, session 12).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import PciError
from ..format.container import Descriptor, PciFile
from ..primitives import rangecoder as rc
from ..primitives.data import packaged_json
from . import lifting, smoothing
from . import wavelet_colour as W
from .wavelet_coder import PREFIX_CONTEXTS, _code_ll, load_contexts

KIND = 5
VERSION = 3  # what the encoder writes; 1 and 2 stay readable
VERSIONS = (1, 2, 3)
HEADER_BYTES = 3
CUT = 0x80  # header byte 2: the stream ends where the payload was cut
STRENGTH_MASK = 0x7F
RECON_PARTIAL = 6  # a magnitude known down to plane k > 0 reconstructs 6/16 of the way into its interval
PLANE_COUNT_BITS = 5
MAX_PLANES = 20  # every magnitude below 2**20, as kind 3's bound
PRIORS_FILES = {1: "wavelet-embedded-priors-v1.json", 2: "wavelet-embedded-priors-v1.json",
                3: "wavelet-embedded-priors-v2.json"}  # fmt: skip
SIZES: dict[str, int | tuple[int, int]] = {
    "ll_zero": 3,
    "ll_sign": 1,
    "ll_mag": (3, PREFIX_CONTEXTS),
    "band": 3,
    "block": 3 * 2 * 2,
    "sig": 2 * 3 * 4 * 2 * 2,
    "sign": 3 * 3 * 3 * 3,
    "ref": 3 * 2,
}
# Version 3: blocks by the parent region's count (0-3); significance by pass, group, HH or not,
# neighbours along, across and diagonal (0-2 each), the parent (0-2), a sibling, the block (0-2).
SIZES_V3: dict[str, int | tuple[int, int]] = {
    **SIZES,
    "block": 3 * 4 * 2,
    "sig": 2 * 3 * 2 * 3 * 3 * 3 * 3 * 2 * 3,
}


AXIS_WEIGHTS = ((9, 1, 9), (3, 0, 3), (9, 1, 9))  # diagonal 9, above / below 1, left / right 3


def _neighbour_classes(orient: int) -> list[int]:
    """Per packed ``near`` value (V + 3 H + 9 D), version 3's (along, across, diagonal) digits."""
    classes = []
    for packed in range(2 + 3 * 2 + 9 * 4 + 1):
        vertical, horizontal, diagonal = packed % 3, packed // 3 % 3, packed // 9
        along, across = ((vertical, horizontal), (horizontal, vertical), (vertical + horizontal, 0))[orient]
        classes.append((min(along, 2) * 3 + min(across, 2)) * 3 + min(diagonal, 2))
    return classes


NEIGHBOUR_CLASS = [_neighbour_classes(orient) for orient in range(3)]


def sizes(version: int) -> dict[str, int | tuple[int, int]]:
    """The context sets' sizes of ``version``."""
    return SIZES_V3 if version >= 3 else SIZES


class Exhausted(Exception):
    """A cut stream ran out: the decisions decoded so far are exact, the rest unknown."""


class CutDecoder(rc.Decoder):
    """Reads past the end as an end, not as zeros (a cut stream: section 11.4)."""

    __slots__ = ()

    def _next(self) -> int:
        pos = self.pos
        if pos >= len(self.data):
            raise Exhausted
        self.pos = pos + 1
        return self.data[pos]


class Contexts:
    """The adaptive probabilities of one plane type, from the trained priors."""

    ll_zero: list[int]
    ll_sign: list[int]
    ll_mag: list[list[int]]
    band: list[int]
    block: list[int]
    sig: list[int]
    sign: list[int]
    ref: list[int]

    ll_low: list[int]  # version 2: the LL values' lowest bits (not in the priors: one half)

    def __init__(self, plane_type: str, uniform: bool = False, version: int = VERSION) -> None:
        load_contexts(self, sizes(version), None if uniform else packaged_json(PRIORS_FILES[version])[plane_type])
        self.ll_low = [rc.PROB_INIT]


@dataclass
class Band:
    """One detail band and what is known of it: magnitude lower bounds, signs, the plane each
    significant coefficient was last decided at (-1: insignificant)."""

    index: int  # the coded plane: 0 Y, 1 Cb, 2 Cr
    group: int  # 0 the finest level, 1 the next, 2 coarser
    orient: int  # 0 HL, 1 LH, 2 HH
    rows: int
    cols: int
    parent: Band | None
    values: list | None  # the indices, when encoding
    mag: list = field(default_factory=list)
    negative: list = field(default_factory=list)
    plane: list = field(default_factory=list)  # -1 until significant, then the plane last decided
    significant: list = field(default_factory=list)  # (y, x) in the order they became significant
    frontier: set = field(default_factory=set)  # not significant, with a significant 8-neighbour
    # significant 8-neighbours of (y, x) at [y + 1][x + 1]: their count (versions 1 and 2), or
    # (version 3) above and below + 3 x left and right + 9 x diagonal (``NEIGHBOUR_CLASS``)
    near: list = field(default_factory=list)
    ptype: int = 0  # the context set: 0 luma, 1 chroma
    parent_rows: list = field(default_factory=list)  # the parent's row and column of each position
    parent_cols: list = field(default_factory=list)
    largest: int = 0  # encoding: the band's largest magnitude
    block_largest: dict = field(default_factory=dict)  # encoding: (y0, x0) -> the 4x4 block's largest magnitude
    # Kept as coefficients become significant, so that a block's contexts are lookups (the
    # same values as reading the band, spec/CODEC.md 11.2): per 4x4 block, how many of its
    # coefficients are significant, whether one in it or around it is (``near``), how many in
    # its parent region are (``bpar`` is whether any); and, for the child band, which of its block
    # rows and columns each of this band's rows and columns lies in the parent region of.
    block_sig: list = field(default_factory=list)
    block_near: list = field(default_factory=list)
    block_parent: list = field(default_factory=list)
    child_block_parent: list | None = None  # the child band's ``block_parent`` (not the band: no cycle)
    child_block_rows: list = field(default_factory=list)
    child_block_cols: list = field(default_factory=list)
    axes: bool = False  # version 3: ``near`` by axis, and ``level`` shared with the level's other bands
    level: list = field(default_factory=list)  # per (y, x), how many bands of this plane and level are significant
    weights: tuple = ((1, 1, 1),) * 3  # what a significant (y, x) adds to ``near`` of rows y - 1, y, y + 1

    def __post_init__(self) -> None:
        self.mag = [[0] * self.cols for _ in range(self.rows)]
        self.negative = [[False] * self.cols for _ in range(self.rows)]
        self.plane = [[-1] * self.cols for _ in range(self.rows)]
        self.near = [[0] * (self.cols + 2) for _ in range(self.rows + 2)]
        if self.axes:
            self.weights = AXIS_WEIGHTS
            if not self.level:
                self.level = [[0] * self.cols for _ in range(self.rows)]
        block_rows, block_cols = -(-self.rows // 4), -(-self.cols // 4)
        self.block_sig = [[0] * block_cols for _ in range(block_rows)]
        self.block_near = [[0] * block_cols for _ in range(block_rows)]
        self.block_parent = [[0] * block_cols for _ in range(block_rows)]
        self.ptype = min(self.index, 1)
        if self.parent is not None:
            self.parent_rows = [min(y >> 1, self.parent.rows - 1) for y in range(self.rows)]
            self.parent_cols = [min(x >> 1, self.parent.cols - 1) for x in range(self.cols)]
            if self.parent.rows and self.parent.cols:
                self.parent.adopt(self)
        if self.values is not None:
            self.block_largest = {
                (y0, x0): max(abs(v) for row in self.values[y0 : y0 + 4] for v in row[x0 : x0 + 4])
                for y0 in range(0, self.rows, 4)
                for x0 in range(0, self.cols, 4)
            }
            self.largest = max(self.block_largest.values(), default=0)

    def adopt(self, child: Band) -> None:
        """Note ``child`` (same plane and orientation, next level): its block (by, bx) reads
        this band's rows min(4 by >> 1, rows - 1) .. min((min(4 by + 4, child rows) + 1) >> 1,
        rows) - 1, and columns likewise (spec/CODEC.md 11.2, bpar)."""

        def spans(child_size: int, size: int) -> list:
            owners: list[list[int]] = [[] for _ in range(size)]
            for block, start in enumerate(range(0, child_size, 4)):
                first, end = min(start >> 1, size - 1), min((min(start + 4, child_size) + 1) >> 1, size)
                for index in range(first, end):
                    owners[index].append(block)
            return owners

        self.child_block_parent = child.block_parent
        self.child_block_rows = spans(child.rows, self.rows)
        self.child_block_cols = spans(child.cols, self.cols)

    def becomes_significant(self, y: int, x: int, p: int, negative: int) -> None:
        self.mag[y][x] = 1 << p
        self.negative[y][x] = bool(negative)
        self.plane[y][x] = p
        self.significant.append((y, x))
        self.block_sig[y >> 2][x >> 2] += 1
        if self.axes:
            self.level[y][x] += 1
        frontier = self.frontier
        frontier.discard((y, x))
        near, plane, rows, cols, block_near = self.near, self.plane, self.rows, self.cols, self.block_near
        for yy, (left, middle, right) in zip((y - 1, y, y + 1), self.weights, strict=True):
            counts = near[yy + 1]
            counts[x] += left
            counts[x + 1] += middle
            counts[x + 2] += right
            if 0 <= yy < rows:
                signs = plane[yy]
                blocks = block_near[yy >> 2]
                for xx in (x - 1, x, x + 1):
                    if 0 <= xx < cols:
                        blocks[xx >> 2] = 1
                        if signs[xx] < 0:
                            frontier.add((yy, xx))
        parent_of = self.child_block_parent
        if parent_of is not None:
            for by in self.child_block_rows[y]:
                for bx in self.child_block_cols[x]:
                    parent_of[by][bx] += 1


def detail_bands(shapes: list[list], values: list | None, version: int = VERSION) -> list[Band]:
    """Every detail band of every coded plane in coding order: detail levels coarse to fine,
    within a level the planes Y, Cb, Cr that have it, within a plane HL, LH, HH (with what
    ``version``'s contexts read)."""
    by_plane: list[list[list[Band]]] = []
    for index, plane_shapes in enumerate(shapes):
        levels = len(plane_shapes) - 1
        plane_levels: list[list[Band]] = []
        for i, triple in enumerate(plane_shapes[1:]):
            group = min(levels - 1 - i, 2)
            parents = plane_levels[i - 1] if i else [None, None, None]
            known = values[index][i + 1] if values is not None else (None, None, None)
            level: list = []
            if version >= 3:  # one count per position, shared by the level's three bands
                rows, cols = max((r for r, _ in triple), default=0), max((c for _, c in triple), default=0)
                level = [[0] * cols for _ in range(rows)]
            plane_levels.append([
                Band(index, group, o, rows, cols, parents[o], known[o], axes=version >= 3, level=level)
                for o, (rows, cols) in enumerate(triple)
            ])  # fmt: skip
        by_plane.append(plane_levels)
    deepest = max((len(p) for p in by_plane), default=0)
    return [band for i in range(deepest) for levels in by_plane if i < len(levels) for band in levels[i]]


@dataclass
class LowBits:
    """Version 2: the LL values' lowest bits, per plane (row lists), and which are still open."""

    bits: list
    open: list


class Stream:
    """The traversal of section 11.3, shared by the encoder (``coder`` an ``rc.Encoder``, the
    values known) and the decoder (an ``rc.Decoder``; a ``CutDecoder`` raises ``Exhausted``).
    ``low`` (versions 2 and 3) holds the LL values' lowest bits, coded just before plane 0."""

    def __init__(
        self,
        coder: rc.Encoder | rc.Decoder,
        bands: list[Band],
        contexts: tuple[Contexts, Contexts],
        encoding: bool,
        low: LowBits | None = None,
        version: int = 2,
    ) -> None:
        self.coder, self.bands, self.ctx, self.encoding, self.low = coder, bands, contexts, encoding, low
        self.v3 = version >= 3

    def decision(self, probs: list[int], index: int, bit: int) -> int:
        """Code ``bit`` (encoding) or decode one (``bit`` ignored) with ``probs[index]``."""
        if self.encoding:
            self.coder.bit(probs, index, bit)  # type: ignore[call-arg]
            return bit
        return self.coder.bit(probs, index)  # type: ignore[call-arg, return-value]

    def planes(self, count: int) -> None:
        """Version 1: per plane the neighbours, refinement and cleanup passes over every band.
        Version 2 (``low`` set): per plane, for luma's coarser levels, then chroma, then luma's
        finest level, the neighbours and cleanup passes; then refinement; the LL low bits
        before plane 0."""
        if self.low is None:
            for p in range(count - 1, -1, -1):
                visited = {number: self.neighbours_pass(band, p) for number, band in enumerate(self.bands)}
                for band in self.bands:
                    self.refinement_pass(band, p)
                for number, band in enumerate(self.bands):
                    self.cleanup_pass(band, p, visited[number])
            return
        sets = version_2_sets(self.bands)
        for p in range(count - 1, -1, -1):
            if p == 0:
                self.low_bits()
            for members in sets:
                visited = {number: self.neighbours_pass(self.bands[number], p) for number in members}
                for number in members:
                    self.cleanup_pass(self.bands[number], p, visited[number])
            for members in sets:
                for number in members:
                    self.refinement_pass(self.bands[number], p)
        if count == 0:
            self.low_bits()

    def low_bits(self) -> None:
        """Version 2: the lowest bit of every LL value, plane by plane in raster order."""
        assert self.low is not None
        for plane, (bits, still_open) in enumerate(zip(self.low.bits, self.low.open, strict=True)):
            probs = self.ctx[min(plane, 1)].ll_low
            for row, open_row in zip(bits, still_open, strict=True):
                for x, bit in enumerate(row):
                    row[x] = self.decision(probs, 0, bit)
                    open_row[x] = 0

    def significance(self, band: Band, y: int, x: int, p: int, pass_index: int, block: int = 0) -> bool:
        """A significance decision (and the sign on 1); ``block`` is version 3's block state.
        Returns whether the coefficient became significant."""
        ctx = self.ctx[band.ptype]
        if self.v3:
            index = _sig_context_v3(band, y, x, p, pass_index, block)
        else:
            n, parent = band.near[y + 1][x + 1], band.parent
            par = 1 if parent is not None and parent.plane[band.parent_rows[y]][band.parent_cols[x]] >= 0 else 0
            index = (((pass_index * 3 + band.group) * 4 + (n if n < 3 else 3)) * 2 + par) * 2 + (band.orient == 2)
        values = band.values
        value = abs(values[y][x]) if values is not None else 0
        if not self.decision(ctx.sig, index, 1 if value >> p else 0):
            return False
        self.sign(band, y, x, p)
        return True

    def sign(self, band: Band, y: int, x: int, p: int) -> None:
        """The sign of a coefficient significant at plane ``p``, which it then becomes."""
        ctx = self.ctx[band.ptype]
        values = band.values
        sw = _sign_class(band, y, x - 1) if x else 0
        sn = _sign_class(band, y - 1, x) if y else 0
        negative = self.decision(ctx.sign, ((band.group * 3 + band.orient) * 3 + sw) * 3 + sn,
                                 1 if values is not None and values[y][x] < 0 else 0)  # fmt: skip
        band.becomes_significant(y, x, p, negative)

    def neighbours_pass(self, band: Band, p: int) -> set:
        """Pass 1: insignificant coefficients beside one significant before this plane."""
        eligible = set(band.frontier)
        for y, x in sorted(eligible):
            self.significance(band, y, x, p, 0)
        return eligible

    def refinement_pass(self, band: Band, p: int) -> None:
        """Pass 2: one more bit of every coefficient significant before this plane."""
        ctx = self.ctx[band.ptype]
        for y, x in sorted(band.significant):
            if band.plane[y][x] <= p:
                continue  # became significant in this plane
            m = band.mag[y][x]
            index = band.group * 2 + (0 if m >> (p + 2) == 0 else 1)
            value = abs(band.values[y][x]) if band.values is not None else 0
            if self.decision(ctx.ref, index, (value >> p) & 1):
                band.mag[y][x] = m | (1 << p)
            band.plane[y][x] = p

    def cleanup_pass(self, band: Band, p: int, visited: set) -> None:
        """Pass 3: the rest, with a flag for a band and for a 4x4 block with nothing significant."""
        ctx = self.ctx[band.ptype]
        plane = band.plane
        if not band.significant and not self.decision(ctx.band, band.group, 1 if band.largest >> p else 0):
            return
        touched = {(y >> 2, x >> 2) for y, x in visited}  # blocks holding a visited position
        for by, y0 in enumerate(range(0, band.rows, 4)):
            y1 = min(y0 + 4, band.rows)
            for bx, x0 in enumerate(range(0, band.cols, 4)):
                x1 = min(x0 + 4, band.cols)
                if band.block_sig[by][bx] == 0 and (by, bx) not in touched:  # all open: a flag
                    parents = band.block_parent[by][bx]
                    if self.v3:
                        index = (band.group * 4 + (parents if parents < 3 else 3)) * 2 + band.block_near[by][bx]
                    else:
                        index = (band.group * 2 + (1 if parents else 0)) * 2 + band.block_near[by][bx]
                    bit = 1 if band.block_largest.get((y0, x0), 0) >> p else 0
                    if not self.decision(ctx.block, index, bit):
                        continue
                    if self.v3:
                        self.flagged_block(band, y0, y1, x0, x1, p)
                        continue
                    todo = [(y, x) for y in range(y0, y1) for x in range(x0, x1)]
                else:
                    todo = [(y, x) for y in range(y0, y1) for x in range(x0, x1)
                            if plane[y][x] < 0 and (y, x) not in visited]  # fmt: skip
                for y, x in todo:
                    self.significance(band, y, x, p, 1)

    def flagged_block(self, band: Band, y0: int, y1: int, x0: int, x1: int, p: int) -> None:
        """Version 3: a block whose flag says one of its coefficients becomes significant; the
        last one is when none before it did (no decision, only its sign)."""
        last = (y1 - 1, x1 - 1)
        found = False
        for y in range(y0, y1):
            for x in range(x0, x1):
                if not found and (y, x) == last:
                    self.sign(band, y, x, p)
                elif self.significance(band, y, x, p, 1, 2 if found else 1):
                    found = True


def _sig_context_v3(band: Band, y: int, x: int, p: int, pass_index: int, block: int) -> int:
    """Version 3's significance context (spec/CODEC.md 11.8)."""
    par = 0
    parent = band.parent
    if parent is not None:
        py, px = band.parent_rows[y], band.parent_cols[x]
        if parent.plane[py][px] >= 0:
            par = 2 if parent.mag[py][px] >> (p + 1) else 1
    sibling = 1 if band.level[y][x] else 0  # (y, x) is not significant in this band itself
    index = ((pass_index * 3 + band.group) * 2 + (band.orient == 2)) * 27
    index += NEIGHBOUR_CLASS[band.orient][band.near[y + 1][x + 1]]
    return ((index * 3 + par) * 2 + sibling) * 3 + block


def version_2_sets(bands: list[Band]) -> list[list[int]]:
    """Version 2's band sets, each in band order: luma's bands of groups 2 and 1, the chroma
    bands, luma's bands of group 0 (positions in ``bands``)."""
    return [
        [n for n, b in enumerate(bands) if b.index == 0 and b.group > 0],
        [n for n, b in enumerate(bands) if b.index > 0],
        [n for n, b in enumerate(bands) if b.index == 0 and b.group == 0],
    ]


def _sign_class(band: Band, y: int, x: int) -> int:
    if band.plane[y][x] < 0:
        return 0
    return 2 if band.negative[y][x] else 1


def plane_count(indices: list) -> int:
    top = max((int(np.abs(b).max()) for plane in indices for t in plane[1:] for b in t if np.size(b)), default=0)
    return top.bit_length()


def encode_payload(
    width: int,
    height: int,
    indices: list,
    strength: int = 0,
    coder: rc.Encoder | None = None,
    contexts: tuple[Contexts, Contexts] | None = None,
    version: int | None = None,
) -> bytes:
    """Header and stream for per-plane indices ([LL, (HL, LH, HH)...], arrays or lists) in
    ``version`` (default ``VERSION``). ``coder`` and ``contexts`` let the priors builder count
    what the coder codes."""
    version = VERSION if version is None else version
    if version not in VERSIONS:
        raise PciError(f"wavelet-embedded version {version} is not one of {VERSIONS}", field="descriptors.version")
    if not 0 <= strength <= STRENGTH_MASK:
        raise PciError(f"wavelet-embedded smoothing {strength} outside 0..{STRENGTH_MASK}", field="descriptors.payload")
    count = plane_count(indices)
    if count > MAX_PLANES:
        raise PciError(f"an index of {count} bits exceeds the coder's bound", field="descriptors.payload")
    lists = [W.as_lists(b) if isinstance(b[0], np.ndarray) else b for b in indices]
    enc = coder or rc.Encoder()
    contexts = contexts or (Contexts("luma", version=version), Contexts("chroma", version=version))
    enc.direct(count, PLANE_COUNT_BITS)
    low = None
    lls = [b[0] for b in lists]
    if version >= 2:  # the LL values halved (floor), their lowest bits kept for plane 0
        low = LowBits([[[v & 1 for v in row] for row in ll] for ll in lls], _filled(lls, 1))
        lls = [[[v >> 1 for v in row] for row in ll] for ll in lls]
    for plane, ll in enumerate(lls):
        _code_ll(enc, contexts[min(plane, 1)], ll, decoding=False)
    shapes = [_shapes(bands) for bands in lists]
    Stream(enc, detail_bands(shapes, lists, version), contexts, encoding=True, low=low, version=version).planes(count)
    return W.header(width, height, strength) + enc.finish()


def _shapes(bands: list) -> list:
    return [(len(bands[0]), len(bands[0][0]) if bands[0] else 0)] + [
        tuple((len(b), len(b[0]) if b else 0) for b in t) for t in bands[1:]
    ]


@dataclass(frozen=True)
class Decoded:
    """What a (possibly cut) payload says: header values, LL bands, the detail bands' state."""

    width: int
    height: int
    strength: int
    lls: list  # per plane, the LL band (lists): the index, or twice the halved one while ``ll_open``
    bands: list[Band]
    ll_open: list  # per plane, 1 where an LL value's lowest bit is not known (version 2, a cut)


def decode_payload(payload: bytes, colour_name: str, version: int) -> Decoded:
    """Everything a payload of ``version`` says, up to its end or (cut streams) as far as it goes."""
    if len(payload) < HEADER_BYTES:
        raise PciError(f"wavelet-embedded payload shorter than its {HEADER_BYTES}-byte header",
                       field="descriptors.payload")  # fmt: skip
    width, height, shapes = _geometry(payload, colour_name)
    ll_shapes = [s[0] for s in shapes]
    # None until decoded: the LL prediction reads only decoded neighbours, and a cut shows how far it got
    read: list = [[[None] * cols for _ in range(rows)] for rows, cols in ll_shapes]
    low = LowBits(_filled(read, 0), _filled(read, 0)) if version >= 2 else None
    bands = detail_bands(shapes, None, version)
    try:
        dec = _decoder(payload)
        count = dec.direct(PLANE_COUNT_BITS)
        if count > MAX_PLANES:
            raise PciError(f"wavelet-embedded plane count {count} above {MAX_PLANES}", field="descriptors.payload")
        contexts = (Contexts("luma", version=version), Contexts("chroma", version=version))
        try:
            _read_lls(dec, read, contexts)
        finally:
            if low is not None:  # every LL value read so far waits for its lowest bit
                low.open = [[[0 if v is None else 1 for v in row] for row in ll] for ll in read]
        Stream(dec, bands, contexts, encoding=False, low=low, version=version).planes(count)
    except Exhausted:
        pass
    except PciError:
        raise
    except ValueError as exc:
        raise PciError(f"corrupt wavelet-embedded stream: {exc}", field="descriptors.payload") from None
    lls = [[[0 if v is None else v for v in row] for row in ll] for ll in read]
    if low is None:
        return Decoded(width, height, payload[2] & STRENGTH_MASK, lls, bands, _filled(lls, 0))
    lls = [[[2 * v + b for v, b in zip(*rows, strict=True)] for rows in zip(*pair, strict=True)]
           for pair in zip(lls, low.bits, strict=True)]  # fmt: skip
    return Decoded(width, height, payload[2] & STRENGTH_MASK, lls, bands, low.open)


def _filled(planes: list, value: int) -> list:
    """Per plane, row lists of ``value`` shaped as ``planes``' LL bands."""
    return [[[value] * len(row) for row in ll] for ll in planes]


def _geometry(payload: bytes, colour_name: str) -> tuple[int, int, list]:
    """The working size the header states and every coded plane's band shapes."""
    width, height = payload[0] + 1, payload[1] + 1
    planes = W.plane_sizes(width, height, colour_name)
    return width, height, [lifting.band_shapes(w, h, lifting.levels_for(w, h)) for w, h in planes]


def _decoder(payload: bytes) -> rc.Decoder:
    """The stream's range decoder: a cut one stops at the end (``Exhausted``, even while loading)."""
    stream = payload[HEADER_BYTES:]
    return CutDecoder(stream) if payload[2] & CUT else rc.Decoder(stream)


def _read_lls(dec: rc.Decoder, lls: list, contexts: tuple) -> None:
    for plane, ll in enumerate(lls):
        _code_ll(dec, contexts[min(plane, 1)], ll, decoding=True)


def dequantised(decoded: Decoded, quant: int) -> list:
    """Per plane, Q4 bands: LL at ``q * S`` (one whose lowest bit is open at ``(q + 1/2) S``); a
    detail known to its last plane (0) at kind 3's ``(|q| + 1/16) S``, one known down to plane
    k > 0 at ``(m + (6 * 2**k - 6) / 16) S``."""
    planes: list = [
        [((2 * np.asarray(ll, dtype=np.int64) + np.asarray(still_open, dtype=np.int64)) * W.plane_step(quant, i)) >> 1]
        for i, (ll, still_open) in enumerate(zip(decoded.lls, decoded.ll_open, strict=True))
    ]
    for index, plane in enumerate(planes):
        step = W.plane_step(quant, index)
        own = [_dequantise_band(b, step) for b in decoded.bands if b.index == index]
        plane.extend(tuple(own[i : i + 3]) for i in range(0, len(own), 3))
        for array in [plane[0], *own]:
            if array.size and int(np.abs(array).max()) > lifting.CLAMP:
                raise PciError("wavelet-embedded coefficient exceeds 2**20 after dequantisation",
                               field="descriptors.payload")  # fmt: skip
    return planes


def _dequantise_band(band: Band, step: int) -> np.ndarray:
    m = np.asarray(band.mag, dtype=np.int64).reshape(band.rows, band.cols)
    k = np.asarray(band.plane, dtype=np.int64).reshape(band.rows, band.cols)
    sixteenths = np.where(
        k > 0, 16 * m + RECON_PARTIAL * (np.left_shift(1, np.maximum(k, 0)) - 1), 16 * m + W.RECON_SIXTEENTHS
    )
    value = (sixteenths * step + 8) >> 4
    negative = np.asarray(band.negative, dtype=bool).reshape(band.rows, band.cols)
    return np.where(m > 0, np.where(negative, -value, value), 0)


@lru_cache(maxsize=8)
def working_image(payload: bytes, quant: int, colour_name: str, version: int) -> np.ndarray:
    """The decoded working picture: uint8, exact, read-only (a cut payload: as far as it goes)."""
    decoded, picture = _unsmoothed(payload, quant, colour_name, version)
    picture = smoothing.smooth(picture, decoded.strength)
    picture.setflags(write=False)
    return picture


def unsmoothed_picture(payload: bytes, quant: int, colour_name: str, version: int) -> np.ndarray:
    """The working picture before the decoder's smoothing (what a re-encode starts from)."""
    return _unsmoothed(payload, quant, colour_name, version)[1]


def _unsmoothed(payload: bytes, quant: int, colour_name: str, version: int) -> tuple[Decoded, np.ndarray]:
    if quant > W.MAX_QUANT:
        raise PciError(f"wavelet-embedded quant {quant} above {W.MAX_QUANT}", field="descriptors.quant")
    decoded = decode_payload(payload, colour_name, version)
    q4 = [lifting.inverse(bands) for bands in dequantised(decoded, quant)]
    return decoded, W.picture_from_planes(q4, decoded.width, decoded.height, colour_name)


class _LLContexts:
    """The LL coding's contexts alone (``carries_ll`` needs no others)."""

    def __init__(self, plane_type: str, version: int) -> None:
        table = packaged_json(PRIORS_FILES[version])[plane_type]
        self.ll_zero, self.ll_sign = list(table["ll_zero"]), list(table["ll_sign"])
        self.ll_mag = [list(row) for row in table["ll_mag"]]


def carries_ll(payload: bytes, colour_name: str, version: int) -> bool:
    """Whether a payload holds its plane count and every LL value: a cut shorter than that
    leaves part of the picture at mid-grey (a re-budget then re-encodes instead)."""
    if len(payload) < HEADER_BYTES:
        return False
    lls = [[[0] * cols for _ in range(rows)] for rows, cols in (s[0] for s in _geometry(payload, colour_name)[2])]
    try:
        dec = _decoder(payload)
        dec.direct(PLANE_COUNT_BITS)
        _read_lls(dec, lls, (_LLContexts("luma", version), _LLContexts("chroma", version)))
    except Exhausted:
        return False
    except ValueError:
        return True  # a corrupt stream: the decoder will say so
    return True


def received(pci: PciFile) -> PciFile:
    """The file as far as it has arrived: its kind-5 payload marked as cut (section 11.4), so
    that decoding stops where the bytes end. A download of a bare form in progress, whose
    single descriptor's payload runs to the end, reads as such a file."""
    entry = pci.descriptor(KIND)
    if entry is None:
        raise PciError("a partial decode needs a wavelet-embedded (kind 5) base layer", field="descriptors.kind")
    if len(entry.payload) < HEADER_BYTES:
        raise PciError(f"only {len(entry.payload)} bytes of the wavelet-embedded header have arrived",
                       field="descriptors.payload")  # fmt: skip
    payload = entry.payload[:2] + bytes((entry.payload[2] | CUT,)) + entry.payload[HEADER_BYTES:]
    marked = Descriptor(entry.kind, entry.version, entry.quant, payload)
    return pci.replace(descriptors=tuple(marked if d.kind == KIND else d for d in pci.descriptors))


def cut(payload: bytes, size: int) -> bytes:
    """The first ``size`` bytes of a payload, marked as cut (the payload itself if it fits)."""
    if size >= len(payload):
        return payload
    if size < HEADER_BYTES:
        raise PciError(f"a wavelet-embedded payload cannot be cut below its {HEADER_BYTES}-byte header",
                       field="descriptors.payload")  # fmt: skip
    return payload[:2] + bytes((payload[2] | CUT,)) + payload[HEADER_BYTES:size]
