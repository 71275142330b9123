"""`pcimg bench`: the embedded codec against JPEG, WebP, AVIF and JPEG XL on your images."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import PciError
from .common import EXIT_OK, bounded_int


def bench_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--images", type=Path, required=True, help="folder of images (PNG, JPEG, ...; any size)")
    p.add_argument("--out", type=Path, default=Path("bench-results"), help="output folder")
    p.add_argument("--budgets", default="147,491,983", help="comma-separated byte budgets")
    p.add_argument("--limit", type=bounded_int(1), help="only the first N images")
    p.add_argument("--workers", type=bounded_int(1), default=2)


def bench(args: argparse.Namespace) -> int:
    """Benchmark against JPEG/WebP/AVIF/JPEG XL at equal byte budgets (needs pcimg[bench])."""
    # The one import inside a function: pcimg.bench needs the optional bench extra (scipy,
    # matplotlib), and the other commands must work without it.
    try:
        from ..bench.run import run
    except ImportError as exc:
        raise PciError(f"pcimg bench needs the bench extra ({exc.name} is missing): pip install 'pcimg[bench]'",
                       field="bench") from None  # fmt: skip

    budgets = tuple(int(b) for b in args.budgets.split(","))
    print(run(args.images, args.out, budgets, args.limit, args.workers))
    print(f"\nwritten to {args.out}/ (results.md, results.json, rd-*.png, contact-sheet.png)")
    return EXIT_OK
