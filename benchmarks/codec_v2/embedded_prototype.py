"""Prototype (session 4): an embedded bit-plane coder over kind 3's transform, for issues 12 and 13.

Not a format: rate is the ideal code length of the same adaptive binary contexts the range
coder uses (11-bit probabilities, shift 5) plus 2 bytes, so sizes are within ~1 byte of a
real stream. For each image: kind 3 at payload N (real bytes and decode, with and without its
smoothing) against the embedded stream of kind 3's chosen working size cut at N, and the
983-byte stream cut at 491 and 147 (a re-budget by prefix). Bit-planes run most significant
first; per plane, bands coarse to fine, Y then Cb, Cr; a band flag while a band has no
significant value (BANDSKIP, default on), 4x4 zero-block flags (context: parent block,
neighbours) skip insignificant blocks; significance (neighbours, parent, orientation), sign
(1 raw bit) and refinement contexts; LLFIRST=1 codes the LL bands whole first. Usage:

    python benchmarks/codec_v2/embedded_prototype.py IMAGES_DIR [START STRIDE]   (RECON=0.3 env)
"""

from __future__ import annotations

import glob
import math
import os
import sys

import numpy as np
from PIL import Image

import pcimg
from pcimg.bench.metrics import ms_ssim, psnr
from pcimg.codec import lifting, resample
from pcimg.codec import wavelet_colour as W
from pcimg.codec import wavelet_search as S
from pcimg.format.container import PciFile, write

PROB_BITS, MOVE = 11, 5
RECON = float(os.environ.get("RECON", "0.3"))  # reconstruction offset in the last known plane
LLFIRST = os.environ.get("LLFIRST") == "1"  # LL of every plane first, MED-predicted, whole
BANDSKIP = os.environ.get("BANDSKIP", "1") == "1"  # a flag per band and plane until one is significant
ONE = 1 << PROB_BITS


class Cost:
    def __init__(self):
        self.ctx = {}
        self.bits = 0.0

    def bit(self, key, b):
        p = self.ctx.get(key, ONE // 2)  # probability of 0
        self.bits += -math.log2((p if b == 0 else ONE - p) / ONE)
        self.ctx[key] = p + ((ONE - p) >> MOVE) if b == 0 else p - (p >> MOVE)

    def raw(self, n=1):
        self.bits += n


def flatten(bands):
    """[(array, level, orientation)] coarse to fine: LL level 0, details level 1.."""
    out = [(np.asarray(bands[0]), 0, 0)]
    for lv, t in enumerate(bands[1:], 1):
        for o, b in enumerate(t):
            out.append((np.asarray(b), lv, o + 1))
    return out


def embedded(planes_idx, ll_predict=True):
    """planes_idx: per plane, list of bands (int arrays). Returns (cum bits per symbol list, per-coefficient
    done index per bit-plane) and the structures to reconstruct."""
    cost = Cost()
    flat = [flatten(b) for b in planes_idx]
    # LL: code residual of MED prediction? prototype: LL coded in bit-planes like the rest
    top = max(int(np.abs(a).max()) if a.size else 0 for f in flat for a, _, _ in f)
    P = max(top.bit_length(), 1)
    sig = [[np.zeros(a.shape, bool) for a, _, _ in f] for f in flat]
    marks = []  # cumulative bits after each coefficient visit, in order
    order = []  # (p, plane, band, y, x)
    nlevels = [len(f) for f in flat]
    if LLFIRST:
        for pl, f in enumerate(flat):
            a = f[0][0]
            if not a.size:
                continue
            ll = a.astype(int)
            h, w = ll.shape
            prev = 0
            ct = "c" if pl else "y"
            for y in range(h):
                for x in range(w):
                    if y == 0:
                        pred = ll[0, x - 1] if x else 0
                    elif x == 0:
                        pred = ll[y - 1, 0]
                    else:
                        A, B, Cc = ll[y, x - 1], ll[y - 1, x], ll[y - 1, x - 1]
                        lo, hi = min(A, B), max(A, B)
                        pred = lo if Cc >= hi else hi if Cc <= lo else A + B - Cc
                    r = int(ll[y, x] - pred)
                    z = min(prev, 2)
                    cost.bit((ct, "llz", z), 1 if r else 0)
                    if r:
                        cost.raw(1)
                        n = abs(r)
                        k = n.bit_length() - 1
                        for i in range(k):
                            cost.bit((ct, "llm", z, min(i, 11)), 1)
                        cost.bit((ct, "llm", z, min(k, 11)), 0)
                        cost.raw(k)
                    prev = abs(r)
                    marks.append(cost.bits)
                    order.append((-1, pl, 0, y, x))
                    sig[pl][0][y, x] = True
    for p in range(P - 1, -1, -1):
        maxb = max(nlevels)
        for bi in range(maxb):
            for pl, f in enumerate(flat):
                if bi >= len(f):
                    continue
                a, lv, o = f[bi]
                if not a.size or (LLFIRST and bi == 0):
                    continue
                s = sig[pl][bi]
                mag = np.abs(a)
                h, w = a.shape
                if BANDSKIP and lv > 0 and not s.any():
                    any_new = bool(((mag >> p) & 1).any())
                    cost.bit(("c" if pl else "y", "band", min(lv, 3)), int(any_new))
                    if not any_new:
                        for y in range(h):
                            for x in range(w):
                                marks.append(cost.bits)
                                order.append((p, pl, bi, y, x))
                        continue
                # parent significance map (coarser band of same orientation)
                parent = None
                if lv >= 2:
                    pa = sig[pl][bi - 3]
                    parent = pa
                ct = "c" if pl else "y"
                lvc = min(lv, 3)
                B = 4
                for by in range(0, h, B):
                    for bx in range(0, w, B):
                        blk = s[by : by + B, bx : bx + B]
                        newsig = bool(((mag[by : by + B, bx : bx + B] >> p) & 1).any())
                        if lv > 0 and not blk.any():
                            par = 0
                            if parent is not None:
                                pb = parent[by // 2 : (by + B) // 2 + 1, bx // 2 : (bx + B) // 2 + 1]
                                par = int(pb.any())
                            nb = s[max(0, by - 1) : by + B + 1, max(0, bx - 1) : bx + B + 1].any()
                            cost.bit((ct, "blk", lvc, par, int(nb)), int(newsig))
                            if not newsig:
                                for y in range(by, min(h, by + B)):
                                    for x in range(bx, min(w, bx + B)):
                                        marks.append(cost.bits)
                                        order.append((p, pl, bi, y, x))
                                continue
                        for y in range(by, min(h, by + B)):
                            for x in range(bx, min(w, bx + B)):
                                if s[y, x]:
                                    cost.bit((ct, "ref", lvc), (mag[y, x] >> p) & 1)
                                else:
                                    y0, y1, x0, x1 = max(0, y - 1), min(h, y + 2), max(0, x - 1), min(w, x + 2)
                                    n = int(s[y0:y1, x0:x1].sum())
                                    par = 0
                                    if parent is not None:
                                        py, px = min(y // 2, parent.shape[0] - 1), min(x // 2, parent.shape[1] - 1)
                                        par = int(parent[py, px])
                                    bit = (mag[y, x] >> p) & 1
                                    cost.bit((ct, "sig", lvc, min(n, 3), par, o == 3), bit)
                                    if bit:
                                        cost.raw(1)
                                        s[y, x] = True
                                marks.append(cost.bits)
                                order.append((p, pl, bi, y, x))
    return np.array(marks), order, P, flat


def reconstruct(flat, order, marks, P, budget_bytes, overhead=2):
    """Known planes per coefficient for a cut at budget_bytes; returns per-plane float bands (index units)."""
    limit = (budget_bytes - overhead) * 8
    k = int(np.searchsorted(marks, limit, side="right"))  # coefficients fully visited within budget
    known = [[np.full(a.shape, P, int) for a, _, _ in f] for f in flat]
    for i in range(k):
        p, pl, bi, y, x = order[i]
        known[pl][bi][y, x] = max(p, 0)
    out = []
    for pl, f in enumerate(flat):
        bands = []
        for bi, (a, _, _) in enumerate(f):
            kp = known[pl][bi]
            mag = np.abs(a)
            kn = (mag >> kp) << kp
            val = np.where((kn > 0) & (kp > 0), kn + (2.0**kp) * RECON, kn.astype(float))
            bands.append(np.sign(a) * val)
        out.append(bands)
    return out, k


def picture(rec, quant, width, height):
    """Float reconstruction of the working picture from index-unit bands at quant."""
    planes = []
    for pl, fl in enumerate(rec):
        step = W.plane_step(quant, pl) / 16.0
        ll = fl[0] * step
        det = []
        i = 1
        while i < len(fl):
            det.append(tuple(fl[i + j] * step for j in range(3)))
            i += 3
        planes.append(lifting.inverse_float([ll, *det]))
    y = planes[0]
    cb, cr = (resample.resize_float(p, width, height) for p in planes[1:])
    r = y + 1.402 * cr
    g = y - 0.344136 * cb - 0.714136 * cr
    b = y + 1.772 * cb
    return np.clip(np.stack([r, g, b], -1) + 128, 0, 255)


def full(pic, w, h):
    return np.clip(np.round(resample.resize_float(pic, w, h)), 0, 255).astype(np.uint8)


def main():
    files = sorted(glob.glob(f"{sys.argv[1]}/*.png"))
    start, stride = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (0, 2)
    files = files[start::stride]
    budgets = (147, 491, 983)
    rows = []
    for f in files:
        img = Image.open(f).convert("RGB")
        ref = np.asarray(img)
        src = S.source(ref, "rgb")
        row = {}
        works = {}
        for n in budgets:
            e = S.search(src, n - 16, lambda d, n=n: len(d.payload) <= n - 16)  # bare-ish payload
            out = np.asarray(pcimg.decode(write(PciFile(img.width, img.height, descriptors=(e,)))))
            row[f"k3-{n}"] = (psnr(ref, out), ms_ssim(ref, out))
            e0 = type(e)(e.kind, e.version, e.quant, e.payload[:2] + bytes(1) + e.payload[3:])
            out = np.asarray(pcimg.decode(write(PciFile(img.width, img.height, descriptors=(e0,)))))
            row[f"k3s0-{n}"] = (psnr(ref, out), ms_ssim(ref, out))
            works[n] = (e.payload[0] + 1, e.payload[1] + 1, e.quant)
        for n in budgets:
            ww, wh, q = works[n]
            work = S.analyse(src, ww, wh)
            qf = max(0, q - 32)
            idx = [W.quantise(b, qf, pl) for pl, b in enumerate(work.bands)]
            marks, order, P, flat = embedded(idx)
            rec, _ = reconstruct(flat, order, marks, P, n - 16)
            out = full(picture(rec, qf, ww, wh), img.width, img.height)
            row[f"emb-{n}"] = (psnr(ref, out), ms_ssim(ref, out))
            if n == 983:
                for m in (147, 491):
                    rec, _ = reconstruct(flat, order, marks, P, m - 16)
                    out = full(picture(rec, qf, ww, wh), img.width, img.height)
                    row[f"cut983-{m}"] = (psnr(ref, out), ms_ssim(ref, out))
        rows.append(row)
        print(f[-6:-4], {k: (round(a, 2), round(b, 4)) for k, (a, b) in row.items()}, flush=True)
    for key in rows[0]:
        v = np.array([r[key] for r in rows])
        print(key, v.mean(0).round(4))


if __name__ == "__main__":
    main()
