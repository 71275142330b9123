"""The two calls most users need: ``encode`` an image, ``decode`` a .pci."""

from __future__ import annotations

import functools
import inspect
import io
import os
import warnings
from collections.abc import Callable, Sequence
from typing import BinaryIO, ParamSpec, Union

import numpy as np
from PIL import Image

from . import generators
from .backends.captioning import CaptionOptions
from .backends.captioning import caption as model_caption
from .backends.efficientnet import caption_labels
from .backends.store import reference_for
from .codec import wavelet_embedded
from .codec.alternates import with_alternates
from .codec.captioners import describe_colours
from .codec.encoder import DEFAULT_MAX_BYTES, DRAFT_LONG_SIDE, WORKING_LONG_SIDE, encode_image
from .codec.parametric import DEFAULT_MAX_PIXELS, render
from .codec.prepare import WHITE, AlphaFlattenedWarning, has_alpha, prepare
from .codec.rebudget import rebudget as rebudget_file
from .errors import PciError
from .format.container import ModelRef, PciFile, Recipe, read, write
from .primitives.atomic import open_regular

PciSource = bytes | PciFile | str | os.PathLike[str] | BinaryIO
ImageSource = Union[Image.Image, str, "os.PathLike[str]", BinaryIO, bytes, bytearray, memoryview, np.ndarray]
P = ParamSpec("P")
EMBEDDED_CAPTIONERS = {
    "descriptor": "pcimg/descriptor-captioner",
    "efficientnet": "pcimg/efficientnet-lite0-labels",
    "none": None,
}


ARRAY_MODES = {(2, 1): "L", (3, 3): "RGB", (3, 4): "RGBA"}  # (ndim, channels) -> Pillow mode


# Format 1.0-1.3 writers named the person as captioner (6 bytes); since 1.4 a prompt without a
# captioner entry is a person's. spec/vectors/generate.py sets this to rebuild the old vectors.
PERSON_ENTRY: ModelRef | None = None


def _open_image(image: ImageSource, draft_side: int | None = None) -> tuple[Image.Image, tuple[int, int]]:
    """(image, its full size) from a PIL image, a path, a binary file object, encoded bytes, or
    an HxW, HxWx3 or HxWx4 uint8 array; PciError naming the accepted types otherwise.

    With ``draft_side`` a JPEG file is decoded at the smallest DCT scale that keeps that long
    side (Pillow's draft): a 24 MP photo then costs what its working copy needs."""
    if isinstance(image, Image.Image):
        return image, image.size
    if isinstance(image, np.ndarray):
        layout = (image.ndim, image.shape[2] if image.ndim == 3 else 1)
        if image.dtype != np.uint8 or layout not in ARRAY_MODES or 0 in image.shape:
            raise PciError(f"an image array must be uint8 HxW, HxWx3 or HxWx4, not {image.dtype} {image.shape}",
                           field="image")  # fmt: skip
        array_image = Image.fromarray(np.ascontiguousarray(image), ARRAY_MODES[layout])
        return array_image, array_image.size
    if isinstance(image, (bytes, bytearray, memoryview)):
        image = io.BytesIO(bytes(image))
    if not isinstance(image, (str, os.PathLike)) and not hasattr(image, "read"):
        raise PciError(f"cannot encode a {type(image).__name__}: pass a PIL image, a path, a binary file object, "
                       "image bytes or a uint8 array", field="image")  # fmt: skip
    try:
        if isinstance(image, (str, os.PathLike)):
            with open_regular(image) as handle:
                return _load(Image.open(handle), draft_side)
        return _load(Image.open(image), draft_side)
    except (OSError, Image.DecompressionBombError) as exc:
        raise PciError(f"cannot read the input image: {exc}", field="image") from None


def _load(opened: Image.Image, draft_side: int | None) -> tuple[Image.Image, tuple[int, int]]:
    full = opened.size
    if draft_side is not None and opened.format == "JPEG" and max(full) > draft_side:
        scale = draft_side / max(full)
        opened.draft(opened.mode, (max(1, round(full[0] * scale)), max(1, round(full[1] * scale))))
    opened.load()
    return opened, full


def caption(
    image: Image.Image,
    captioner: str,
    background: tuple[int, int, int] = WHITE,
    prepared: tuple[np.ndarray, str] | None = None,
) -> tuple[str | None, ModelRef | None]:
    """(prompt, manifest entry) from one of the embedded captioners; ``prepared`` is
    ``prepare(image, background, WORKING_LONG_SIDE)`` when the caller has it."""
    if captioner not in EMBEDDED_CAPTIONERS:
        raise PciError(
            f"unknown captioner {captioner!r}; embedded ones: {', '.join(EMBEDDED_CAPTIONERS)}", field="captioner"
        )
    model = EMBEDDED_CAPTIONERS[captioner]
    if model is None:
        return None, None
    if captioner == "efficientnet":
        return caption_labels(image), ModelRef("captioner", model)
    # a 32-pixel-wide thumbnail decides: a reduced copy names the same colours at a fraction of the cost
    array = (prepared or prepare(image, background, WORKING_LONG_SIDE))[0]
    return describe_colours(array), ModelRef("captioner", model)


def encode_pci(
    image: ImageSource,
    *,
    prompt: str | None = None,
    captioner: str = "descriptor",
    captioner_model: str | None = None,
    caption_max_tokens: int = 30,
    caption_beams: int = 3,
    generator: str | None = None,
    recipe: Recipe | None = None,
    pin_digest: bool = False,
    max_bytes: int | None = None,
    seed: int | None = None,
    seed_search: int = 1,
    texture: bool | None = None,
    digest: bool = False,
    background: tuple[int, int, int] = WHITE,
    base: str = "wavelet",
    bare: bool = False,
    declared_size: tuple[int, int] | int | None = None,
    alternates: Sequence[int] = (),
) -> PciFile:
    """Image -> ``PciFile`` (``encode`` gives its bytes). ``max_bytes`` bounds the whole file,
    in the bare form (SPEC.md 5.5: no signature, no CRC) when ``bare``. ``declared_size`` is the
    width and height the file states (default: the image's), or a long side with the image's
    aspect ratio: a placeholder can state a small one (``96``): sides under 128 take one byte each.

    ``base`` picks the base layer: "wavelet" (descriptor kind 3, default), "embedded" (kind 5:
    the same picture as a progressive stream, so that ``rebudget`` makes a smaller file by
    cutting it, without decoding) or "dct" (kind 1, what pcimg 0.x wrote). ``texture`` adds
    the texture descriptor (kind 2); by default only with the dct base (with the wavelet base
    it costs PSNR and MS-SSIM, spec/CODEC.md 8.6).

    ``captioner="transformers"`` with ``captioner_model`` (an id, ``id@rev`` or a folder)
    writes the prompt with that model; ``generator`` (likewise) names the diffusers model
    that must decode the file, with ``recipe`` for its parameters, and ``seed_search``
    then decodes candidates with it. ``pin_digest`` stores the weights' SHA-256.

    ``alternates`` (whole-file sizes below ``max_bytes``) stores a smaller encode's base layer for
    each (SPEC.md 6.9), out of the file's budget: ``rebudget`` to one of those sizes then re-frames
    the file around it in a millisecond instead of re-encoding.
    """
    draft = (texture is None or not texture) and base in ("wavelet", "embedded") and seed_search <= 1
    img, full_size = _open_image(image, DRAFT_LONG_SIDE if draft else None)
    if has_alpha(img):
        warnings.warn(f"the image's transparency is flattened onto background {background}: .pci v1 has no alpha",
                      AlphaFlattenedWarning, stacklevel=2)  # fmt: skip
    user_prompt = prompt is not None
    ref: ModelRef | None
    prepared: tuple[np.ndarray, str] | None = None
    if user_prompt:
        ref = PERSON_ENTRY  # None: a prompt with no captioner named is a person's (SPEC 6.1)
    elif captioner == "transformers":
        if not captioner_model:
            raise PciError("captioner 'transformers' needs captioner_model (an id or a folder)", field="captioner")
        options = CaptionOptions(max_new_tokens=caption_max_tokens, num_beams=caption_beams)
        prompt, ref = model_caption(img, captioner_model, options, pin_digest=pin_digest)
    else:
        if draft and captioner == "descriptor":  # it reads the wavelet bases' reduced copy: made once
            prepared = prepare(img, background, WORKING_LONG_SIDE)
        prompt, ref = caption(img, captioner, background, prepared)
    extra_models: tuple[ModelRef, ...] = ()
    if generator is not None and _generator_id(generator) != "pcimg/parametric":
        extra_models = (reference_for(generator, "generator", pin_digest=pin_digest)[1],)
    total = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes

    def build(budget: int, base_name: str) -> PciFile:
        return encode_image(
            img,
            prompt=prompt,
            captioner=ref,
            max_bytes=budget,
            seed=0 if seed is None else seed,
            seed_search=seed_search,
            use_texture=texture,
            background=background,
            digest=digest,
            trim_prompt=not user_prompt,
            redundant_prompt=not user_prompt and captioner == "descriptor",
            models=extra_models,
            recipe=recipe,
            search_generator=(lambda pci: decode(pci)) if extra_models else None,
            base=base_name,
            full_size=full_size,
            bare=bare,
            declared_size=declared_size,
            prepared=prepared,
        )

    if alternates:
        return with_alternates(build, total, base, alternates, bare)
    return build(total, base)


def _returning_bytes(build: Callable[P, PciFile]) -> Callable[P, bytes]:
    """``build`` with its signature, returning the file's bytes (one signature for both calls)."""

    @functools.wraps(build)
    def encoded(*args: P.args, **kwargs: P.kwargs) -> bytes:
        return write(build(*args, **kwargs), bare=bool(kwargs.get("bare", False)))

    encoded.__doc__ = (
        "Image -> .pci bytes: ``write(encode_pci(...), bare=bare)``; ``max_bytes`` bounds the whole file "
        "(``bare=True``: the bare form, SPEC.md 5.5; ``pcimg.to_text`` makes it base64url text)."
    )
    encoded.__signature__ = inspect.signature(build).replace(return_annotation=bytes)  # type: ignore[attr-defined]
    return encoded


encode = _returning_bytes(encode_pci)


def decode(
    data: bytes | PciFile | str | os.PathLike[str] | BinaryIO,
    *,
    size: tuple[int, int] | None = None,
    generator: str | None = None,
    max_pixels: int | None = DEFAULT_MAX_PIXELS,
    bare: bool = False,
    partial: bool = False,
) -> Image.Image:
    """.pci -> image, by the generator the file names (or ``generator`` to override).

    ``max_pixels`` bounds the output (default: Pillow's decompression-bomb threshold; None: no
    limit); the embedded generator needs about 4 bytes per output pixel (the image) plus ~30 MB.
    ``bare=True`` reads the bare form: bytes, or its base64url text as a ``str``.
    ``partial=True`` (with ``bare``) takes the bytes as the start of a bare form whose base layer
    is kind 5 (a download in progress): the picture as far as the bytes go.
    """
    pci = _read_maybe_partial(data, bare, partial)
    ref = pci.generator if generator is None else ModelRef("generator", _generator_id(generator))
    return generators.resolve(ref)(pci, size, max_pixels)


def preview(
    data: bytes | PciFile | str | os.PathLike[str] | BinaryIO,
    *,
    size: tuple[int, int] | None = None,
    max_pixels: int | None = DEFAULT_MAX_PIXELS,
    bare: bool = False,
    partial: bool = False,
) -> Image.Image:
    """The cheap base layer (descriptors only, no detail, no model): for drafts and thumbnails.
    ``partial`` as for ``decode``."""
    pci = _read_maybe_partial(data, bare, partial)
    return render(pci, size, detail=False, max_pixels=max_pixels)


def _read_maybe_partial(data: PciSource, bare: bool, partial: bool) -> PciFile:
    pci = data if isinstance(data, PciFile) else read(data, bare=bare)
    if not partial:
        return pci
    if not bare and not isinstance(data, PciFile):
        raise PciError("partial decoding reads the bare form (a file's CRC needs all of it)", field="partial")
    return wavelet_embedded.received(pci)


def rebudget(
    data: bytes | PciFile | str | os.PathLike[str] | BinaryIO,
    max_bytes: int,
    *,
    bare: bool = False,
    method: str = "auto",
) -> bytes:
    """A smaller .pci of at most ``max_bytes`` from a larger one, without the original image
    (``bare``: both in the bare form). An embedded base layer (kind 5) is cut to a prefix, under
    a millisecond; deep below the file's size (under a third, for kind 3 two fifths) ``method``
    "auto" re-encodes the file's own working picture instead (~50 ms, the better picture there),
    "cut" cuts anyway, "encode" always re-encodes. Header, models and seed stay; a machine
    prompt may lose words, a person's is kept or dropped whole. A file that already fits comes
    back as it is."""
    pci = data if isinstance(data, PciFile) else read(data, bare=bare)
    return write(rebudget_file(pci, max_bytes, bare, method), bare=bare)


def _generator_id(name: str) -> str:
    return "pcimg/parametric" if name == "parametric" else name
