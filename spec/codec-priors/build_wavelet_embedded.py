"""Build spec/data/wavelet-embedded-priors-v2.json (and its copy in pcimg/data/): kind-5 priors.

Kind 5 codes the indices kind 3's encoder chooses, so the training pictures are the kind-3
encoder's at the benchmark budgets on the odd-numbered Kodak images (the even ones are held
out). Each context's starting probability is its bits' frequency as the kind-5 traversal codes
them, counted as build_wavelet.py counts kind 3's. The traversal and its contexts do not
depend on the probabilities, so one round suffices. Priors file 1 (versions 1 and 2 of kind 5)
was counted with version 1's traversal, priors file 2 (version 3) with version 3's.
Usage: python spec/codec-priors/build_wavelet_embedded.py [KODAK_DIR] [--priors 1|2]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from build_wavelet import prior_tables
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BUDGETS = (147, 300, 491, 700, 983)
TRAVERSAL = {1: 1, 2: 3}  # priors file -> the kind-5 version whose traversal counts it


def train(paths: list[Path], priors: int) -> dict:
    import pcimg
    from pcimg.codec import wavelet_colour as W
    from pcimg.codec import wavelet_embedded as E

    version = TRAVERSAL[priors]

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
        E.encode_payload(width, height, planes, coder=encoder, contexts=pair, version=version)

    tables = prior_tables(pictures(), lambda t: E.Contexts(t, uniform=True, version=version), E.sizes(version), code)
    return {"name": f"wavelet-embedded-priors-v{priors}", "trained_on": [p.name for p in paths],
            "budgets": list(BUDGETS), **tables}  # fmt: skip


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--priors")]
    priors = int(sys.argv[sys.argv.index("--priors") + 1]) if "--priors" in sys.argv else 2
    args = [a for a in args if a != str(priors)] if "--priors" in sys.argv else args
    folder = Path(args[0] if args else ROOT.parent / "shared" / "images" / "kodak")
    paths = sorted(folder.glob("kodim*.png"))[0::2]  # kodim01, 03, ...: the design half
    data = train(paths, priors)
    out = ROOT / "spec" / "data" / f"wavelet-embedded-priors-v{priors}.json"
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
    (ROOT / "pcimg" / "data" / out.name).write_bytes(out.read_bytes())
    print(f"wrote {out} ({out.stat().st_size} bytes) from {len(paths)} images")


if __name__ == "__main__":
    main()
