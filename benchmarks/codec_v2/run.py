"""Measure the wavelet candidate on a folder of images against the bench's peers.

Usage: python benchmarks/codec_v2/run.py IMAGES_DIR PEERS_RESULTS_JSON [--tag NAME] [--limit N]
PEERS_RESULTS_JSON is `results.json` from `pcimg bench` on the same images (for the peers).
Prints per budget: mean PSNR / MS-SSIM / HaarPSI of the candidate (one file per image, chosen
by the encoder's criterion, and per-metric oracle like the peers) and of the best classical.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
import codec as C
import coder
import upsample

from pcimg.bench.metrics import all_metrics, psnr

BUDGETS = (147, 491, 983)
CONTAINER_BYTES = 29  # signature, version, header, descriptors part framing and entry, CRC
WIDTHS = (24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256)
PARAMS = C.Params(**json.loads(os.environ.get("V2_PARAMS", "{}")))
OPT_DOWN = os.environ.get("V2_OPT_DOWN") == "1"
UPSAMPLER = getattr(Image.Resampling, os.environ.get("V2_UP", "BICUBIC"))
PROMPT_BYTES = int(os.environ.get("V2_PROMPT_BYTES", "0"))  # models + prompt parts, when measured with one
UP_KIND = os.environ.get("V2_UP_KIND")  # keys-0.5, keys-0.75, lanczos3 ... (upsample.py)
QUICK = os.environ.get("V2_QUICK") == "1"  # one working width per budget: for parameter sweeps
QUICK_WIDTHS = {147: 40, 491: 80, 983: 128}
TRAIN_WIDTHS = {147: (32, 40, 48), 491: (64, 80, 96), 983: (112, 128, 160)}
if os.environ.get("V2_MOVE_BITS"):
    from pcimg.primitives import rangecoder as _rc

    _rc.MOVE_BITS = int(os.environ["V2_MOVE_BITS"])
if os.environ.get("V2_PRIORS"):
    coder.PRIORS = {int(k): v for k, v in json.loads(Path(os.environ["V2_PRIORS"]).read_text()).items()}


@lru_cache(maxsize=256)
def upsample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """The decoder's 1-D upsampler (PIL bicubic for now) as a matrix, from impulse responses."""
    m = np.zeros((n_out, n_in))
    for i in range(n_in):
        e = np.zeros((1, n_in), np.float32)
        e[0, i] = 1
        m[:, i] = np.asarray(Image.fromarray(e, mode="F").resize((n_out, 1), Image.Resampling.BICUBIC))[0]
    return m


@lru_cache(maxsize=256)
def downsample_matrix(n_out: int, n_in: int) -> np.ndarray:
    """Least-squares inverse of the upsampler: the thumbnail whose upsampling is closest."""
    return np.linalg.pinv(upsample_matrix(n_out, n_in))


def thumbnail(ycc: np.ndarray, w: int) -> np.ndarray:
    H, W = ycc.shape[:2]
    h = max(1, round(w * H / W))
    if OPT_DOWN:
        dy, dx = downsample_matrix(h, H), downsample_matrix(w, W)
        return np.stack([dy @ ycc[..., c] @ dx.T for c in range(3)], -1)
    return np.stack([C.resize(ycc[..., c], (w, h)) for c in range(3)], -1)


def fit(thumb: np.ndarray, payload: int, p: C.Params):
    """Smallest step whose payload fits (bisection on log step)."""
    lo, hi = np.log(0.5), np.log(2048.0)
    best = None
    data, qs = C.encode(thumb, float(np.exp(hi)), p)
    if len(data) > payload:
        return None
    best = (float(np.exp(hi)), data, qs)
    for _ in range(9):
        mid = (lo + hi) / 2
        data, qs = C.encode(thumb, float(np.exp(mid)), p)
        if len(data) <= payload:
            best, hi = (float(np.exp(mid)), data, qs), mid
        else:
            lo = mid
    return best


def one_image(args):
    path, p = args
    rgb = np.asarray(Image.open(path).convert("RGB"))
    H, W = rgb.shape[:2]
    ycc = C.to_ycbcr(rgb)
    out = {}
    for budget in BUDGETS:
        payload = budget - CONTAINER_BYTES - C.HEADER_BYTES - PROMPT_BYTES
        trials = []
        for w in (QUICK_WIDTHS[budget],) if QUICK else WIDTHS:
            thumb = thumbnail(ycc, w)
            found = fit(thumb, payload, p)
            if found is None:
                continue
            step, data, qs = found
            rec = C.to_rgb(C.reconstruct(qs, step, p, (thumb.shape[1], thumb.shape[0])))
            up = (
                upsample.upsample(rec, (W, H), UP_KIND)
                if UP_KIND
                else np.asarray(Image.fromarray(rec).resize((W, H), UPSAMPLER))
            )
            trials.append((w, len(data) + CONTAINER_BYTES + C.HEADER_BYTES, up))
        trials.sort(key=lambda t: -psnr(rgb, t[2]))
        scored = [(w, size, all_metrics(rgb, up)) for w, size, up in trials[:4]]
        out[budget] = scored
    return path.name, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("images", type=Path)
    ap.add_argument("peers", type=Path)
    ap.add_argument("--limit", type=int)
    ap.add_argument(
        "--subset",
        choices=("all", "odd", "even"),
        default="all",
        help="odd: kodim01, 03, ... (the design half); even: the held-out half",
    )
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    paths = sorted(args.images.glob("*.png"))
    paths = {"all": paths, "odd": paths[0::2], "even": paths[1::2]}[args.subset][: args.limit]
    peers = json.loads(args.peers.read_text())
    with ProcessPoolExecutor(args.workers) as pool:
        results = dict(pool.map(one_image, [(p, PARAMS) for p in paths]))
    keys = ("psnr", "ms_ssim", "haarpsi")
    for budget in BUDGETS:
        cand_one, cand_oracle, best, wins = [], [], [], np.zeros(3)
        for name, per in results.items():
            scored = per[budget]
            one = scored[0][2]  # the encoder's pick: best PSNR
            oracle = {k: max(s[2][k] for s in scored) for k in keys}
            rows = [r for r in peers if r["image"] == name and r["budget"] == budget]
            rows = [r for r in rows if not r["method"].startswith("pcimg")]
            b = {k: max(r["metrics"][k] for r in rows) for k in keys}
            cand_one.append([one[k] for k in keys])
            cand_oracle.append([oracle[k] for k in keys])
            best.append([b[k] for k in keys])
            wins += [one[k] >= b[k] for k in keys]
        f = lambda a: " / ".join(f"{v:.4f}" if i else f"{v:.2f}" for i, v in enumerate(np.mean(a, 0)))
        widths = [per[budget][0][0] for per in results.values()]
        print(
            f"{budget} B: candidate (PSNR pick) {f(cand_one)} | oracle {f(cand_oracle)} | best classical {f(best)}"
            f" | wins {wins.astype(int).tolist()} of {len(results)} | median width {int(np.median(widths))}"
        )


if __name__ == "__main__":
    main()
