"""Generators from `diffusers`: Stable-Diffusion-class img2img steered by the descriptors.

The init image is the embedded base layer at the model's working resolution; the noise
comes from a CPU ``torch.Generator`` seeded with the file's seed, so it does not depend on
the device. Steps, strength, guidance and scheduler come from the file's recipe.

Stateless by construction: the loaded pipeline is cached and shared, but never mutated. Each
decode builds its own pipeline object around the shared model components, with a fresh
scheduler made from the cached one's config, so one file's recipe cannot leak into the next
decode. Sharing is unavoidable for the components themselves, and some keep call state (a
fast tokenizer's padding and truncation settings), so decodes of one model run one at a time
under that model's lock (without it, 2 of 8 test-suite runs saw a threaded decode give other
pixels than a fresh process). Every failure of a model decode is a ``PciError`` naming the model and the
cause; recipes a scheduler cannot run are refused before loading.
"""

from __future__ import annotations

import inspect
import threading
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


# Schedulers whose multistep formulas need at least this many steps (PNDM's Runge-Kutta warm-up).
MIN_STEPS = {"pndm": 3}
_load_lock = threading.Lock()
_model_locks: dict[tuple, threading.Lock] = {}


def check_recipe(recipe: Recipe, img2img: bool) -> None:
    """Refuse recipe values the pipeline cannot run, or that cost more than the user allows,
    before any model is loaded."""
    steps = recipe.steps or DEFAULT_RECIPE.steps
    limits = settings()
    if steps > limits.max_steps:
        raise PciError(f"recipe asks for {steps} steps, over max_steps = {limits.max_steps} "
                       "(raise it with configure_models(max_steps=...) or --max-steps)",
                       field="recipe.steps")  # fmt: skip
    check_work_size(recipe.work_width, recipe.work_height)
    if recipe.scheduler != "default" and recipe.scheduler not in SCHEDULER_CLASSES:
        raise PciError(f"scheduler {recipe.scheduler!r} is not supported by the diffusers back-end",
                       field="recipe.scheduler")  # fmt: skip
    if steps < MIN_STEPS.get(recipe.scheduler, 1):
        raise PciError(f"scheduler {recipe.scheduler} needs at least {MIN_STEPS[recipe.scheduler]} steps, not {steps}",
                       field="recipe.steps")  # fmt: skip
    if img2img:
        strength = recipe.strength_permille or DEFAULT_RECIPE.strength_permille
        if steps * strength < 1000:
            raise PciError(f"strength {strength / 1000} x {steps} steps runs no denoising step (needs >= 1)",
                           field="recipe.strength_permille")  # fmt: skip


def load(folder: Path, controlnet: Path | None, device: str, dtype: str):
    """The shared pipeline for a model (loaded once per process, under a lock)."""
    with _load_lock:
        return _load(folder, controlnet, device, dtype)


def model_lock(folder: Path, controlnet: Path | None, device: str, dtype: str) -> threading.Lock:
    """The lock that decodes with one loaded model take while they run."""
    with _load_lock:
        return _model_locks.setdefault((folder, controlnet, device, dtype), threading.Lock())


@lru_cache(maxsize=2)
def _load(folder: Path, controlnet: Path | None, device: str, dtype: str):
    diffusers = require("diffusers", "the diffusers generator", "models.generator")
    kwargs = {"local_files_only": True, "use_safetensors": True, "dtype": _dtype(dtype)}
    if controlnet is not None:
        net = diffusers.ControlNetModel.from_pretrained(controlnet, **kwargs)
        pipe = diffusers.StableDiffusionControlNetImg2ImgPipeline.from_pretrained(
            folder, controlnet=net, safety_checker=None, requires_safety_checker=False, **kwargs
        )
    else:
        pipe = diffusers.StableDiffusionImg2ImgPipeline.from_pretrained(
            folder, safety_checker=None, requires_safety_checker=False, **kwargs
        )
    return pipe.to(device)


def per_decode(shared, cls, scheduler_name: str, progress: bool):
    """A pipeline of class ``cls`` over the shared components, with its own fresh scheduler."""
    components = {k: v for k, v in shared.components.items() if k in cls._get_signature_keys(cls)[0]}
    base = shared.scheduler
    scheduler_cls = (
        type(base)
        if scheduler_name == "default"
        else getattr(
            require("diffusers", "the diffusers generator", "models.generator"), SCHEDULER_CLASSES[scheduler_name]
        )
    )
    components["scheduler"] = scheduler_cls.from_config(base.config)
    if "requires_safety_checker" in inspect.signature(cls.__init__).parameters:
        components["requires_safety_checker"] = False
    pipe = cls(**components)
    pipe.set_progress_bar_config(disable=not progress)
    return pipe


def check_work_size(width: int, height: int) -> None:
    limit = settings().max_work_pixels
    if width * height > limit:
        raise PciError(f"working size {width}x{height} is over max_work_pixels = {limit} "
                       "(raise it with configure_models(max_work_pixels=...) or --max-work-pixels)",
                       field="recipe.work_width")  # fmt: skip


def working_size(pci: PciFile, pipe, recipe: Recipe) -> tuple[int, int]:
    """The recipe's working size, else the model's native size on the long side; multiples of 8."""
    if recipe.work_width and recipe.work_height:
        return recipe.work_width // 8 * 8 or 8, recipe.work_height // 8 * 8 or 8
    native = pipe.unet.config.sample_size * pipe.vae_scale_factor
    scale = native / max(pci.width, pci.height)
    return max(8, round(pci.width * scale / 8) * 8), max(8, round(pci.height * scale / 8) * 8)


def generate(pci: PciFile, size: tuple[int, int] | None, folder: Path, controlnet: Path | None = None) -> Image.Image:
    """Decode with the model in ``folder``; any failure is a PciError naming the model."""
    recipe = pci.recipe or DEFAULT_RECIPE
    check_recipe(recipe, img2img=bool(pci.descriptors))
    try:
        return _generate(pci, size, folder, controlnet, recipe)
    except PciError:
        raise
    except Exception as exc:  # torch, diffusers and safetensors raise many types; one is ours
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise PciError(f"model {pci.generator.id} failed to decode: {type(exc).__name__}: {reason}",
                       field="models.generator") from exc  # fmt: skip


def _generate(pci: PciFile, size, folder: Path, controlnet: Path | None, recipe: Recipe) -> Image.Image:
    require("torch", "the diffusers generator", "models.generator")  # torch first: the install hint names it
    s = settings()
    shared = load(folder, controlnet, s.device, s.dtype)
    with model_lock(folder, controlnet, s.device, s.dtype):
        return _run(pci, size, shared, controlnet, recipe, s.progress)


def _run(pci: PciFile, size, shared, controlnet: Path | None, recipe: Recipe, progress: bool) -> Image.Image:
    """One decode on the shared pipeline's components; the caller holds the model's lock."""
    torch = require("torch", "the diffusers generator", "models.generator")
    diffusers = require("diffusers", "the diffusers generator", "models.generator")
    width, height = working_size(pci, shared, recipe)
    check_work_size(width, height)
    generator = torch.Generator(device="cpu").manual_seed(pci.seed)
    steps = recipe.steps or DEFAULT_RECIPE.steps
    guidance = recipe.guidance_tenths / 10 if recipe.guidance_tenths else 0.0
    prompt = pci.prompt.text if pci.prompt else ""
    common = {"prompt": prompt, "num_inference_steps": steps, "guidance_scale": guidance, "generator": generator,
              "output_type": "pil"}  # fmt: skip
    if pci.descriptors:
        init = render(pci, (width, height), detail=False).convert("RGB")
        strength = (recipe.strength_permille or DEFAULT_RECIPE.strength_permille) / 1000
        pipe = per_decode(shared, type(shared), recipe.scheduler, progress)
        extra = {"control_image": init} if controlnet is not None else {}
        image = pipe(image=init, strength=strength, **extra, **common).images[0]
    else:  # text to image: the same components without an init image
        pipe = per_decode(shared, diffusers.StableDiffusionPipeline, recipe.scheduler, progress)
        image = pipe(width=width, height=height, **common).images[0]
    out = image.resize(output_size(pci, size, max_pixels=None), Image.Resampling.LANCZOS)
    return out.convert("L") if pci.colour == "grey" else out


def resolver(ref: ModelRef):
    """Claim every generator that is not embedded; find its weights only where allowed."""
    if ref.id.startswith("pcimg/"):
        return None

    def run(pci: PciFile, size: tuple[int, int] | None, max_pixels: int | None) -> Image.Image:
        output_size(pci, size, max_pixels)  # refuse an oversized output before any model work
        folder = locate(ref)
        control = pci.model("controlnet")
        return generate(pci, size, folder, locate(control) if control else None)

    return run
