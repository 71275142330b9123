"""Measure pcimg's real encoder and embedded decoder against the bench's peers, quickly.

Usage: python benchmarks/codec_v2/evaluate.py IMAGES_DIR PEERS_RESULTS_JSON
           [--subset all|odd|even] [--base wavelet|dct] [--[no-]texture] [--captioner none|descriptor]
           [--set module.NAME=value ...]
PEERS_RESULTS_JSON is `results.json` from `pcimg bench` on the same images. Prints per budget
the mean PSNR / MS-SSIM / HaarPSI of pcimg and of the best classical file per image and
metric, the per-image wins, and the median encode and decode time.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

import pcimg
from pcimg.bench.metrics import all_metrics
from pcimg.codec.parametric import render

BUDGETS = (147, 491, 983)
KEYS = ("psnr", "ms_ssim", "haarpsi")


def apply(settings: list[str]) -> None:
    """Experiment knobs: 'module.NAME=python-expression' under pcimg.codec, set in each worker."""
    import importlib

    for setting in settings:
        target, value = setting.split("=", 1)
        module, name = target.rsplit(".", 1)
        full = module if module.startswith("pcimg.") else f"pcimg.codec.{module}"
        setattr(importlib.import_module(full), name, eval(value))


def one_image(job: tuple[Path, dict]) -> tuple[str, dict]:
    path, options = job
    image = Image.open(path)
    rgb = np.asarray(image.convert("RGB"))
    out = {}
    for budget in BUDGETS:
        start = time.perf_counter()
        pci = pcimg.encode_pci(image, max_bytes=budget, **options)
        encoded = time.perf_counter()
        decoded = np.asarray(render(pci))
        done = time.perf_counter()
        kinds = {d.kind: len(d.payload) for d in pci.descriptors}
        out[budget] = {"metrics": all_metrics(rgb, decoded), "encode_s": encoded - start, "decode_s": done - encoded,
                       "kinds": kinds, "bytes": len(pcimg.format.container.write(pci))}  # fmt: skip
    return path.name, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("images", type=Path)
    ap.add_argument("peers", type=Path)
    ap.add_argument("--subset", choices=("all", "odd", "even"), default="even")
    ap.add_argument("--base", default="wavelet")
    ap.add_argument("--texture", action=argparse.BooleanOptionalAction, default=None)
    ap.add_argument("--captioner", default="none")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, help="write the per-image results here")
    ap.add_argument("--set", action="append", default=[], help="module.NAME=value, e.g. wavelet_colour.DEADZONE=0.6")
    args = ap.parse_args()
    paths = sorted(args.images.glob("*.png"))
    paths = {"all": paths, "odd": paths[0::2], "even": paths[1::2]}[args.subset]
    options = {"captioner": args.captioner, "texture": args.texture, "base": args.base}
    peers = json.loads(args.peers.read_text())
    with ProcessPoolExecutor(args.workers, initializer=apply, initargs=(args.set,)) as pool:
        results = dict(pool.map(one_image, [(p, options) for p in paths]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    for budget in BUDGETS:
        ours, best, wins = [], [], np.zeros(3, dtype=int)
        for name, per in results.items():
            rows = [r for r in peers if r["image"] == name and r["budget"] == budget]
            rows = [r for r in rows if not r["method"].startswith("pcimg")]
            b = [max(r["metrics"][k] for r in rows) for k in KEYS]
            o = [per[budget]["metrics"][k] for k in KEYS]
            ours.append(o)
            best.append(b)
            wins += [x >= y for x, y in zip(o, b, strict=True)]

        def f(a: list) -> str:
            return " / ".join(f"{v:.4f}" if i else f"{v:.2f}" for i, v in enumerate(np.mean(a, 0)))

        enc = np.median([per[budget]["encode_s"] for per in results.values()]) * 1000
        dec = np.median([per[budget]["decode_s"] for per in results.values()]) * 1000
        size = np.mean([per[budget]["bytes"] for per in results.values()])
        print(f"{budget} B: pcimg {f(ours)} | best classical {f(best)} | wins {wins.tolist()} of {len(results)}"
              f" | mean file {size:.0f} B | median encode {enc:.0f} ms, decode {dec:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
