"""Prototype (session 5): an embedded coder at parity with kind 3, and what a prefix cut costs.

Not a format. Sizes are ideal code lengths of the range coder's adaptive binary contexts
(11-bit, shift 5), started from probabilities trained on the odd images (as kind 3's priors
are), plus 2 bytes per range-coded segment. The stream codes kind 3's own indices (the same
working size, quant and dead zones the kind-3 encoder chose), so at full length it decodes to
kind 3's picture: the question is only its size, and what a prefix of it is worth.

Layout: the LL bands of Y, Cb, Cr first, whole, MED-predicted (kind 3's LL coding) in a
segment of their own, so that a cut can re-code them at a coarser precision (LL >> k); then
the detail bands as bit-planes, most significant first: per plane, levels coarse to fine,
Y then Cb, Cr, orientations HL, LH, HH; a flag per band while nothing in it is significant;
4x4 block flags for blocks without a significant value; significance (neighbours, parent,
level, diagonal band), sign (orientation and the signs of the west and north neighbours when
significant: HL's vertical edges keep their sign down a column, LH's along a row) and
refinement (level, the magnitude known so far) contexts.

Usage: python benchmarks/codec_v2/embedded_v2.py IMAGES_DIR
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

import pcimg
from pcimg.bench.metrics import ms_ssim, psnr
from pcimg.codec import wavelet_colour as W
from pcimg.codec import wavelet_search as S
from pcimg.format.container import PciFile, write

ONE, MOVE = 2048, 5
BUDGETS = (147, 491, 983)
FRAMING = 16  # file bytes besides the payload (as the session-4 prototype)
RECON = float(os.environ.get("RECON", "0.375"))  # where inside a known interval a cut reconstructs
ORDER = os.environ.get("ORDER", "plane")
REFINE_LAST = os.environ.get("REFINE_LAST") == "1"
STRENGTHS = tuple(int(v) for v in os.environ.get("STRENGTHS", "-1").split(","))


class Cost:
    """Ideal code length of adaptive binary contexts, optionally counting for training."""

    def __init__(self, init: dict | None = None, counts: dict | None = None) -> None:
        self.ctx: dict = {}
        self.init = init or {}
        self.counts = counts
        self.bits = 0.0

    def bit(self, key: tuple, b: int) -> None:
        p = self.ctx.get(key)
        if p is None:
            p = self.init.get(key, ONE // 2)
        if self.counts is not None:
            self.counts.setdefault(key, [0, 0])[b] += 1
        self.bits -= math.log2((p if b == 0 else ONE - p) / ONE)
        self.ctx[key] = p + ((ONE - p) >> MOVE) if b == 0 else p - (p >> MOVE)

    def raw(self, n: int) -> None:
        self.bits += n


def med(a: np.ndarray, y: int, x: int) -> int:
    if y == 0:
        return int(a[0, x - 1]) if x else 0
    if x == 0:
        return int(a[y - 1, 0])
    w, n, nw = int(a[y, x - 1]), int(a[y - 1, x]), int(a[y - 1, x - 1])
    lo, hi = min(w, n), max(w, n)
    return lo if nw >= hi else hi if nw <= lo else w + n - nw


def ll_bits(planes: list, shift: int, cost: Cost) -> float:
    """Bits of the LL segment at precision 2**shift (kind 3's LL coder on LL >> shift)."""
    start = cost.bits
    for pl, bands in enumerate(planes):
        ll = np.asarray(bands[0], dtype=np.int64) >> shift
        ct = "c" if pl else "y"
        prev = 0
        for y in range(ll.shape[0]):
            for x in range(ll.shape[1]):
                r = int(ll[y, x]) - med(ll, y, x)
                z = min(prev, 2)
                cost.bit((ct, "llz", z), 1 if r else 0)
                if r:
                    cost.bit((ct, "lls"), int(r < 0))
                    k = abs(r).bit_length() - 1
                    for i in range(k):
                        cost.bit((ct, "llm", z, min(i, 11)), 1)
                    cost.bit((ct, "llm", z, min(k, 11)), 0)
                    cost.raw(k)
                prev = abs(r)
    return cost.bits - start


def details(planes: list) -> list:
    """[(plane, level, orientation, array)] in coding order within a bit-plane."""
    out = []
    levels = max(len(b) - 1 for b in planes)
    for level in range(1, levels + 1):
        for pl, bands in enumerate(planes):
            if level < len(bands):
                for o, band in enumerate(bands[level]):
                    out.append((pl, level, o, np.asarray(band, dtype=np.int64)))
    return out


THETA = float(os.environ.get("THETA", "1.0"))  # significance threshold at plane p: about THETA x 2**p


def thresholds(top: int) -> list[int]:
    """t[p]: at plane p an insignificant index becomes significant when |q| >= t[p]; t[0] = 1,
    strictly increasing, t[p+1] - t[p] <= 2**p so that p halvings resolve every interval."""
    t = [1]
    while t[-1] <= top:
        p = len(t)
        nxt = max(t[-1] + 1, math.ceil(THETA * 2**p))
        t.append(min(nxt, t[-1] + 2 ** (p - 1)) if p > 0 else nxt)
    return t


def detail_stream(planes: list, cost: Cost) -> tuple[np.ndarray, list, list]:
    """Cumulative bits after each coefficient visit, the visits (band, y, x, lo, hi), thresholds.
    Every index is known as an interval [lo, hi) of |q|, narrowed at each visit."""
    bands = details(planes)
    top = max((int(np.abs(a).max()) for *_, a in bands if a.size), default=0)
    t = thresholds(top)
    planes_n = len(t) - 1
    lo = [np.zeros(a.shape, np.int64) for *_, a in bands]
    hi = [np.full(a.shape, t[-1], np.int64) for *_, a in bands]
    index_of = {(pl, lv, o): i for i, (pl, lv, o, _) in enumerate(bands)}
    marks: list[float] = []
    order: list[tuple] = []
    finest = [i for i, (pl, lv, o, a) in enumerate(bands) if lv == len(planes[pl]) - 1]
    if ORDER == "plane":
        passes = [(p, bi) for p in range(planes_n - 1, -1, -1) for bi in range(len(bands))]
    else:  # coarser levels, every plane, before the finest level
        rest = [i for i in range(len(bands)) if i not in finest]
        passes = [(p, bi) for p in range(planes_n - 1, -1, -1) for bi in rest]
        passes += [(p, bi) for p in range(planes_n - 1, -1, -1) for bi in finest]

    def visit(bi, y, x):
        marks.append(cost.bits)
        order.append((bi, y, x, int(lo[bi][y, x]), int(hi[bi][y, x])))

    for p, bi in passes:
        pl, lv, o, a = bands[bi]
        if not a.size:
            continue
        L, H, mag = lo[bi], hi[bi], np.abs(a)
        s = L > 0
        h, w = a.shape
        ct = "c" if pl else "y"
        group = min(len(planes[pl]) - 1 - lv, 2)  # 0 the finest level
        parent = (lo[index_of[(pl, lv - 1, o)]] > 0) if lv >= 2 else None
        if not s.any():
            new = bool((mag >= t[p]).any())
            cost.bit((ct, "band", group), int(new))
            if not new:
                H[...] = np.minimum(H, t[p])
                for y in range(h):
                    for x in range(w):
                        visit(bi, y, x)
                continue
        for by in range(0, h, 4):
            for bx in range(0, w, 4):
                if not s[by : by + 4, bx : bx + 4].any():
                    par = (
                        int(parent[by // 2 : (by + 4) // 2 + 1, bx // 2 : (bx + 4) // 2 + 1].any())
                        if parent is not None
                        else 0
                    )
                    near = int(s[max(0, by - 1) : by + 5, max(0, bx - 1) : bx + 5].any())
                    new = bool((mag[by : by + 4, bx : bx + 4] >= t[p]).any())
                    cost.bit((ct, "blk", group, par, near), int(new))
                    if not new:
                        H[by : by + 4, bx : bx + 4] = np.minimum(H[by : by + 4, bx : bx + 4], t[p])
                        for y in range(by, min(h, by + 4)):
                            for x in range(bx, min(w, bx + 4)):
                                visit(bi, y, x)
                        continue
                for y in range(by, min(h, by + 4)):
                    for x in range(bx, min(w, bx + 4)):
                        m = int(mag[y, x])
                        if L[y, x] > 0:
                            if H[y, x] - L[y, x] > 1:
                                mid = int(L[y, x] + (H[y, x] - L[y, x]) // 2)
                                bit = int(m >= mid)
                                cost.bit((ct, "ref", group, min(int(L[y, x]) >> p, 3)), bit)
                                if bit:
                                    L[y, x] = mid
                                else:
                                    H[y, x] = mid
                        else:
                            n = int(s[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2].sum())
                            par = (
                                int(parent[min(y // 2, parent.shape[0] - 1), min(x // 2, parent.shape[1] - 1)])
                                if parent is not None
                                else 0
                            )
                            bit = int(m >= t[p])
                            cost.bit((ct, "sig", group, min(n, 3), par, o == 2), bit)
                            if bit:
                                sw = int(np.sign(a[y, x - 1])) if x and s[y, x - 1] else 0
                                sn = int(np.sign(a[y - 1, x])) if y and s[y - 1, x] else 0
                                cost.bit((ct, "sign", group, o, sw, sn), int(a[y, x] < 0))
                                L[y, x] = t[p]
                                s[y, x] = True
                            else:
                                H[y, x] = t[p]
                        visit(bi, y, x)
    assert all(np.array_equal(lo_, np.abs(a)) for lo_, (*_, a) in zip(lo, bands, strict=True))  # all resolved
    return np.asarray(marks), order, t


def detail_stream_passes(planes: list, cost: Cost) -> tuple[np.ndarray, list, list]:
    """As ``detail_stream`` with THETA = 1, but each bit-plane in three passes over all bands
    (EBCOT's order): significance of coefficients beside a significant one, refinement of
    those significant before this plane, then the rest (band and block flags)."""
    bands = details(planes)
    top = max((int(np.abs(a).max()) for *_, a in bands if a.size), default=0)
    t = [1 << p for p in range(top.bit_length() + 1)]
    planes_n = len(t) - 1
    lo = [np.zeros(a.shape, np.int64) for *_, a in bands]
    hi = [np.full(a.shape, t[-1], np.int64) for *_, a in bands]
    index_of = {(pl, lv, o): i for i, (pl, lv, o, _) in enumerate(bands)}
    marks: list[float] = []
    order: list[tuple] = []

    def visit(bi, y, x):
        marks.append(cost.bits)
        order.append((bi, y, x, int(lo[bi][y, x]), int(hi[bi][y, x])))

    def significance(bi, y, x, p, pass_name):
        pl, lv, o, a = bands[bi]
        L, H = lo[bi], hi[bi]
        s = L > 0
        ct = "c" if pl else "y"
        group = min(len(planes[pl]) - 1 - lv, 2)
        parent = (lo[index_of[(pl, lv - 1, o)]] > 0) if lv >= 2 else None
        n = int(s[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2].sum())
        par = (
            int(parent[min(y // 2, parent.shape[0] - 1), min(x // 2, parent.shape[1] - 1)]) if parent is not None else 0
        )
        bit = int(abs(int(a[y, x])) >= t[p])
        cost.bit((ct, "sig", pass_name, group, min(n, 3), par, o == 2), bit)
        if bit:
            sw = int(np.sign(a[y, x - 1])) if x and s[y, x - 1] else 0
            sn = int(np.sign(a[y - 1, x])) if y and s[y - 1, x] else 0
            cost.bit((ct, "sign", group, o, sw, sn), int(a[y, x] < 0))
            L[y, x] = t[p]
        else:
            H[y, x] = t[p]
        visit(bi, y, x)

    finest = {i for i, (pl, lv, o, a) in enumerate(bands) if lv == len(planes[pl]) - 1}
    sets = [set(range(len(bands))) - finest, finest] if ORDER != "plane" else [set(range(len(bands)))]
    schedule = [(c, p) for c in sets for p in range(planes_n - 1, -1, -1)]
    if ORDER == "levels-in-plane":  # every plane: all passes of the coarsest level, then the next, ...
        by_level: dict[int, set] = {}
        for i, (_pl, lv, _o, _a) in enumerate(bands):
            by_level.setdefault(lv, set()).add(i)
        schedule = [(by_level[lv], p) for p in range(planes_n - 1, -1, -1) for lv in sorted(by_level)]
    for chosen, p in schedule:
        was_significant = [L > 0 for L in lo]
        visited = [np.zeros(a.shape, bool) for *_, a in bands]
        # pass 1: insignificant coefficients with a significant neighbour
        for bi, (_pl, _lv, _o, a) in enumerate(bands):
            L = lo[bi]
            if bi not in chosen or not a.size or not (L > 0).any():
                continue
            h, w = a.shape
            for y in range(h):
                for x in range(w):
                    if L[y, x] == 0 and (L[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2] > 0).any():
                        significance(bi, y, x, p, 1)
                        visited[bi][y, x] = True

        def refine_all(chosen: set = chosen, was_significant: list = was_significant, p: int = p) -> None:
            # pass 2: refinement of those significant before this plane
            for bi, (pl, lv, _o, a) in enumerate(bands):
                if bi not in chosen:
                    continue
                ct = "c" if pl else "y"
                group = min(len(planes[pl]) - 1 - lv, 2)
                L, H = lo[bi], hi[bi]
                for y, x in zip(*np.nonzero(was_significant[bi]), strict=True):
                    mid = int(L[y, x] + (H[y, x] - L[y, x]) // 2)
                    bit = int(abs(int(a[y, x])) >= mid)
                    cost.bit((ct, "ref", group, min(int(L[y, x]) >> p, 3)), bit)
                    if bit:
                        L[y, x] = mid
                    else:
                        H[y, x] = mid
                    visit(bi, y, x)

        if not REFINE_LAST:
            refine_all()
        # pass 3: the rest, with band and block flags
        for bi, (pl, lv, o, a) in enumerate(bands):
            if bi not in chosen or not a.size:
                continue
            ct = "c" if pl else "y"
            group = min(len(planes[pl]) - 1 - lv, 2)
            L, H, mag = lo[bi], hi[bi], np.abs(a)
            todo = (L == 0) & ~visited[bi]
            parent = (lo[index_of[(pl, lv - 1, o)]] > 0) if lv >= 2 else None
            h, w = a.shape
            if not (L > 0).any():
                new = bool((mag >= t[p]).any())
                cost.bit((ct, "band", group), int(new))
                if not new:
                    H[...] = np.minimum(H, t[p])
                    for y in range(h):
                        for x in range(w):
                            visit(bi, y, x)
                    continue
            for by in range(0, h, 4):
                for bx in range(0, w, 4):
                    block = todo[by : by + 4, bx : bx + 4]
                    if not block.any():
                        continue
                    if block.all() and not (L[by : by + 4, bx : bx + 4] > 0).any():
                        par = (
                            int(parent[by // 2 : (by + 4) // 2 + 1, bx // 2 : (bx + 4) // 2 + 1].any())
                            if parent is not None
                            else 0
                        )
                        near = int((L[max(0, by - 1) : by + 5, max(0, bx - 1) : bx + 5] > 0).any())
                        new = bool((mag[by : by + 4, bx : bx + 4] >= t[p]).any())
                        cost.bit((ct, "blk", group, par, near), int(new))
                        if not new:
                            H[by : by + 4, bx : bx + 4] = np.minimum(H[by : by + 4, bx : bx + 4], t[p])
                            for y in range(by, min(h, by + 4)):
                                for x in range(bx, min(w, bx + 4)):
                                    visit(bi, y, x)
                            continue
                    for y in range(by, min(h, by + 4)):
                        for x in range(bx, min(w, bx + 4)):
                            if todo[y, x]:
                                significance(bi, y, x, p, 3)
        if REFINE_LAST:
            refine_all()
    assert all(np.array_equal(lo_, np.abs(a)) for lo_, (*_, a) in zip(lo, bands, strict=True))
    return np.asarray(marks), order, t


def reconstruct(planes: list, order: list, marks: np.ndarray, t: list, detail_bytes: float, ll_shift: int) -> list:
    """Index-unit bands (floats) a decoder knows from a cut: LL at 2**ll_shift, details from
    the visits that fit (each visit records the interval it leaves)."""
    visits = int(np.searchsorted(marks, detail_bytes * 8, side="right"))
    return _reconstruct_states(planes, details(planes), order, visits, ll_shift, t)


def _reconstruct_states(planes, bands, order, visits, ll_shift, t):
    lo = [np.zeros(a.shape, np.int64) for *_, a in bands]
    hi = [np.full(a.shape, t[-1], np.int64) for *_, a in bands]
    # order holds the state *after* each visit (recorded after narrowing)
    for bi, y, x, l_, h_ in order[:visits]:
        lo[bi][y, x], hi[bi][y, x] = l_, h_
    rec = []
    for pbands in planes:
        ll = np.asarray(pbands[0], dtype=np.int64)
        ll = ((ll >> ll_shift) << ll_shift) + ((1 << ll_shift) >> 1)
        rec.append([ll.astype(np.float64)])
    for bi, (pl, lv, o, a) in enumerate(bands):
        L, H = lo[bi], hi[bi]
        exact = H - L == 1
        value = np.where(L == 0, 0.0, np.where(exact, L + W.RECON_SIXTEENTHS / 16.0, L - 0.38 + RECON * (H - L)))
        value = value * np.sign(a)
        while len(rec[pl]) <= lv:
            rec[pl].append([None, None, None])
        rec[pl][lv][o] = value
    return [[r[0], *(tuple(t_) for t_ in r[1:])] for r in rec]


def picture(rec: list, quant: int, width: int, height: int, strength: int) -> np.ndarray:
    """The decoder's working picture from index-unit bands (float synthesis, then kind 3's rounding)."""
    q4 = []
    for pl, bands in enumerate(rec):
        step = W.plane_step(quant, pl)
        q4.append(
            [np.round(bands[0] * step).astype(np.int64)]
            + [tuple(np.round(b * step).astype(np.int64) for b in t) for t in bands[1:]]
        )
    from pcimg.codec import colour, lifting, resample, smoothing

    y, cb, cr = (lifting.inverse(b) for b in q4)
    cb, cr = (resample.resize(p, width, height) for p in (cb, cr))
    return smoothing.smooth(colour.planes_to_rgb(y, cb, cr), strength)


def kind3(src: S.Source, budget: int):
    entry = S.search(src, budget - FRAMING, lambda d: len(d.payload) <= budget - FRAMING)
    width, height, planes = W.decode_payload(entry.payload, "rgb", entry.version)
    return entry, width, height, planes


def full_size(pic: np.ndarray, width: int, height: int) -> np.ndarray:
    from pcimg.codec import resample

    return np.clip(np.round(resample.resize_float(pic.astype(np.float64), width, height)), 0, 255).astype(np.uint8)


def train(paths: list[Path]) -> dict:
    counts: dict = {}
    for path in paths:
        src = S.source(np.asarray(Image.open(path).convert("RGB")), "rgb")
        for budget in BUDGETS:
            _, _, _, planes = kind3(src, budget)
            cost = Cost(counts=counts)
            ll_bits(planes, 0, cost)
            STREAM(planes, cost)
    return {k: int(min(max((c[0] + 0.4) / (c[0] + c[1] + 0.8), 1 / 64), 63 / 64) * ONE) for k, c in counts.items()}


STREAM = detail_stream_passes if os.environ.get("PASSES") == "1" else detail_stream


def main() -> None:
    paths = sorted(Path(sys.argv[1]).glob("*.png"))
    init = train(paths[0::2])
    rows = []
    for path in paths[1::2]:
        image = Image.open(path).convert("RGB")
        ref = np.asarray(image)
        src = S.source(ref, "rgb")
        row = {}
        for budget in BUDGETS:
            entry, width, height, planes = kind3(src, budget)
            out = np.asarray(pcimg.decode(write(PciFile(image.width, image.height, descriptors=(entry,)))))
            ll = ll_bits(planes, 0, Cost(init))
            marks, order, t = STREAM(planes, Cost(init))
            row[f"k3 {budget}"] = (psnr(ref, out), ms_ssim(ref, out), len(entry.payload))
            row[f"emb {budget}"] = (0, 0, 3 + ll / 8 + 2 + marks[-1] / 8 + 2)
            if budget == 983:
                for cut in (147, 491):
                    best = None
                    for shift in range(0, 4):
                        ll = ll_bits(planes, shift, Cost(init)) / 8 + 2
                        room = cut - FRAMING - 3 - 1 - ll - 2
                        rec = reconstruct(planes, order, marks, t, room, shift)
                        for strength in STRENGTHS:
                            pic = picture(
                                rec, entry.quant, width, height, entry.payload[2] if strength < 0 else strength
                            )
                            out = full_size(pic, image.width, image.height)
                            score = (psnr(ref, out), ms_ssim(ref, out), cut - FRAMING)
                            row.setdefault(f"cut 983->{cut} LL shift {shift} s{strength}", score)
                        if best is None or score[0] > best[0]:
                            best = score
                    row[f"cut 983->{cut} best shift"] = best
        rows.append(row)
        print(path.stem, {k: tuple(round(v, 3) for v in t) for k, t in row.items()}, flush=True)
    print()
    for key in rows[0]:
        values = np.array([r[key] for r in rows])
        print(f"{key:28s} " + " / ".join(f"{v:.4f}" for v in values.mean(0)))


if __name__ == "__main__":
    main()
