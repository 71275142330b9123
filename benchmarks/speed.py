"""Single-process timings: container parse/write, Pillow open, re-budget, codec encode/decode.

Usage: python benchmarks/speed.py [KODAK_DIR]   (pins itself to one CPU core where it can)
"""

from __future__ import annotations

import io
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

from PIL import Image

import pcimg
from pcimg.codec.parametric import render

BUDGETS = (147, 491, 983)


def per_call(fn, repeat: int) -> float:
    """Median seconds per call over 5 batches of ``repeat`` calls."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        times.append((time.perf_counter() - start) / repeat)
    return statistics.median(times)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/images/kodak")
    paths = sorted(folder.glob("*.png")) or [Path("examples/kodim23.png")]
    images = [Image.open(p).convert("RGB") for p in paths]
    print(f"{len(images)} images from {folder}, one core\n")

    sample = pcimg.write(pcimg.encode_pci(images[-1], max_bytes=491))
    minimal = pcimg.write(pcimg.PciFile(1, 1, prompt=pcimg.Prompt.from_text("", "raw")))
    pci = pcimg.read(sample)
    print("| container | µs per call |\n|---|---|")
    parse_us = 1e6 * per_call(lambda: pcimg.read(sample), 500)
    print(f"| parse a {len(sample)}-byte file ({len(pci.part_sizes) - 4} parts) | {parse_us:.0f} |")
    write_us = 1e6 * per_call(lambda: pcimg.write(pci), 500)
    print(f"| write it (its prompt and manifest built once, then memoised) | {write_us:.0f} |")
    print(f"| parse the minimal file ({len(minimal)} bytes) | {1e6 * per_call(lambda: pcimg.read(minimal), 500):.0f} |")

    png = io.BytesIO()
    images[-1].save(png, "PNG")
    png_bytes = png.getvalue()

    def open_size(data: bytes) -> None:
        with Image.open(io.BytesIO(data)) as im:
            im.size  # noqa: B018

    def open_info(data: bytes) -> None:
        with Image.open(io.BytesIO(data)) as im:
            im.size, im.info  # noqa: B018

    print(f"| Image.open + size, .pci (header only) | {1e6 * per_call(lambda: open_size(sample), 500):.0f} |")
    print(f"| Image.open + size, PNG of the same image | {1e6 * per_call(lambda: open_size(png_bytes), 500):.0f} |")

    print(f"| Image.open + size + info, .pci | {1e6 * per_call(lambda: open_info(sample), 500):.0f} |")
    print(
        f"| Image.open + size + info, PNG of the same image | {1e6 * per_call(lambda: open_info(png_bytes), 500):.0f} |"
    )

    # eight different files in turn: a server re-budgets many files, so each call meets a new
    # prompt (the writer memoises small parts by value; a repeated file would be all hits)
    print("\n| re-budget 983-byte files (bytes in, bytes out; 8 files in turn) | ms per call |\n|---|---|")
    for captioner in ("none", "descriptor"):
        files = [pcimg.encode(image, captioner=captioner, max_bytes=983, base="embedded") for image in images[-8:]]
        for budget in (491, 147):
            turn = itertools.cycle(files)
            ms = 1e3 * per_call(lambda b=budget, t=turn: pcimg.rebudget(next(t), b), 48)
            prompt = "no prompt" if captioner == "none" else "descriptor prompt"
            print(f"| kind 5 cut to {budget} B, {prompt} | {ms:.2f} |")
    kind3 = pcimg.encode(images[-1], captioner="none", max_bytes=983)
    ms = 1e3 * per_call(lambda: pcimg.rebudget(kind3, 491), 3)
    print(f"| kind 3 re-coded as kind 5 and cut to 491 B | {ms:.1f} |")

    print("\n| budget | encode ms (mean, max) | decode ms (mean, max) |\n|---|---|---|")
    for budget in BUDGETS:
        enc, dec = [], []
        for image in images:
            start = time.perf_counter()
            encoded = pcimg.encode_pci(image, max_bytes=budget)
            enc.append(time.perf_counter() - start)
            start = time.perf_counter()
            render(encoded)
            dec.append(time.perf_counter() - start)
        print(f"| {budget} | {1e3 * statistics.mean(enc):.1f}, {1e3 * max(enc):.1f} | "
              f"{1e3 * statistics.mean(dec):.1f}, {1e3 * max(dec):.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
