"""Prompt coding benchmark: mean payload bytes and bits per character per codec.

Usage: python benchmarks/prompt_codecs.py [CAPTIONS_CSV ...]
Defaults to the caption test split (report only; nothing is tuned on it) and the train split.
The "stored" row is what the prompt part's payload costs in a .pci file (codec byte and
declared length included), for the smallest codec per prompt ("best"); the "in a file" row is
what a person's prompt adds to a file as ``pcimg.encode(..., prompt=text)`` writes it (part
type and length too, and no manifest entry since format 1.4).
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
import zlib
from pathlib import Path

import brotli

from pcimg import Descriptor, PciFile, Prompt, write
from pcimg.format import prompt_codecs as pc
from pcimg.format.registry import PROMPT_CODECS

DEFAULT = [Path("../shared/captions/test-qwen.csv"), Path("../shared/captions/train-gpt4v.csv")]


def read(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def report(path: Path) -> None:
    texts = read(path)
    chars = statistics.mean(len(t) for t in texts)
    raw_bytes = statistics.mean(len(t.encode()) for t in texts)
    rows = {
        "zlib-9": [len(zlib.compress(t.encode(), 9)) for t in texts],
        "brotli-11": [len(brotli.compress(t.encode(), quality=11)) for t in texts],
    }
    for code in pc.available():
        name = PROMPT_CODECS.by_code(code).name
        rows[name] = [len(pc.encode_prompt(t, code)) for t in texts]
    brotli_mean = statistics.mean(rows["brotli-11"])
    print(f"\n## {path.name}: {len(texts)} prompts, {chars:.1f} characters ({raw_bytes:.1f} UTF-8 bytes) on average\n")
    print("| codec | mean payload bytes | bits/char | vs brotli-11 |")
    print("|---|---|---|---|")
    for name, sizes in rows.items():
        mean = statistics.mean(sizes)
        print(f"| {name} | {mean:.1f} | {8 * mean / chars:.2f} | {mean / brotli_mean:.3f} |")
    stored = [Prompt.smallest(t).stored_size for t in texts]
    print(f"| best per prompt, as stored (codec byte + length) | {statistics.mean(stored):.1f} | "
          f"{8 * statistics.mean(stored) / chars:.2f} | {statistics.mean(stored) / brotli_mean:.3f} |")  # fmt: skip
    image = PciFile(768, 512, descriptors=(Descriptor(3, 1, 0, bytes(400)),))
    in_file = [len(write(image.replace(prompt=Prompt.smallest(t)))) - len(write(image)) for t in texts]
    print(f"| best per prompt, in a file (part type and length too) | {statistics.mean(in_file):.1f} | "
          f"{8 * statistics.mean(in_file) / chars:.2f} | {statistics.mean(in_file) / brotli_mean:.3f} |")  # fmt: skip
    for name in ("pcimg-en-v1", "pcimg-en-v2"):
        model = PROMPT_CODECS.code(name)
        start = time.perf_counter()
        payloads = [pc.encode_prompt(t, model) for t in texts]
        middle = time.perf_counter()
        for t, p in zip(texts, payloads, strict=True):
            pc.decode_prompt(model, len(t.encode()), p)
        end = time.perf_counter()
        print(f"\n{name}: encode {1e6 * (middle - start) / len(texts):.0f} µs, "
              f"decode {1e6 * (end - middle) / len(texts):.0f} µs per prompt", end="")  # fmt: skip
    print()


def main() -> None:
    for path in [Path(p) for p in sys.argv[1:]] or DEFAULT:
        report(path)


if __name__ == "__main__":
    main()
