"""Which input normalisation do the EfficientNet-Lite0 weights expect? Ask their BatchNorm.

The stem BatchNorm stores the running variance of the stem convolution's output seen in
training. On natural photographs the right normalisation reproduces it; a wrong input scale
shifts every channel's log-variance by the same amount. Prints the median signed log ratio
(0 is a perfect match) per candidate. Usage: python benchmarks/efficientnet_normalisation.py [DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from pcimg.backends import efficientnet as E

CANDIDATES = {
    "tensorflow (x-127)/128": (127.0, 128.0),
    "imagenet mean/std": (np.array([0.485, 0.456, 0.406]) * 255, np.array([0.229, 0.224, 0.225]) * 255),
    "[0, 1]": (0.0, 255.0),
}


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/images/kodak")
    images = [Image.open(p) for p in sorted(folder.glob("*.png"))]
    model = E.load_model()
    bn = model._bn0
    ok = bn.running_var > 1e-6
    print(f"{len(images)} images from {folder}")
    for name, (mean, std) in CANDIDATES.items():
        with torch.inference_mode():
            acts = torch.cat([model._conv_stem(torch.from_numpy(E.preprocess(im, mean, std))) for im in images])
        ratio = (acts.var((0, 2, 3)).log() - bn.running_var.log())[ok]
        print(f"{name:24s} median log(var / running_var) = {float(ratio.median()):+.3f}")


if __name__ == "__main__":
    main()
