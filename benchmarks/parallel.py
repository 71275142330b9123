"""Wall time of `pcimg encode` and `pcimg decode` over a folder at --jobs 1, --jobs N and
--engine ray (a local Ray cluster started by the command, with the ray extra).

Usage: python benchmarks/parallel.py IMAGES_DIR [--jobs N] [--max-bytes B] [--no-ray]
Each run is a fresh `pcimg` process (start-up, worker and cluster start included, as a user
sees it); the outputs of every run are compared byte for byte with --jobs 1's.
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


def runs(jobs: int, ray: bool) -> dict[str, list[str]]:
    """The command-line flags of each compared run, by name."""
    chosen = {"--jobs 1": ["--jobs", "1"], f"--jobs {jobs}": ["--jobs", str(jobs)]}
    return chosen | ({"--engine ray": ["--engine", "ray"]} if ray else {})


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("images", type=Path)
    ap.add_argument("--jobs", type=int, default=default_jobs())
    ap.add_argument("--max-bytes", type=int, default=491)
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    images = sorted(str(p) for p in args.images.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    print(f"{len(images)} images, {args.max_bytes} bytes")
    print("| step | run | wall s | x --jobs 1 | images/s | same bytes as --jobs 1 |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        results = {}
        for index, (name, flags) in enumerate(runs(args.jobs, not args.no_ray).items()):
            pci, png = root / f"pci{index}", root / f"png{index}"
            budget = ["--max-bytes", str(args.max_bytes)]
            encode = timed(["encode", *images, "-o", f"{pci}/", *budget, *flags])
            decode = timed(["decode", *sorted(str(p) for p in pci.iterdir()), "-o", f"{png}/", *flags])
            results[name] = {"encode": (encode, digests(pci)), "decode": (decode, digests(png))}
        for step in ("encode", "decode"):
            base_time, base_digests = results["--jobs 1"][step]
            for name, per in results.items():
                wall, found = per[step]
                print(f"| {step} | {name} | {wall:.2f} | {wall / base_time:.2f} | {len(images) / wall:.1f} | "
                      f"{found == base_digests} |")  # fmt: skip
    if not args.no_ray:
        start, per_task = ray_overhead()
        print(f"Ray: {start:.2f} s to start a local cluster, {1e3 * per_task:.1f} ms per task on a warm one")


def ray_overhead(tasks: int = 400) -> tuple[float, float]:
    """(seconds to start a local cluster, seconds per trivial task through ray_ordered_map)."""
    import math

    import ray

    from pcimg.distributed import ray_ordered_map

    start = time.perf_counter()
    ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
    started = time.perf_counter()
    list(ray_ordered_map(math.factorial, [1] * 20))  # warm the workers
    begin = time.perf_counter()
    list(ray_ordered_map(math.factorial, [1] * tasks))
    per_task = (time.perf_counter() - begin) / tasks
    ray.shutdown()
    return started - start, per_task


if __name__ == "__main__":
    main()
