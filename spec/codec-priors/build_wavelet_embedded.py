"""Build spec/data/wavelet-embedded-priors-v1.json (and its copy in pcimg/data/): kind-5 priors.

Kind 5 codes the indices kind 3's encoder chooses, so the training pictures are the kind-3
encoder's at the benchmark budgets on the odd-numbered Kodak images (the even ones are held
out). Each context's starting probability is its bits' frequency as the kind-5 traversal codes
them, counts plus one, clamped to 64..1984 (as build_wavelet.py). The traversal and its
contexts do not depend on the probabilities, so one round suffices.
Usage: python spec/codec-priors/build_wavelet_embedded.py [KODAK_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "spec" / "data" / "wavelet-embedded-priors-v1.json"
PACKAGED = ROOT / "pcimg" / "data" / "wavelet-embedded-priors-v1.json"
BUDGETS = (147, 300, 491, 700, 983)
LOW, HIGH = 64, 1984


def train(paths: list[Path]) -> dict:
    import pcimg
    from pcimg.codec import wavelet_colour as W
    from pcimg.codec import wavelet_embedded as E
    from pcimg.codec.wavelet_coder import PLANE_TYPES
    from pcimg.primitives import rangecoder as rc

    counts: dict = {}

    class Counting(rc.Encoder):
        __slots__ = ("where",)

        def bit(self, probs: list[int], index: int, bit: int) -> None:
            key = self.where[id(probs)]
            counts.setdefault(key, np.zeros((len(probs), 2)))[index, bit] += 1
            super().bit(probs, index, bit)

    for path in paths:
        image = Image.open(path)
        for budget in BUDGETS:
            pci = pcimg.encode_pci(image, captioner="none", texture=False, max_bytes=budget)
            width, height, planes = W.decode_payload(pci.descriptor(W.KIND).payload, pci.colour)
            contexts = (E.Contexts("luma", uniform=True), E.Contexts("chroma", uniform=True))
            encoder = Counting()
            encoder.where = {}
            for t, ctx in zip(PLANE_TYPES, contexts, strict=True):
                for name, size in E.SIZES.items():
                    arrays = getattr(ctx, name) if isinstance(size, tuple) else [getattr(ctx, name)]
                    for i, probs in enumerate(arrays):
                        encoder.where[id(probs)] = (t, name, i)
            E.encode_payload(width, height, planes, coder=encoder, contexts=contexts)

    def prior(pairs: np.ndarray) -> list[int]:
        zeros, ones = pairs[:, 0], pairs[:, 1]
        return np.clip(np.round(2048 * (zeros + 1) / (zeros + ones + 2)), LOW, HIGH).astype(int).tolist()

    tables: dict = {}
    for t in PLANE_TYPES:
        tables[t] = {}
        for name, size in E.SIZES.items():
            rows, length = (size[0], size[1]) if isinstance(size, tuple) else (1, size)
            values = [prior(counts.get((t, name, i), np.zeros((length, 2)))) for i in range(rows)]
            tables[t][name] = values if isinstance(size, tuple) else values[0]
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
