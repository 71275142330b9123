"""Copy the normative priors of kinds 3 (versions 1 and 2), 4, 5 and 1 into web/pci.mjs (between its PRIORS markers).

Usage: python web/build.py [--check]   (--check exits 1 when the copy differs from spec/data)
The module stays dependency-free: a browser loads one file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "web" / "pci.mjs"
PRIORS = ROOT / "spec" / "data" / "wavelet-priors-v1.json"
PRIORS_V2 = ROOT / "spec" / "data" / "wavelet-priors-v2.json"
THUMB_PRIORS = ROOT / "spec" / "data" / "wavelet-thumb-priors-v1.json"
EMBEDDED_PRIORS = ROOT / "spec" / "data" / "wavelet-embedded-priors-v1.json"
DCT_PRIORS = ROOT / "spec" / "data" / "dct-priors-v1.json"
BEGIN, END = "// BEGIN PRIORS\n", "// END PRIORS\n"


def render() -> str:
    def planes(path: Path) -> str:
        data = json.loads(path.read_text("utf-8"))
        return json.dumps({plane: data[plane] for plane in ("luma", "chroma")}, separators=(",", ":"))

    dct = json.loads(DCT_PRIORS.read_text("utf-8"))
    dct_tables = {name: dct[name] for name in ("last", "zero", "mag")}
    return (f"const PRIORS = {planes(PRIORS)};\n"
            f"const PRIORS_V2 = {planes(PRIORS_V2)};\n"
            f"const THUMB_PRIORS = {planes(THUMB_PRIORS)};\n"
            f"const EMBEDDED_PRIORS = {planes(EMBEDDED_PRIORS)};\n"
            f"const DCT_PRIORS = {json.dumps(dct_tables, separators=(',', ':'))};\n")  # fmt: skip


def spliced(text: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + render() + text[end:]


def main() -> int:
    text = MODULE.read_text("utf-8")
    if "--check" in sys.argv:
        ok = spliced(text) == text
        print("web/pci.mjs priors match spec/data" if ok else "web/pci.mjs priors differ from spec/data")
        return 0 if ok else 1
    MODULE.write_text(spliced(text), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
