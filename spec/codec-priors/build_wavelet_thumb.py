"""Build spec/data/wavelet-thumb-priors-v1.json (and its copy in pcimg/data/): kind-4 context priors.

Kind 4 codes kind 3's bands for placeholders of 6-40 payload bytes, where a picture of 1-32
pixels is nearly all LL: kind 3's priors, trained at 147-983 bytes, expect detail bands. The
same counting as build_wavelet.py (each context's bits as the adaptive coder codes them from
one half), over the encoder's kind-4 search at these payload sizes, on the odd-numbered Kodak
images (the even ones are held out). Round 1 starts from kind 3's priors; round 2 encodes with
round 1's, as the encoder will.
Usage: python spec/codec-priors/build_wavelet_thumb.py [KODAK_DIR]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from build_wavelet import prior_tables
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "spec" / "data" / "wavelet-thumb-priors-v1.json"
PACKAGED = ROOT / "pcimg" / "data" / "wavelet-thumb-priors-v1.json"
PAYLOADS = (6, 8, 11, 14, 17, 20, 24, 30, 40)
ROUNDS = 2


def train(paths: list[Path]) -> dict:
    from pcimg.codec import thumb_search, wavelet_search
    from pcimg.codec import wavelet_thumb as T

    def decoded() -> Iterator[list]:
        for path in paths:
            array = np.asarray(Image.open(path).convert("RGB"))
            src = wavelet_search.source(array, "rgb")
            size = (array.shape[1], array.shape[0])
            for payload in PAYLOADS:
                found = thumb_search.search(src, payload, lambda d, n=payload: len(d.payload) <= n, size)
                if found is not None:
                    yield T.decode_payload(found[1].payload, "rgb", *size)[3]

    tables = prior_tables(decoded())
    return {"name": "wavelet-thumb-priors-v1", "trained_on": [p.name for p in paths], "payloads": list(PAYLOADS),
            **tables}  # fmt: skip


def main() -> None:
    from pcimg.primitives.data import packaged_json

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "images" / "kodak")
    paths = sorted(folder.glob("kodim*.png"))[0::2]  # kodim01, 03, ...: the design half
    start = json.loads((ROOT / "spec" / "data" / "wavelet-priors-v1.json").read_text("utf-8"))
    OUT.write_text(json.dumps(start, separators=(",", ":")) + "\n", "utf-8")  # round 1 starts from kind 3's
    PACKAGED.write_bytes(OUT.read_bytes())
    for round_ in range(ROUNDS):
        packaged_json.cache_clear()
        data = train(paths)
        OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
        PACKAGED.write_bytes(OUT.read_bytes())
        print(f"round {round_ + 1}: wrote {OUT} ({OUT.stat().st_size} bytes) from {len(paths)} images")


if __name__ == "__main__":
    main()
