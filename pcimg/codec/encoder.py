"""The reference encoder: image -> descriptors + prompt + seed -> .pci bytes.

Rate control is exact: the whole file (prompt and framing included) fits ``max_bytes``.
For a few coefficient grids it finds the finest quantiser that fits, and keeps the grid
whose coefficient-domain error (Parseval: equal to the pixel MSE) is smallest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PIL import Image

from ..errors import PciError
from ..format.container import DecodeDigest, Descriptor, ModelRef, PciFile, Prompt, Recipe, written_size
from ..format.registry import LIMITS
from . import colour, dct, dct_colour, texture, thumb_search, wavelet_colour, wavelet_embedded, wavelet_search
from .parametric import render
from .prepare import WHITE, oriented_size, prepare

DEFAULT_MAX_BYTES = 600
ANALYSIS_LONG_SIDE = 384
MAX_GRID = dct_colour.MAX_K
GRID_LONG_SIDE = 96
# Weights that turn Y, Cb, Cr errors into an RGB mean squared error (uncorrelated errors).
PLANE_WEIGHTS = (1.0, (0.344136**2 + 1.772**2) / 3 + 2 / 3, (1.402**2 + 0.714136**2) / 3 + 2 / 3)
TEXTURE_GAIN = 16
MIN_TEXTURE_BUDGET = 300
# The descriptor captioner's prompt (colour words the descriptors already hold) is left out
# when it and its manifest entry take more than this share of the budget: at 147 bytes its
# 32 bytes cost the picture 0.38 dB (codec v2 log). Model captions and people's prompts stay.
PROMPT_SHARE = 0.1
WORKING_LONG_SIDE = 1024  # the wavelet base's analysis copy: 4x the largest working picture
# A JPEG is decoded at the smallest DCT scale (Pillow's draft) that keeps this long side, 2x the
# largest working picture: on 6000x4000 photos the same PSNR as keeping 1024 (22.21 / 22.20 dB
# over 6 upscaled Kodak images at 491 and 983 B) in 0.18 s instead of 0.24 s (the 1/8 scale).
DRAFT_LONG_SIDE = 512


@dataclass(frozen=True)
class Budget:
    """The most bytes the written file may take, in the file form or the bare form."""

    max_bytes: int
    bare: bool = False

    def size(self, pci: PciFile) -> int:
        """The written size (not read back: the kept file is, when it is written)."""
        return written_size(pci, bare=self.bare)

    def holds(self, pci: PciFile) -> bool:
        return self.size(pci) <= self.max_bytes


@dataclass(frozen=True)
class Analysis:
    """What the encoder measured once, reused by every rate-control trial."""

    width: int
    height: int
    colour: str
    coeffs: tuple[np.ndarray, ...]  # per plane, (MAX_GRID rows, MAX_GRID cols) sized to aspect
    energy: tuple[float, ...]  # mean square of each plane

    def grid(self, long_side: int) -> tuple[int, int]:
        """(kx, ky) with ``long_side`` coefficients along the longer axis, at most one per pixel."""
        if self.width >= self.height:
            kx, ky = long_side, max(1, round(long_side * self.height / self.width))
        else:
            kx, ky = max(1, round(long_side * self.width / self.height)), long_side
        return min(kx, self.width), min(ky, self.height)


def analyse(array: np.ndarray, colour_name: str) -> Analysis:
    planes = colour.rgb_to_planes(array) if colour_name == "rgb" else colour.grey_to_planes(array)
    height, width = planes[0].shape
    scale = min(1.0, ANALYSIS_LONG_SIDE / max(width, height))
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    kx_max, ky_max = (
        (MAX_GRID, max(1, round(MAX_GRID * height / width)))
        if width >= height
        else (max(1, round(MAX_GRID * width / height)), MAX_GRID)
    )
    coeffs, energy = [], []
    for plane in planes:
        small = plane
        if scale < 1.0:
            small = np.asarray(Image.fromarray(plane.astype(np.float32), "F").resize(small_size, Image.Resampling.BOX))
        coeffs.append(dct.analyse(small.astype(np.float64), kx_max, ky_max))
        energy.append(float(np.mean(small.astype(np.float64) ** 2)))
    return Analysis(width, height, colour_name, tuple(coeffs), tuple(energy))


@dataclass(frozen=True)
class Trial:
    descriptor: Descriptor
    error: float  # RGB-weighted MSE estimate, levels^2


def dct_trial(analysis: Analysis, long_side: int, quant: int) -> Trial:
    kx, ky = analysis.grid(long_side)
    cx, cy = (max(1, (kx + 1) // 2), max(1, (ky + 1) // 2)) if analysis.colour == "rgb" else (0, 0)
    layout = dct_colour.Layout(kx, ky, cx, cy)
    indices, error = [], 0.0
    for plane, (gx, gy) in enumerate(layout.grids()):
        c = analysis.coeffs[plane][:gy, :gx]
        q = dct_colour.quantise(c, quant, chroma=plane > 0)
        rec = dct_colour.dequantise(q, quant, chroma=plane > 0) / 16.0
        kept = float(np.sum(c**2))
        error += PLANE_WEIGHTS[plane] * (analysis.energy[plane] - kept + float(np.sum((c - rec) ** 2)))
        indices.append(q)
    payload = dct_colour.encode_payload(layout, indices)
    return Trial(Descriptor(dct_colour.KIND, dct_colour.VERSION, quant, payload), error)


def full_luma(array: np.ndarray, colour_name: str) -> np.ndarray:
    """Y - 128 at full resolution, float: what texture and seed search measure detail on."""
    return (colour.rgb_to_planes(array) if colour_name == "rgb" else colour.grey_to_planes(array))[0]


def texture_descriptor(luma: np.ndarray, long_regions: int) -> Descriptor:
    """Fine-detail RMS per region: luma minus its 3x3 mean, which the base cannot carry."""
    y = luma
    height, width = y.shape
    padded = np.pad(y, 1, mode="edge")
    blur = sum(padded[dy : dy + y.shape[0], dx : dx + y.shape[1]] for dy in range(3) for dx in range(3)) / 9.0
    detail = (y - blur) ** 2
    if width >= height:
        rx, ry = long_regions, max(1, round(long_regions * height / width))
    else:
        rx, ry = max(1, round(long_regions * width / height)), long_regions
    rx, ry = min(rx, width), min(ry, height)  # every region holds a pixel
    ys = np.linspace(0, y.shape[0], ry + 1).astype(int)
    xs = np.linspace(0, y.shape[1], rx + 1).astype(int)
    rms = np.array(
        [[np.sqrt(detail[ys[j] : ys[j + 1], xs[i] : xs[i + 1]].mean()) for i in range(rx)] for j in range(ry)]
    )
    return Descriptor(
        texture.KIND, texture.VERSION, 0, texture.encode_payload(texture.levels_from_rms(rms), TEXTURE_GAIN)
    )


def fit(analysis: Analysis, template: PciFile, budget: Budget, extra: tuple[Descriptor, ...]) -> PciFile | None:
    """The file with the finest quantiser that fits the budget, or None if nothing fits.

    One grid suffices: measured on Kodak, grids of 48 to 128 along the long side give the
    same error at equal bytes, since the coder's end-of-plane index makes unused
    high frequencies nearly free.
    """
    trials: dict[int, Trial] = {}

    def fits(quant: int) -> bool:
        trials[quant] = dct_trial(analysis, GRID_LONG_SIDE, quant)
        return _size(template, (trials[quant].descriptor, *extra), budget) <= budget.max_bytes

    lo, hi = 0, dct_colour.MAX_QUANT
    if not fits(hi):
        return None
    # Bracket from a typical operating point first: most budgets land in quant 24..72.
    for guess in (48, 24, 72):
        if lo < guess < hi:
            if fits(guess):
                hi = guess
            else:
                lo = guess + 1
    while lo < hi:  # smallest quant (finest) that fits
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    trial = trials[hi] if hi in trials else dct_trial(analysis, GRID_LONG_SIDE, hi)
    return template.replace(descriptors=_sorted((trial.descriptor, *extra)))


class DctBase:
    """Kind 1 (dct-colour) as the base layer: the version-1 encoder."""

    def __init__(self, array: np.ndarray, colour_name: str) -> None:
        self.analysis = analyse(array, colour_name)

    def fit(self, template: PciFile, budget: Budget, extra: tuple[Descriptor, ...]) -> PciFile | None:
        return fit(self.analysis, template, budget, extra)

    def smallest(self) -> Descriptor:
        return dct_trial(self.analysis, GRID_LONG_SIDE, dct_colour.MAX_QUANT).descriptor


class WaveletBase:
    """Kind 3 (wavelet-colour) as the base layer: the default since codec v2."""

    kind = wavelet_colour.KIND
    placeholders = True  # kind 4 for payloads of a few bytes

    def __init__(self, array: np.ndarray, colour_name: str) -> None:
        self.source = wavelet_search.source(array, colour_name)
        self.array, self.colour = array, colour_name

    @cached_property
    def thumb_source(self) -> wavelet_search.Source:
        """The reduced copy kind 4's search judges on: made on first use, once per image."""
        return thumb_search.source(self.array, self.colour)

    def fit(self, template: PciFile, budget: Budget, extra: tuple[Descriptor, ...]) -> PciFile | None:
        def fits(entry: Descriptor) -> bool:
            return _size(template, (entry, *extra), budget) <= budget.max_bytes

        empty = Descriptor(wavelet_colour.KIND, wavelet_colour.VERSION, 0, b"")
        payload = budget.max_bytes - _size(template, (empty, *extra), budget)
        entry = None
        if payload > thumb_search.ONLY_PAYLOAD or extra or not self.placeholders:
            entry = wavelet_search.search(self.source, payload, fits, self.kind)
        if payload <= thumb_search.MAX_PAYLOAD and not extra and self.placeholders:
            # a placeholder: kind 4 spends kind 3's 3-byte header on the picture
            small = self.thumb_source
            thumb = thumb_search.search(small, payload, fits, (template.width, template.height))
            if thumb is not None and (entry is None or thumb[0] < thumb_search.score(small, entry)):
                entry = thumb[1]
        return None if entry is None else template.replace(descriptors=_sorted((entry, *extra)))

    def smallest(self) -> Descriptor:
        return wavelet_search.smallest(self.source, self.kind)


class EmbeddedBase(WaveletBase):
    """Kind 5 (wavelet-embedded): kind 3's picture as an embedded stream, so that a prefix of
    the file is a smaller file (``pcimg.rebudget`` cuts it without decoding)."""

    kind = wavelet_embedded.KIND
    placeholders = False  # every size stays one embedded stream


BASES: dict[str, Callable[[np.ndarray, str], DctBase | WaveletBase]] = {
    "wavelet": WaveletBase,
    "embedded": EmbeddedBase,
    "dct": DctBase,
}


def _fit_any(
    base: DctBase | WaveletBase, template: PciFile, budget: Budget, extra: tuple[Descriptor, ...]
) -> PciFile | None:
    """With the texture descriptor if it fits, else without."""
    return base.fit(template, budget, extra) or (base.fit(template, budget, ()) if extra else None)


def _sorted(descriptors: tuple[Descriptor, ...]) -> tuple[Descriptor, ...]:
    return tuple(sorted(descriptors, key=lambda d: d.kind))


def _size(template: PciFile, descriptors: tuple[Descriptor, ...], budget: Budget) -> int:
    return budget.size(template.replace(descriptors=_sorted(descriptors)))


def declared(size: tuple[int, int] | int, image_size: tuple[int, int]) -> tuple[int, int]:
    """``declared_size`` checked: (width, height), or a long side with the image's aspect ratio."""
    limit = LIMITS["max_dimension"]
    if isinstance(size, int) and not isinstance(size, bool) and 1 <= size <= limit:
        width, height = image_size
        scale = size / max(width, height)
        return max(1, round(width * scale)), max(1, round(height * scale))
    if not (
        isinstance(size, (tuple, list))
        and len(size) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= limit for v in size)
    ):
        raise PciError(f"declared_size must be (width, height) or a long side in 1..{limit}, not {size!r}",
                       field="declared_size")  # fmt: skip
    return int(size[0]), int(size[1])


def search_seed(pci: PciFile, luma: np.ndarray, candidates: int) -> int:
    """The seed among ``pci.seed .. + candidates-1`` whose texture best matches the original luma."""
    entry = pci.descriptor(texture.KIND)
    if entry is None or candidates <= 1:
        return pci.seed
    base_luma = np.asarray(render(pci, detail=False).convert("L"), dtype=np.int64) * 16
    target = np.round(luma * 16 + 2048).astype(np.int64) - base_luma
    levels, gain = texture.decode_payload(entry.payload)
    errors = []
    for seed in range(pci.seed, pci.seed + candidates):
        noise = texture.synthesise(levels, gain, seed & (2**64 - 1), pci.width, pci.height)
        errors.append((float(np.sum((target - noise) ** 2)), seed))
    return min(errors)[1]


def search_seed_by_decoding(
    pci: PciFile, original: np.ndarray, candidates: int, generator: Callable[[PciFile], Image.Image]
) -> int:
    """Text+Sketch style: decode each candidate seed with the model, keep the closest (MSE)."""
    best: tuple[float, int] | None = None
    for seed in range(pci.seed, pci.seed + candidates):
        decoded = np.asarray(generator(pci.replace(seed=seed & (2**64 - 1))), dtype=np.float64)
        error = float(np.mean((decoded - original.astype(np.float64)) ** 2))
        if best is None or error < best[0]:
            best = (error, seed)
    assert best is not None
    return best[1]


def reference_digest(pci: PciFile, generator: Callable[[PciFile], Image.Image] | None = None) -> DecodeDigest:
    pixels = np.asarray((generator or render)(pci)).tobytes()
    return DecodeDigest.of(pixels)


def encode_image(
    image: Image.Image,
    *,
    prompt: str | None,
    captioner: ModelRef | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    seed: int = 0,
    seed_search: int = 1,
    use_texture: bool | None = None,
    background: tuple[int, int, int] = WHITE,
    digest: bool = False,
    trim_prompt: bool = False,
    redundant_prompt: bool = False,
    models: tuple[ModelRef, ...] = (),
    recipe: Recipe | None = None,
    search_generator: Callable[[PciFile], Image.Image] | None = None,
    base: str = "wavelet",
    full_size: tuple[int, int] | None = None,
    bare: bool = False,
    declared_size: tuple[int, int] | int | None = None,
    prepared: tuple[np.ndarray, str] | None = None,
) -> PciFile:
    """Encode to a PciFile that fits ``max_bytes`` when written (``bare``: in the bare form;
    see ``pcimg.encode``).

    ``trim_prompt`` marks a machine-written prompt: it loses trailing words (down to none) when
    the budget cannot hold it; a person's prompt is never changed. ``redundant_prompt`` marks
    one that says only what the descriptors hold (the descriptor captioner's colour words): it
    is left out when it would take more than PROMPT_SHARE of ``max_bytes``. ``base`` picks the base
    layer's descriptor kind: "wavelet" (kind 3, the default), "embedded" (kind 5: the same
    picture as a progressive stream that ``rebudget`` cuts) or "dct" (kind 1).
    ``full_size`` is the image's size before a JPEG draft decode (``image`` may be smaller).
    ``declared_size`` is the width and height the file states (default: the image's), or a long
    side with the image's aspect ratio: a placeholder may state a small size, which costs fewer bytes.
    ``prepared`` is ``prepare(image, background, WORKING_LONG_SIDE)`` when the caller has made
    it already (the API, for the captioner): used where the wavelet bases would make it again.
    """
    if base not in BASES:
        raise PciError(f"base must be one of {sorted(BASES)}, not {base!r}", field="base")
    budget = Budget(max_bytes, bare)
    if use_texture is None:
        use_texture = base == "dct"
    image_size = oriented_size(image, full_size)
    width, height = image_size if declared_size is None else declared(declared_size, image_size)
    # The wavelet base needs at most a 256-pixel picture and a 512-pixel reference: work on a
    # reduced copy (texture and seed search measure full-resolution detail, so not with them).
    reduce_to = WORKING_LONG_SIDE if base in ("wavelet", "embedded") and not use_texture and seed_search <= 1 else None
    if prepared is not None and reduce_to == WORKING_LONG_SIDE:
        array, colour_name = prepared
    else:
        array, colour_name = prepare(image, background, reduce_to)
    if reduce_to is None and (array.shape[1], array.shape[0]) != image_size:
        raise PciError("a draft-decoded image cannot carry texture or a seed search", field="image")
    coder = BASES[base](array, colour_name)
    template = PciFile(
        width=width,
        height=height,
        colour=colour_name,
        seed=seed,
        models=((captioner,) if (captioner and prompt) else ()) + models,
        recipe=recipe,
        prompt=Prompt.smallest(prompt) if prompt else None,
        digest=DecodeDigest.of(b"") if digest else None,  # placeholder of the final size
    )
    extra: tuple[Descriptor, ...] = ()
    if use_texture and max_bytes >= MIN_TEXTURE_BUDGET:
        extra = (texture_descriptor(full_luma(array, colour_name), 4 if max_bytes < 700 else 6),)
    words = prompt.split() if (prompt and trim_prompt) else []

    def shortened(template: PciFile) -> PciFile:
        words.pop()
        shorter = " ".join(words)
        return template.replace(
            prompt=Prompt.smallest(shorter) if shorter else None, models=template.models if shorter else models
        )

    def prompt_cost(template: PciFile) -> int:
        """Bytes the prompt and its captioner entry add to the file (any descriptor: it cancels)."""
        placeholder = (Descriptor(wavelet_colour.KIND, wavelet_colour.VERSION, 0, b""),)
        without = template.replace(prompt=None, models=models, descriptors=placeholder)
        return budget.size(template.replace(descriptors=placeholder)) - budget.size(without)

    if redundant_prompt and words and prompt_cost(template) > PROMPT_SHARE * max_bytes:
        words.clear()
        template = template.replace(prompt=None, models=models)
    pci = _fit_any(coder, template, budget, extra)
    while pci is None and words:
        template = shortened(template)
        pci = _fit_any(coder, template, budget, extra)
    if pci is None:
        minimum = _size(template, (coder.smallest(),), budget)
        prompt_bytes = template.prompt.stored_size if template.prompt else 0
        raise PciError(
            f"budget of {max_bytes} bytes is too small: the smallest file is {minimum} bytes "
            f"({prompt_bytes} of them prompt)",
            field="max_bytes",
        )
    if seed_search > 1 and search_generator is not None:
        pci = pci.replace(seed=search_seed_by_decoding(pci, array, seed_search, search_generator))
        if not budget.holds(pci):
            pci = pci.replace(seed=seed)
    elif seed_search > 1:
        pci = pci.replace(seed=search_seed(pci, full_luma(array, colour_name), seed_search))
        if not budget.holds(pci):  # a larger seed varint may not fit
            pci = pci.replace(seed=seed)
    if digest:
        pci = pci.replace(digest=reference_digest(pci, search_generator))
    return pci
