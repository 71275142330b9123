"""Placeholders: pcimg's bare form against ThumbHash at ThumbHash's own byte count, per image.

ThumbHash runs through its reference implementation (npm `thumbhash` 0.1.1, installed on
first use under benchmarks/.node/ with npm; needs node): the image box-downscaled to 100 px,
as its README does; its decode upscaled bicubically to the full size. pcimg writes a bare
form of exactly ThumbHash's byte count, once stating the image's own size and once a
96-pixel one of the same aspect ratio (`declared_size`), and is decoded at the full size.
"@64": both sides box-downscaled to a 64-pixel long side (a placeholder is seen small).
Kind 4's priors were trained on the odd-numbered Kodak images: means are given per half.

Usage: python benchmarks/placeholders.py [IMAGES_DIR [SHEET.png]]   (default ../shared/images/kodak)
SHEET.png: for kodim03, 04, 08, 15, 23 (or the first five): the original, ThumbHash, pcimg
stating the image's size, pcimg declaring 96 px, each drawn 192 px wide.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

import pcimg
from pcimg.bench.metrics import ms_ssim, psnr

NODE_DIR = Path(__file__).resolve().parent / ".node"
THUMBHASH = "thumbhash@0.1.1"
SCRIPT = """
import { rgbaToThumbHash, thumbHashToRGBA } from "thumbhash";
import fs from "fs";
const [,, input, w, h, output] = process.argv;
const hash = rgbaToThumbHash(+w, +h, new Uint8Array(fs.readFileSync(input)));
const image = thumbHashToRGBA(hash);
fs.writeFileSync(output, JSON.stringify({ hash: Array.from(hash), w: image.w, h: image.h,
  rgba: Buffer.from(image.rgba).toString("base64") }));
"""


def thumbhash_runner() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        sys.exit("ThumbHash's reference implementation needs node and npm")
    if not (NODE_DIR / "node_modules" / "thumbhash").exists():
        subprocess.run(["npm", "install", "--prefix", str(NODE_DIR), THUMBHASH], check=True, capture_output=True)
    script = NODE_DIR / "thumbhash_run.mjs"
    script.write_text(SCRIPT, "utf-8")
    return script


def thumbhash(script: Path, image: Image.Image) -> tuple[int, Image.Image]:
    scale = 100 / max(image.size)
    small = image.convert("RGBA").resize(
        (max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.BOX
    )
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "in.raw", Path(folder) / "out.json"
        raw.write_bytes(small.tobytes())
        subprocess.run(["node", str(script), str(raw), str(small.width), str(small.height), str(out)], check=True)
        result = json.loads(out.read_text())
    import base64

    decoded = Image.frombytes("RGBA", (result["w"], result["h"]), base64.b64decode(result["rgba"])).convert("RGB")
    return len(result["hash"]), decoded


def at64(array: np.ndarray) -> np.ndarray:
    image = Image.fromarray(array)
    scale = 64 / max(image.size)
    return np.asarray(image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BOX))


def scores(reference: np.ndarray, decoded: np.ndarray) -> tuple[float, float]:
    return psnr(at64(reference), at64(decoded)), ms_ssim(reference, decoded)


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/images/kodak")
    paths = sorted(folder.glob("*.png"))
    script = thumbhash_runner()
    rows = []
    sheet_rows: list[list[Image.Image]] = []
    wanted = {"kodim03", "kodim04", "kodim08", "kodim15", "kodim23"} & {p.stem for p in paths} or {
        p.stem for p in paths[:5]
    }
    print("| image | bytes | ThumbHash PSNR@64 / MS-SSIM | pcimg, own size | pcimg, declared 96 px | encode ms |")
    print("|---|---|---|---|---|---|")
    for index, path in enumerate(paths):
        image = Image.open(path).convert("RGB")
        reference = np.asarray(image)
        size, placeholder = thumbhash(script, image)
        theirs = scores(reference, np.asarray(placeholder.resize(image.size, Image.Resampling.BICUBIC)))
        scale = 96 / max(image.size)
        declared = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        ours = []
        start = time.perf_counter()
        tile = (192, max(1, round(192 * image.height / image.width)))
        row = [image.resize(tile, Image.Resampling.LANCZOS), placeholder.resize(tile, Image.Resampling.BICUBIC)]
        for options in ({}, {"declared_size": declared}):
            data = pcimg.encode(image, max_bytes=size, bare=True, captioner="none", **options)
            assert len(data) <= size
            ours.append(scores(reference, np.asarray(pcimg.decode(data, bare=True, size=image.size))))
            row.append(pcimg.decode(data, bare=True, size=tile))
        if path.stem in wanted:
            sheet_rows.append(row)
        millis = 1000 * (time.perf_counter() - start) / 2
        rows.append((index % 2, size, theirs, *ours))
        cells = " | ".join(f"{p:.2f} / {m:.3f}" for p, m in (theirs, *ours))
        print(f"| {path.stem} | {size} | {cells} | {millis:.0f} |")
    for half, name in ((0, "design (odd, priors trained on these)"), (1, "held out (even)"), (None, "all")):
        chosen = [r for r in rows if half is None or r[0] == half]
        print(f"\n{name}, {len(chosen)} images, mean bytes {statistics.mean(r[1] for r in chosen):.1f}:")
        for label, column in (("ThumbHash", 2), ("pcimg, own size", 3), ("pcimg, declared 96 px", 4)):
            p = statistics.mean(r[column][0] for r in chosen)
            m = statistics.mean(r[column][1] for r in chosen)
            wins = sum(r[column][0] >= r[2][0] + 0.5 and r[column][1] >= r[2][1] for r in chosen)
            extra = f", +0.5 dB and MS-SSIM >= ThumbHash on {wins} of {len(chosen)}" if column > 2 else ""
            print(f"  {label}: PSNR@64 {p:.2f} dB, MS-SSIM {m:.3f}{extra}")
    if len(sys.argv) > 2:
        write_sheet(sheet_rows, Path(sys.argv[2]))


def write_sheet(rows: list[list[Image.Image]], path: Path) -> None:
    """Rows of (original, ThumbHash, pcimg own size, pcimg declared 96 px)."""
    height = sum(r[0].height for r in rows) + 16
    sheet = Image.new("RGB", (4 * 194, height), "white")
    draw = ImageDraw.Draw(sheet)
    for i, label in enumerate(("original", "ThumbHash", "pcimg", "pcimg, declared 96 px")):
        draw.text((i * 194 + 4, 2), label, fill="black")
    y = 16
    for row in rows:
        for i, tile in enumerate(row):
            sheet.paste(tile.convert("RGB"), (i * 194, y))
        y += row[0].height
    sheet.save(path)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
