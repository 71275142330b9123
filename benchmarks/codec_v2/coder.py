"""Context coding of quantised wavelet bands with pcimg's binary range coder (prototype)."""

from __future__ import annotations

import numpy as np

from pcimg.primitives import rangecoder as rc

NBR_CLASSES = 5  # context from already-coded neighbours: 0, 1, 2, 3-4, 5+ (weighted count)
LEVEL_GROUPS = 3


PRIORS: dict | None = None  # {plane type: {context name: [initial probabilities]}}, trained


class Model:
    """Adaptive contexts for one plane type (luma or chroma), from trained priors when set."""

    def __init__(self, kind: int = 0) -> None:
        self.ll_zero = rc.contexts(3)
        self.ll_mag = [rc.contexts(12) for _ in range(3)]
        self.ll_sign = rc.contexts(1)
        self.sig = rc.contexts(LEVEL_GROUPS * NBR_CLASSES * 3 * 2)
        self.mag = [rc.contexts(12) for _ in range(LEVEL_GROUPS * 3)]
        self.sign = rc.contexts(LEVEL_GROUPS * 3)
        if PRIORS is not None:
            for name, values in PRIORS[kind].items():
                for probs, init in zip(self.arrays(name), values, strict=True):
                    probs[:] = init

    def arrays(self, name: str) -> list[list[int]]:
        value = getattr(self, name)
        return value if isinstance(value[0], list) else [value]

    NAMES = ("ll_zero", "ll_mag", "ll_sign", "sig", "mag", "sign")


def _nbr(q: np.ndarray, y: int, x: int) -> int:
    """Weighted count of coded neighbours (W, N twice; NW, NE, WW, NN once), from magnitudes."""
    _h, w = q.shape
    t = 0
    if x > 0:
        t += 2 * min(abs(int(q[y, x - 1])), 2)
    if y > 0:
        t += 2 * min(abs(int(q[y - 1, x])), 2)
        if x > 0:
            t += min(abs(int(q[y - 1, x - 1])), 1)
        if x + 1 < w:
            t += min(abs(int(q[y - 1, x + 1])), 1)
    return t


def _nbr_class(t: int) -> int:
    return 0 if t == 0 else 1 if t <= 2 else 2 if t <= 4 else 3 if t <= 7 else 4


def _sign_ctx(q, y, x) -> int:
    w = int(np.sign(q[y, x - 1])) if x > 0 else 0
    n = int(np.sign(q[y - 1, x])) if y > 0 else 0
    s = w + n
    return 0 if s == 0 else 1 if s > 0 else 2


def _parent(parent: np.ndarray | None, y: int, x: int) -> int:
    if parent is None:
        return 0
    py, px = min(y >> 1, parent.shape[0] - 1), min(x >> 1, parent.shape[1] - 1)
    return min(abs(int(parent[py, px])), 2)


def _sibling(siblings, y: int, x: int) -> int:
    return 1 if any(y < s.shape[0] and x < s.shape[1] and s[y, x] != 0 for s in siblings) else 0


def _ll_pred(q, y, x) -> int:
    if y == 0 and x == 0:
        return 0
    if y == 0:
        return int(q[y, x - 1])
    if x == 0:
        return int(q[y - 1, x])
    a, b, c = int(q[y, x - 1]), int(q[y - 1, x]), int(q[y - 1, x - 1])
    if c >= max(a, b):
        return min(a, b)
    if c <= min(a, b):
        return max(a, b)
    return a + b - c


def code_plane(coder, model: Model, bands: list, decoding: bool = False) -> list:
    """Encode (or decode into zero-initialised arrays) one plane's quantised bands, in place."""
    ll = bands[0]
    prev_res = 0
    for y in range(ll.shape[0]):
        for x in range(ll.shape[1]):
            p = _ll_pred(ll, y, x)
            zc = min(prev_res, 2)
            if decoding:
                if coder.bit(model.ll_zero, zc) == 0:
                    r = 0
                else:
                    neg = coder.bit(model.ll_sign, 0)
                    r = rc.decode_uint(coder, model.ll_mag[zc]) + 1
                    r = -r if neg else r
                ll[y, x] = p + r
            else:
                r = int(ll[y, x]) - p
                coder.bit(model.ll_zero, zc, 1 if r else 0)
                if r:
                    coder.bit(model.ll_sign, 0, 1 if r < 0 else 0)
                    rc.encode_uint(coder, model.ll_mag[zc], abs(r) - 1)
            prev_res = abs(r)
    n_levels = len(bands) - 1
    for level, triple in enumerate(bands[1:]):
        group = min(n_levels - 1 - level, LEVEL_GROUPS - 1)  # 0: the finest level
        for orient, band in enumerate(triple):
            parent = bands[level][orient] if level > 0 else None
            for y in range(band.shape[0]):
                for x in range(band.shape[1]):
                    nc = _nbr_class(_nbr(band, y, x))
                    ctx = ((group * NBR_CLASSES + nc) * 3 + _parent(parent, y, x)) * 2 + _sibling(triple[:orient], y, x)
                    mctx = group * 3 + min(nc, 2)
                    sctx = group * 3 + _sign_ctx(band, y, x)
                    if decoding:
                        if coder.bit(model.sig, ctx):
                            neg = coder.bit(model.sign, sctx)
                            m = rc.decode_uint(coder, model.mag[mctx]) + 1
                            band[y, x] = -m if neg else m
                    else:
                        v = int(band[y, x])
                        coder.bit(model.sig, ctx, 1 if v else 0)
                        if v:
                            coder.bit(model.sign, sctx, 1 if v < 0 else 0)
                            rc.encode_uint(coder, model.mag[mctx], abs(v) - 1)
    return bands
