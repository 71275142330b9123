"""Peak memory per output pixel of the embedded decoder, from 1 to 256 megapixels.

Each size runs in a fresh process; the figure is the growth of its peak resident set
(``ru_maxrss``) over the decode, so Pillow's and numpy's memory both count.
Usage: python benchmarks/decode_memory.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kodim23.png"
SIDES = ((1224, 816), (2448, 1632), (4896, 3264), (8192, 5461), (12288, 8192), (16384, 10923), (16384, 16384))
CHILD = """
import json, resource, sys, time
from PIL import Image
import pcimg
pci = pcimg.encode_pci(Image.open(sys.argv[1]), max_bytes=983)
pcimg.decode(pci, size=(64, 64))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
pcimg.decode(pci, size=(int(sys.argv[2]), int(sys.argv[3])), max_pixels=None)
elapsed = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "grown_kib": after - before}))
"""


def main() -> None:
    print("| output | megapixels | seconds | peak growth MiB | bytes per pixel |\n|---|---|---|---|---|")
    for width, height in SIDES:
        out = subprocess.run([sys.executable, "-c", CHILD, str(EXAMPLE), str(width), str(height)],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        result = json.loads(out.strip().splitlines()[-1])
        pixels = width * height
        grown = result["grown_kib"] * 1024
        print(f"| {width}x{height} | {pixels / 1e6:.1f} | {result['seconds']:.2f} | {grown / 2**20:.0f} | "
              f"{grown / pixels:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
