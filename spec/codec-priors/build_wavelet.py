"""Build spec/data/wavelet-priors-v2.json (``--version 1``: -v1.json), and its copy in
pcimg/data/: the context priors of kind 3's version 2 (or 1).

A payload holds a few hundred coded bits, too few for adaptive contexts to learn from 1024
(one half); trained starting probabilities were the largest single gain of the codec v2 log.
Trained on the odd-numbered Kodak images (the even ones are held out) at the benchmark
budgets, counting each context's bits as the adaptive coder codes them from one half.
Two rounds: the second encodes with the first round's priors, as the encoder will.
Version 1's file was built by this script when the encoder wrote version 1; building it again
now would train on version 2's choices and is only for comparison (the data file is frozen).
Usage: python spec/codec-priors/build_wavelet.py [--version 1|2] [KODAK_DIR]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
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
            key = self.where.get(id(probs))  # None: a context not in the priors (kind 5's ll_low)
            if key is not None:
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


def train(paths: list[Path], version: int) -> dict:
    import pcimg
    from pcimg.codec import wavelet_coder2 as C2
    from pcimg.codec import wavelet_colour as W

    W.VERSION = version  # the encoder writes (and so chooses its indices for) this version

    def decoded() -> Iterator[list]:
        for path in paths:
            image = Image.open(path)
            for budget in BUDGETS:
                pci = pcimg.encode_pci(image, captioner="none", texture=False, max_bytes=budget)
                entry = pci.descriptor(W.KIND)
                yield W.decode_payload(entry.payload, pci.colour, entry.version)[2]

    if version == 2:

        def code_v2(encoder: object, contexts: dict, planes: list) -> None:
            for plane, bands in enumerate(planes):
                C2.code_plane(encoder, contexts["chroma" if plane else "luma"], bands, decoding=False)

        tables = prior_tables(decoded(), lambda t: C2.Contexts(t, uniform=True), C2.SIZES, code_v2)
    else:
        tables = prior_tables(decoded())
    name = f"wavelet-priors-v{version}"
    return {"name": name, "trained_on": [p.name for p in paths], "budgets": list(BUDGETS), **tables}


def main() -> None:
    from pcimg.primitives.data import packaged_json

    args = sys.argv[1:]
    version = 2
    if args[:1] == ["--version"]:
        version, args = int(args[1]), args[2:]
    out = ROOT / "spec" / "data" / f"wavelet-priors-v{version}.json"
    packaged = ROOT / "pcimg" / "data" / out.name
    folder = Path(args[0] if args else ROOT.parent / "shared" / "images" / "kodak")
    paths = sorted(folder.glob("kodim*.png"))[0::2]  # kodim01, 03, ...: the design half
    if not packaged.exists():  # the first round's encoder starts from one half everywhere
        from pcimg.codec import wavelet_coder2 as C2

        sizes = C2.SIZES if version == 2 else None
        assert sizes is not None, "version 1's priors exist"
        half = {t: {n: [[1024] * s[1] for _ in range(s[0])] if isinstance(s, tuple) else [1024] * s
                    for n, s in sizes.items()} for t in ("luma", "chroma")}  # fmt: skip
        packaged.write_text(json.dumps({"name": "uniform", "trained_on": [], **half}) + "\n", "utf-8")
    for round_ in range(ROUNDS):
        data = train(paths, version)
        out.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")
        packaged.write_bytes(out.read_bytes())
        packaged_json.cache_clear()
        print(f"round {round_ + 1}: wrote {out} ({out.stat().st_size} bytes) from {len(paths)} images")


if __name__ == "__main__":
    main()
