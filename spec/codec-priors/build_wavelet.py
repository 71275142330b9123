"""Build spec/data/wavelet-priors-v1.json (and its copy in pcimg/data/): kind-3 context priors.

A payload holds a few hundred coded bits, too few for adaptive contexts to learn from 1024
(one half); trained starting probabilities were the largest single gain of the codec v2 log.
Trained on the odd-numbered Kodak images (the even ones are held out) at the benchmark
budgets, counting each context's bits as the adaptive coder codes them from one half.
Two rounds: the second encodes with the first round's priors, as the encoder will.
Usage: python spec/codec-priors/build_wavelet.py [KODAK_DIR]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "spec" / "data" / "wavelet-priors-v1.json"
PACKAGED = ROOT / "pcimg" / "data" / "wavelet-priors-v1.json"
BUDGETS = (147, 300, 491, 700, 983)
LOW, HIGH = 64, 1984
ROUNDS = 2


def prior_tables(
    decoded: Iterable,
    make_contexts: Callable[[str], object] | None = None,
    sizes: dict | None = None,
    code: Callable[[object, dict, object], None] | None = None,
) -> dict:
    """Per plane type, every context's starting probability from the bits it codes in the given
    pictures, each context coded from one half as the adaptive coder does: counts plus one,
    clamped to LOW..HIGH. By default kind 3's contexts and traversal (a picture: its planes'
    bands as the coder reads them); kind 5's builder passes its own ``make_contexts`` (uniform
    contexts of a plane type), ``sizes`` and ``code(encoder, contexts by plane type, picture)``."""
    from pcimg.codec import wavelet_coder as C
    from pcimg.primitives import rangecoder as rc

    def code_kind3(encoder: object, contexts: dict, planes: list) -> None:
        for plane, bands in enumerate(planes):
            C.code_plane(encoder, contexts["chroma" if plane else "luma"], bands, decoding=False)

    make = make_contexts or (lambda t: C.Contexts(t, uniform=True))
    sizes = sizes or C.SIZES
    code = code or code_kind3
    counts: dict = {}

    class Counting(rc.Encoder):
        __slots__ = ("where",)

        def bit(self, probs: list[int], index: int, bit: int) -> None:
            key = self.where[id(probs)]
            counts.setdefault(key, np.zeros((len(probs), 2)))[index, bit] += 1
            super().bit(probs, index, bit)

    for picture in decoded:
        contexts = {t: make(t) for t in C.PLANE_TYPES}
        encoder = Counting()
        encoder.where = {}
        for t, ctx in contexts.items():
            for name, size in sizes.items():
                arrays = getattr(ctx, name) if isinstance(size, tuple) else [getattr(ctx, name)]
                for i, probs in enumerate(arrays):
                    encoder.where[id(probs)] = (t, name, i)
        code(encoder, contexts, picture)

    def prior(pairs: np.ndarray) -> list[int]:
        zeros, ones = pairs[:, 0], pairs[:, 1]
        return np.clip(np.round(2048 * (zeros + 1) / (zeros + ones + 2)), LOW, HIGH).astype(int).tolist()

    tables: dict = {}
    for t in C.PLANE_TYPES:
        tables[t] = {}
        for name, size in sizes.items():
            rows, length = (size[0], size[1]) if isinstance(size, tuple) else (1, size)
            values = [prior(counts.get((t, name, i), np.zeros((length, 2)))) for i in range(rows)]
            tables[t][name] = values if isinstance(size, tuple) else values[0]
    return tables


def train(paths: list[Path]) -> dict:
    import pcimg
    from pcimg.codec import wavelet_colour as W

    def decoded() -> Iterator[list]:
        for path in paths:
            image = Image.open(path)
            for budget in BUDGETS:
                pci = pcimg.encode_pci(image, captioner="none", texture=False, max_bytes=budget)
                yield W.decode_payload(pci.descriptor(W.KIND).payload, pci.colour)[2]

    tables = prior_tables(decoded())
    return {"name": "wavelet-priors-v1", "trained_on": [p.name for p in paths], "budgets": list(BUDGETS), **tables}


def main() -> None:
    from pcimg.codec import wavelet_coder as C

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "images" / "kodak")
    paths = sorted(folder.glob("kodim*.png"))[0::2]  # kodim01, 03, ...: the design half
    for round_ in range(ROUNDS):
        data = train(paths)
        OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
        PACKAGED.write_bytes(OUT.read_bytes())
        C.priors.cache_clear()
        print(f"round {round_ + 1}: wrote {OUT} ({OUT.stat().st_size} bytes) from {len(paths)} images")


if __name__ == "__main__":
    main()
