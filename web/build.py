"""Copy the normative priors of kinds 3 (versions 1 and 2), 4, 5 (versions 1-3) and 1 into web/pci.mjs (between
its PRIORS markers). Kind 5 version 3's tables are mostly untrained contexts at 1024: a run of them is written as
its negative length, which the module's ``expandRuns`` undoes.

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
EMBEDDED_PRIORS_V2 = ROOT / "spec" / "data" / "wavelet-embedded-priors-v2.json"
UNTRAINED = 1024
DCT_PRIORS = ROOT / "spec" / "data" / "dct-priors-v1.json"
BEGIN, END = "// BEGIN PRIORS\n", "// END PRIORS\n"


def render() -> str:
    def planes(path: Path) -> str:
        data = json.loads(path.read_text("utf-8"))
        return json.dumps({plane: data[plane] for plane in ("luma", "chroma")}, separators=(",", ":"))

    def runs(values: list) -> list:
        out: list = []
        for value in values:
            if isinstance(value, list):
                out.append(runs(value))
            elif value == UNTRAINED and out and isinstance(out[-1], int) and out[-1] < 0:
                out[-1] -= 1
            else:
                out.append(-1 if value == UNTRAINED else value)
        return out

    def planes_in_runs(path: Path) -> str:
        data = json.loads(path.read_text("utf-8"))
        tables = {plane: {name: runs(table) for name, table in data[plane].items()} for plane in ("luma", "chroma")}
        return json.dumps(tables, separators=(",", ":"))

    dct = json.loads(DCT_PRIORS.read_text("utf-8"))
    dct_tables = {name: dct[name] for name in ("last", "zero", "mag")}
    return (f"const PRIORS = {planes(PRIORS)};\n"
            f"const PRIORS_V2 = {planes(PRIORS_V2)};\n"
            f"const THUMB_PRIORS = {planes(THUMB_PRIORS)};\n"
            f"const EMBEDDED_PRIORS = {planes(EMBEDDED_PRIORS)};\n"
            f"const EMBEDDED_PRIORS_V2 = expandRuns({planes_in_runs(EMBEDDED_PRIORS_V2)});\n"
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
