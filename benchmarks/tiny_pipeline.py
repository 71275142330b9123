"""CPU time of one decode through the real diffusers path, on the tiny test pipeline.

Builds the tiny Stable Diffusion of tests/tiny_models.py in a temporary model directory and
times ``pcimg.decode`` (img2img, 2 and 4 steps, at the model's 32-px working size).
Usage: python benchmarks/tiny_pipeline.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import torch  # noqa: E402
from PIL import Image  # noqa: E402
from tiny_models import SD_ID, build_sd  # noqa: E402

import pcimg  # noqa: E402
from pcimg import Recipe  # noqa: E402


def main() -> None:
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        build_sd(Path(tmp))
        pcimg.configure_models(model_dirs=[tmp], use_hf_cache=False, progress=False)
        photo = Image.open(ROOT / "examples" / "kodim23.png").resize((192, 128))
        for steps in (2, 4):
            recipe = Recipe(steps=steps, strength_permille=1000 if steps == 2 else 500)
            pci = pcimg.encode_pci(photo, prompt="two parrots", generator=SD_ID, recipe=recipe, max_bytes=300)
            pcimg.decode(pci)  # load and warm up
            times = []
            for _ in range(5):
                start = time.process_time()
                pcimg.decode(pci)
                times.append(time.process_time() - start)
            effective = max(1, int(steps * recipe.strength_permille / 1000))
            print(f"{steps} steps (strength {recipe.strength_permille / 1000}, {effective} denoising): "
                  f"{1e3 * statistics.median(times):.0f} ms CPU per decode, one thread")  # fmt: skip


if __name__ == "__main__":
    main()
