"""Train the candidate's initial context probabilities on the design half (odd-numbered images).

Usage: python benchmarks/codec_v2/train_priors.py IMAGES_DIR OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
import codec as C
import coder
import run as R

from pcimg.primitives import rangecoder as rc

LOW, HIGH = 64, 1984


def main() -> None:
    folder, out = Path(sys.argv[1]), Path(sys.argv[2])
    paths = sorted(folder.glob("*.png"))[0::2]
    counts: dict = {}

    class Counting(rc.Encoder):
        def bit(self, probs, index, bit):
            key = self.where[id(probs)]
            counts.setdefault(key, np.zeros((len(probs), 2)))[index, bit] += 1
            super().bit(probs, index, bit)

    for path in paths:
        ycc = C.to_ycbcr(np.asarray(Image.open(path).convert("RGB")))
        for budget in R.BUDGETS:
            for w in R.TRAIN_WIDTHS[budget]:
                thumb = R.thumbnail(ycc, w)
                found = R.fit(thumb, budget - R.CONTAINER_BYTES - C.HEADER_BYTES, R.PARAMS)
                if found is None:
                    continue
                _step, _, qs = found
                enc = Counting()
                enc.where = {}
                models = [coder.Model(0), coder.Model(1)]
                for kind, m in enumerate(models):
                    for name in coder.Model.NAMES:
                        for i, probs in enumerate(m.arrays(name)):
                            enc.where[id(probs)] = (kind, name, i)
                for i, qb in enumerate(qs):
                    coder.code_plane(enc, models[min(i, 1)], qb)
    priors: dict = {0: {}, 1: {}}
    template = coder.Model(0)
    for kind in (0, 1):
        for name in coder.Model.NAMES:
            arrays = []
            for i, probs in enumerate(template.arrays(name)):
                c = counts.get((kind, name, i), np.zeros((len(probs), 2)))
                p = np.clip(np.round(2048 * (c[:, 0] + 1) / (c.sum(1) + 2)), LOW, HIGH).astype(int)
                arrays.append(p.tolist())
            priors[kind][name] = arrays
    out.write_text(json.dumps(priors))
    print(f"wrote {out} from {len(paths)} images")


if __name__ == "__main__":
    main()
