"""Images per second decoding through the tiny diffusers pipeline: --jobs 1, --jobs N, Ray.

Builds the tiny Stable Diffusion of tests/tiny_models.py (random weights, real diffusers
loading path) in a temporary model folder, encodes COUNT photos that name it as their
generator (img2img, 2 steps), then times `pcimg decode --model-dir DIR` over them. Each
worker process loads the weights once (pcimg keeps loaded models per process), so the
start-up is part of what is measured, as a user sees it.
Usage: python benchmarks/parallel_models.py [--count 12] [--jobs N] [--no-ray]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from parallel import digests, runs  # noqa: E402
from PIL import Image  # noqa: E402
from tiny_models import SD_ID, build_sd  # noqa: E402

import pcimg  # noqa: E402
from pcimg import Recipe  # noqa: E402
from pcimg.cli.parallel import default_jobs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--jobs", type=int, default=default_jobs())
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_sd(root / "models")
        pcimg.configure_models(model_dirs=[root / "models"], use_hf_cache=False, progress=False)
        photo = Image.open(ROOT / "examples" / "kodim23.png").resize((192, 128))
        files = []
        for i in range(args.count):
            pci = pcimg.encode_pci(photo.rotate(7 * i), prompt="two parrots", generator=SD_ID, max_bytes=300,
                                   recipe=Recipe(steps=2, strength_permille=1000))  # fmt: skip
            files.append(root / f"p{i}.pci")
            pcimg.save(pci, files[-1])
        print(f"{args.count} files, tiny SD img2img 2 steps")
        print("| run | wall s | images/s | same pixels as --jobs 1 |")
        print("|---|---|---|---|")
        baseline = None
        for index, (name, flags) in enumerate(runs(args.jobs, not args.no_ray).items()):
            out = root / f"out{index}"
            command = ["decode", *map(str, files), "-o", f"{out}/", "--model-dir", str(root / "models"),
                       "--no-hf-cache", *flags]  # fmt: skip
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pcimg", *command], check=True, capture_output=True)
            wall = time.perf_counter() - start
            found = digests(out)
            baseline = baseline or found
            print(f"| {name} | {wall:.2f} | {args.count / wall:.2f} | {found == baseline} |")


if __name__ == "__main__":
    main()
