"""Baseline for codec v2: AV1 intra payload (the AVIF file's `mdat`) with pcimg's container cost.

AVIF spends ~275 bytes on boxes; the AV1 bitstream inside (sequence header + frame OBUs, in
`mdat`) is what a pcimg descriptor kind would store. For each image and budget: the best
quality x downscale whose mdat + CONTAINER_BYTES fits, decoded by Pillow and enlarged with
the same upsampler as the candidate. Usage: python av1_payload.py IMAGES_DIR [--subset even]
"""

from __future__ import annotations

import argparse
import io
import struct
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from pcimg.bench.metrics import all_metrics, psnr

BUDGETS = (147, 491, 983)
CONTAINER_BYTES = 29 + 4  # as the wavelet candidate: pcimg container + a 4-byte kind header
SCALES = (1 / 4, 1 / 5, 1 / 6, 1 / 8, 1 / 10, 1 / 12, 1 / 16, 1 / 20, 1 / 24)


def mdat_size(data: bytes) -> int:
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"mdat":
            return size - 8
        pos += size
    raise ValueError("no mdat box")


def encode(small: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    small.save(out, "AVIF", quality=quality, speed=4)
    return out.getvalue()


def one_image(path: Path):
    image = Image.open(path).convert("RGB")
    rgb = np.asarray(image)
    result = {}
    for budget in BUDGETS:
        trials = []
        for scale in SCALES:
            small = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
            lo, hi = 0, 100
            if mdat_size(encode(small, lo)) + CONTAINER_BYTES > budget:
                continue
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if mdat_size(encode(small, mid)) + CONTAINER_BYTES <= budget:
                    lo = mid
                else:
                    hi = mid - 1
            data = encode(small, lo)
            up = np.asarray(Image.open(io.BytesIO(data)).convert("RGB").resize(image.size, Image.Resampling.LANCZOS))
            trials.append((scale, mdat_size(data) + CONTAINER_BYTES, up))
        trials.sort(key=lambda t: -psnr(rgb, t[2]))
        scored = [all_metrics(rgb, up) for _, _, up in trials[:3]]
        result[budget] = {k: max(s[k] for s in scored) for k in ("psnr", "ms_ssim", "haarpsi")}
        result[budget]["pick"] = all_metrics(rgb, trials[0][2]) if trials else None
        result[budget]["scale"] = trials[0][0] if trials else None
    return path.name, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("images", type=Path)
    ap.add_argument("--subset", choices=("all", "odd", "even"), default="all")
    args = ap.parse_args()
    paths = sorted(args.images.glob("*.png"))
    paths = {"all": paths, "odd": paths[0::2], "even": paths[1::2]}[args.subset]
    with ProcessPoolExecutor(2) as pool:
        results = dict(pool.map(one_image, paths))
    for budget in BUDGETS:
        rows = [r[budget] for r in results.values() if r[budget]["pick"]]
        pick = np.mean([[r["pick"][k] for k in ("psnr", "ms_ssim", "haarpsi")] for r in rows], 0)
        oracle = np.mean([[r[k] for k in ("psnr", "ms_ssim", "haarpsi")] for r in rows], 0)
        print(
            f"{budget} B: AV1 payload (PSNR pick) {pick[0]:.2f} / {pick[1]:.4f} / {pick[2]:.4f} | "
            f"per-metric oracle {oracle[0]:.2f} / {oracle[1]:.4f} / {oracle[2]:.4f} | {len(rows)} images"
        )


if __name__ == "__main__":
    main()
