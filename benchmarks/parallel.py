"""Wall time of `pcimg encode` and `pcimg decode` over a folder at --jobs 1 and --jobs N.

Usage: python benchmarks/parallel.py IMAGES_DIR [--jobs N] [--max-bytes B]
Each run is a fresh `pcimg` process (start-up and worker start included, as a user sees it);
the outputs of both runs are compared byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pcimg.cli.parallel import default_jobs


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pcimg", *command], check=True, capture_output=True)
    return time.perf_counter() - start


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("images", type=Path)
    ap.add_argument("--jobs", type=int, default=default_jobs())
    ap.add_argument("--max-bytes", type=int, default=491)
    args = ap.parse_args()
    images = sorted(str(p) for p in args.images.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    print(f"{len(images)} images, {args.max_bytes} bytes, jobs 1 vs {args.jobs}")
    print("| step | --jobs 1 s | --jobs N s | ratio | images/s at N | same bytes |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        times = {}
        for jobs in (1, args.jobs):
            pci, png = root / f"pci{jobs}", root / f"png{jobs}"
            encode = timed(
                ["encode", *images, "-o", f"{pci}/", "--max-bytes", str(args.max_bytes), "--jobs", str(jobs)]
            )
            files = sorted(str(p) for p in pci.iterdir())
            decode = timed(["decode", *files, "-o", f"{png}/", "--jobs", str(jobs)])
            times[jobs] = (encode, decode, digests(pci), digests(png))
        for index, step in enumerate(("encode", "decode")):
            one, many = times[1][index], times[args.jobs][index]
            same = times[1][index + 2] == times[args.jobs][index + 2]
            print(f"| {step} | {one:.2f} | {many:.2f} | {many / one:.2f} | {len(images) / many:.1f} | {same} |")


if __name__ == "__main__":
    main()
