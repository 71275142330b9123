"""Build spec/data/wavelet-embedded-priors-v1.json (and its copy in pcimg/data/): kind-5 priors.

Kind 5 codes the indices kind 3's encoder chooses, so the training pictures are the kind-3
encoder's at the benchmark budgets on the odd-numbered Kodak images (the even ones are held
out). Each context's starting probability is its bits' frequency as the kind-5 traversal codes
them, counted as build_wavelet.py counts kind 3's. The traversal and its contexts do not
depend on the probabilities, so one round suffices.
Usage: python spec/codec-priors/build_wavelet_embedded.py [KODAK_DIR]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from build_wavelet import prior_tables
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "spec" / "data" / "wavelet-embedded-priors-v1.json"
PACKAGED = ROOT / "pcimg" / "data" / "wavelet-embedded-priors-v1.json"
BUDGETS = (147, 300, 491, 700, 983)


def train(paths: list[Path]) -> dict:
    import pcimg
    from pcimg.codec import wavelet_colour as W
    from pcimg.codec import wavelet_embedded as E

    def pictures() -> Iterator[tuple[int, int, list]]:
        for path in paths:
            image = Image.open(path)
            for budget in BUDGETS:
                pci = pcimg.encode_pci(image, captioner="none", texture=False, max_bytes=budget)
                entry = pci.descriptor(W.KIND)
                yield W.decode_payload(entry.payload, pci.colour, entry.version)

    def code(encoder: object, contexts: dict, picture: tuple[int, int, list]) -> None:
        width, height, planes = picture
        pair = (contexts["luma"], contexts["chroma"])
        E.encode_payload(width, height, planes, coder=encoder, contexts=pair, version=1)  # the priors' traversal

    tables = prior_tables(pictures(), lambda t: E.Contexts(t, uniform=True), E.SIZES, code)
    return {"name": "wavelet-embedded-priors-v1", "trained_on": [p.name for p in paths], "budgets": list(BUDGETS),
            **tables}  # fmt: skip


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "images" / "kodak")
    paths = sorted(folder.glob("kodim*.png"))[0::2]  # kodim01, 03, ...: the design half
    data = train(paths)
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
    PACKAGED.write_bytes(OUT.read_bytes())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) from {len(paths)} images")


if __name__ == "__main__":
    main()
