"""Captioners from `transformers`: any image-to-text model it loads (BLIP, BLIP-2, GIT, ...)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image

from ..errors import PciError
from ..format.container import ModelRef
from . import require
from .store import reference_for, settings


@dataclass(frozen=True)
class CaptionOptions:
    """Generation settings: caption length in tokens and beam width."""

    max_new_tokens: int = 30
    min_new_tokens: int = 1
    num_beams: int = 3

    def __post_init__(self) -> None:
        if not 1 <= self.min_new_tokens <= self.max_new_tokens <= 512 or not 1 <= self.num_beams <= 16:
            raise PciError(f"caption options out of range: {self}", field="captioner")


@lru_cache(maxsize=2)
def load(folder: Path, device: str):
    transformers = require("transformers", "the transformers captioner", "captioner")
    AutoModelForImageTextToText, AutoProcessor = transformers.AutoModelForImageTextToText, transformers.AutoProcessor
    kwargs = {"local_files_only": True, "trust_remote_code": False}
    processor = AutoProcessor.from_pretrained(folder, **kwargs)
    model = AutoModelForImageTextToText.from_pretrained(folder, use_safetensors=True, **kwargs)
    return processor, model.to(device).eval()


def normalise(text: str) -> str:
    """NFC, one space between words, no space before punctuation, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ([,.;:!?])", r"\1", text)


def caption(
    image: Image.Image, model: str, options: CaptionOptions = CaptionOptions(), pin_digest: bool = False
) -> tuple[str, ModelRef]:
    """(normalised caption, manifest entry) from the model named or stored at ``model``."""
    torch = require("torch", "the transformers captioner", "captioner")

    folder, ref = reference_for(model, "captioner", pin_digest=pin_digest)
    processor, net = load(folder, settings().device)
    inputs = processor(images=image.convert("RGB"), return_tensors="pt").to(settings().device)
    with torch.inference_mode():
        tokens = net.generate(**inputs, max_new_tokens=options.max_new_tokens,
                              min_new_tokens=options.min_new_tokens, num_beams=options.num_beams)  # fmt: skip
    text = normalise(processor.batch_decode(tokens, skip_special_tokens=True)[0])
    if not text:
        raise PciError(f"captioner {ref.id} wrote an empty caption", field="captioner")
    return text, ref
