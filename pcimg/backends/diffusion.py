"""Generators from `diffusers`: Stable-Diffusion-class img2img steered by the descriptors.

The init image is the embedded base layer at the model's working resolution; the noise
comes from a CPU ``torch.Generator`` seeded with the file's seed, so it does not depend on
the device. Steps, strength, guidance and scheduler come from the file's recipe.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image

from ..codec.parametric import output_size, render
from ..errors import PciError
from ..format.container import ModelRef, PciFile, Recipe
from . import require
from .store import locate, settings

DEFAULT_RECIPE = Recipe(steps=4, strength_permille=500, guidance_tenths=0, scheduler="default")
SCHEDULER_CLASSES = {
    "euler": "EulerDiscreteScheduler",
    "euler-ancestral": "EulerAncestralDiscreteScheduler",
    "ddim": "DDIMScheduler",
    "dpm-solver++": "DPMSolverMultistepScheduler",
    "lcm": "LCMScheduler",
    "pndm": "PNDMScheduler",
}


def _dtype(name: str):
    torch = require("torch", "the diffusers generator", "models.generator")

    try:
        return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[name]
    except KeyError:
        raise PciError(f"dtype must be float32, float16 or bfloat16, not {name!r}", field="dtype") from None


@lru_cache(maxsize=2)
def load(folder: Path, controlnet: Path | None, device: str, dtype: str):
    diffusers = require("diffusers", "the diffusers generator", "models.generator")
    kwargs = {"local_files_only": True, "use_safetensors": True, "torch_dtype": _dtype(dtype)}
    if controlnet is not None:
        net = diffusers.ControlNetModel.from_pretrained(controlnet, **kwargs)
        pipe = diffusers.StableDiffusionControlNetImg2ImgPipeline.from_pretrained(
            folder, controlnet=net, safety_checker=None, requires_safety_checker=False, **kwargs
        )
    else:
        pipe = diffusers.StableDiffusionImg2ImgPipeline.from_pretrained(
            folder, safety_checker=None, requires_safety_checker=False, **kwargs
        )
    pipe.set_progress_bar_config(disable=not settings().progress)
    return pipe.to(device)


def working_size(pci: PciFile, pipe, recipe: Recipe) -> tuple[int, int]:
    """The recipe's working size, else the model's native size on the long side; multiples of 8."""
    if recipe.work_width and recipe.work_height:
        return recipe.work_width // 8 * 8 or 8, recipe.work_height // 8 * 8 or 8
    native = pipe.unet.config.sample_size * pipe.vae_scale_factor
    scale = native / max(pci.width, pci.height)
    return max(8, round(pci.width * scale / 8) * 8), max(8, round(pci.height * scale / 8) * 8)


def generate(pci: PciFile, size: tuple[int, int] | None, folder: Path, controlnet: Path | None = None) -> Image.Image:
    torch = require("torch", "the diffusers generator", "models.generator")

    s = settings()
    pipe = load(folder, controlnet, s.device, s.dtype)
    recipe = pci.recipe or DEFAULT_RECIPE
    if recipe.scheduler in SCHEDULER_CLASSES:
        diffusers = require("diffusers", "the diffusers generator", "models.generator")
        cls = getattr(diffusers, SCHEDULER_CLASSES[recipe.scheduler])
        pipe.scheduler = cls.from_config(pipe.scheduler.config)
    width, height = working_size(pci, pipe, recipe)
    generator = torch.Generator(device="cpu").manual_seed(pci.seed)
    steps = recipe.steps or DEFAULT_RECIPE.steps
    guidance = recipe.guidance_tenths / 10 if recipe.guidance_tenths else 0.0
    prompt = pci.prompt.text if pci.prompt else ""
    common = {"prompt": prompt, "num_inference_steps": steps, "guidance_scale": guidance, "generator": generator,
              "output_type": "pil"}  # fmt: skip
    if pci.descriptors:
        init = render(pci, (width, height), detail=False).convert("RGB")
        strength = (recipe.strength_permille or DEFAULT_RECIPE.strength_permille) / 1000
        extra = {"control_image": init} if controlnet is not None else {}
        image = pipe(image=init, strength=strength, **extra, **common).images[0]
    else:  # text to image: the same components without an init image
        diffusers = require("diffusers", "the diffusers generator", "models.generator")
        text2image = diffusers.StableDiffusionPipeline(**{k: v for k, v in pipe.components.items()
                                                          if k != "controlnet"})  # fmt: skip
        text2image.set_progress_bar_config(disable=not s.progress)
        image = text2image(width=width, height=height, **common).images[0]
    out = image.resize(output_size(pci, size), Image.Resampling.LANCZOS)
    return out.convert("L") if pci.colour == "grey" else out


def resolver(ref: ModelRef):
    """Claim every generator that is not embedded; find its weights only where allowed."""
    if ref.id.startswith("pcimg/"):
        return None

    def run(pci: PciFile, size: tuple[int, int] | None) -> Image.Image:
        folder = locate(ref)
        control = pci.model("controlnet")
        return generate(pci, size, folder, locate(control) if control else None)

    return run
