"""Re-budgeting quality (issue 13): files cut or re-coded by `pcimg.rebudget` against encoding
the original directly at the same budget.

For each image, a 983-byte file is written twice, with the embedded base (kind 5) and with the
default base (kind 3), and each is re-budgeted to 700, 491, 300, 200 and 147 bytes: the kind-5
file cut at every budget (``method="cut"``) and as ``method="auto"`` does it (cut from a third of
its size, re-encoded from its own working picture below), the kind-3 file as "auto" does it
(re-coded as kind 5 and cut from 40% of its size, re-encoded below); "kind 5 + alternate" is a
983-byte kind-5 file that also stores a 147-byte alternate base layer (SPEC.md 6.9) out of its
bytes, re-budgeted as "auto" does (the alternate at 147 B); "kind 5 (983 B) + alternate" stores
the alternate beside a kind-5 stream of about 983 bytes (a file of 983 B plus the alternate's
~128) and is re-budgeted the same way; "direct" encodes the original at that budget with the
default encoder. The 983 B column is the file itself (re-budgeted to 983 B for the larger one).
No prompt (`captioner="none"`), so that only the picture counts. Means of PSNR / MS-SSIM /
HaarPSI over the images the codec's tables were not trained on (the even-numbered Kodak images)
and over the others, and the mean difference to direct.

Usage: python benchmarks/rebudget.py [IMAGES_DIR] [--workers N]   (default ../shared/images/kodak)
"""

from __future__ import annotations

import argparse
import statistics
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

import pcimg
from pcimg.bench.metrics import haarpsi, ms_ssim, psnr
from pcimg.codec.wavelet_coder import trained_on

SOURCE_BYTES = 983
TARGETS = (983, 700, 491, 300, 200, 147)
ALTERNATE = 147
ROWS = (
    "direct",
    "kind 5, cut",
    "kind 5, auto",
    "kind 3, auto",
    f"kind 5 + alternate {ALTERNATE} B, auto",
    f"kind 5 ({SOURCE_BYTES} B) + alternate {ALTERNATE} B, auto",
)


Scores = tuple[float, float, float]


def measure(path: Path) -> dict[str, dict[int, Scores]]:
    """Per row and target: (PSNR, MS-SSIM, HaarPSI) of the decode at the image's size."""
    rgb = np.asarray(Image.open(path).convert("RGB"))

    def scored(data: bytes) -> Scores:
        decoded = np.asarray(pcimg.decode(data))
        return psnr(rgb, decoded), ms_ssim(rgb, decoded), haarpsi(rgb, decoded)

    embedded = pcimg.encode(rgb, max_bytes=SOURCE_BYTES, base="embedded", captioner="none")
    default = pcimg.encode(rgb, max_bytes=SOURCE_BYTES, captioner="none")
    layered = pcimg.encode(rgb, max_bytes=SOURCE_BYTES, base="embedded", captioner="none", alternates=(ALTERNATE,))
    part = len(layered) - len(pcimg.write(pcimg.read(layered).replace(alternates=())))  # the alternates' bytes
    beside = pcimg.encode(
        rgb, max_bytes=SOURCE_BYTES + part, base="embedded", captioner="none", alternates=(ALTERNATE,)
    )
    out: dict[str, dict[int, Scores]] = {row: {} for row in ROWS}
    for target in TARGETS:
        out["direct"][target] = scored(pcimg.encode(rgb, max_bytes=target, captioner="none"))
        out["kind 5, cut"][target] = scored(pcimg.rebudget(embedded, target, method="cut"))
        out["kind 5, auto"][target] = scored(pcimg.rebudget(embedded, target))
        out["kind 3, auto"][target] = scored(pcimg.rebudget(default, target))
        out[ROWS[-2]][target] = scored(pcimg.rebudget(layered, target))
        out[ROWS[-1]][target] = scored(pcimg.rebudget(beside, target))
    return out


def report(title: str, results: list[dict]) -> None:
    if not results:
        return
    print(f"\n### {title}: {len(results)} images, PSNR dB / MS-SSIM / HaarPSI (difference to direct)\n")
    print("| | " + " | ".join(f"{t} B" for t in TARGETS) + " |")
    print("|---|" + "---|" * len(TARGETS))
    for row in ROWS:
        cells = []
        for target in TARGETS:
            means = [statistics.mean(r[row][target][k] for r in results) for k in range(3)]
            cell = f"{means[0]:.2f} / {means[1]:.4f} / {means[2]:.4f}"
            if row != "direct":
                d = [v - statistics.mean(r["direct"][target][k] for r in results) for k, v in enumerate(means)]
                cell += f" ({d[0]:+.2f} / {d[1]:+.4f} / {d[2]:+.4f})"
            cells.append(cell)
        print(f"| {row} | " + " | ".join(cells) + " |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("images", type=Path, nargs="?", default=Path("../shared/images/kodak"))
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    paths = sorted(args.images.glob("*.png"))
    with ProcessPoolExecutor(args.workers) as pool:
        results = dict(zip((p.name for p in paths), pool.map(measure, paths), strict=True))
    trained = trained_on()
    print(f"# Re-budgeting {SOURCE_BYTES}-byte files (`pcimg.rebudget`) against direct encodes")
    report("held out (tables not trained on them)", [r for name, r in results.items() if name not in trained])
    report("trained on", [r for name, r in results.items() if name in trained])


if __name__ == "__main__":
    main()
