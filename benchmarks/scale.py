"""Time and peak memory of encode and decode from 0.4 to 96 megapixels (issue: codec v2).

Each measurement runs in a fresh process; memory is the process's peak resident set
(``ru_maxrss``, interpreter, numpy, Pillow and pcimg included: about 40 MiB before the
call). Inputs are JPEG photos (kodim23 upscaled, quality 90); decode is to the photo's own
size, next to a Pillow bicubic upsample of a 150-pixel picture to the same size (the goal:
at most 2x that).
Usage: python benchmarks/scale.py [--budget 983] [--sides 6000x4000 ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kodim23.png"
SIDES = ((768, 512), (1536, 1024), (3000, 2000), (6000, 4000), (12000, 8000))
CHILD = """
import json, resource, sys, time
from PIL import Image
import pcimg
task, path, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])
if task == "decode":
    data = open(path, "rb").read()
    pcimg.decode(data, size=(64, 64))  # first-call costs (imports, tables) once
    from pcimg.codec import wavelet_colour, wavelet_embedded
    wavelet_colour.working_image.cache_clear()  # and the timed decode decodes the payload again
    wavelet_embedded.working_image.cache_clear()
elif task == "bicubic":
    small = Image.new("RGB", (150, 100), "gray")
    w, h = int(sys.argv[4]), int(sys.argv[5])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if task == "encode":
    open(path + ".pci", "wb").write(pcimg.encode(path, max_bytes=budget))
elif task == "decode":
    pcimg.decode(data, max_pixels=None)
else:
    small.resize((w, h), Image.Resampling.BICUBIC)
elapsed = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mib": after / 1024, "before_mib": before / 1024}))
"""


MAKE = """
import sys
from PIL import Image
Image.open(sys.argv[1]).convert("RGB").resize((int(sys.argv[3]), int(sys.argv[4])), Image.Resampling.BICUBIC).save(
    sys.argv[2], quality=90)
"""


def child(*args: object) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=int, default=983)
    ap.add_argument("--sides", nargs="*", help="WxH sizes (default: 0.4 to 96 MP)")
    args = ap.parse_args()
    sides = [tuple(map(int, s.split("x"))) for s in args.sides] if args.sides else SIDES
    print("| size | MP | encode s | encode peak RSS MiB | decode s | decode peak RSS MiB | bicubic s | "
          "decode / bicubic |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for width, height in sides:
            path = Path(tmp) / f"photo-{width}x{height}.jpg"
            # made in a child: Linux carries a parent's peak RSS into its children (fork, then exec)
            subprocess.run([sys.executable, "-c", MAKE, str(EXAMPLE), str(path), str(width), str(height)], check=True)
            enc = child("encode", path, args.budget)
            dec = child("decode", f"{path}.pci", args.budget)
            bic = child("bicubic", path, args.budget, width, height)
            print(f"| {width}x{height} | {width * height / 1e6:.1f} | {enc['seconds']:.3f} | {enc['peak_mib']:.0f} | "
                  f"{dec['seconds']:.3f} | {dec['peak_mib']:.0f} | {bic['seconds']:.3f} | "
                  f"{dec['seconds'] / bic['seconds']:.2f}x |", flush=True)  # fmt: skip
            path.unlink()


if __name__ == "__main__":
    main()
