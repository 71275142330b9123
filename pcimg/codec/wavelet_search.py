"""The kind-3 encoder's rate-distortion search: working size x quantiser, exact bytes.

For a few working sizes around the one the budget suggests, largest first (above
``SIZE_SEARCH_MAX_PAYLOAD`` the largest alone), it estimates the
finest quantiser that fits (``wavelet_rate``, no coding), rebuilds the working picture
exactly as a decoder would (without entropy decoding: the indices are known), resamples it
to an analysis size and stops once the error rises; the size with the smallest error is
coded for real, its bytes spent to the budget (``wavelet_fill``), and the decoder smoothing
strength with the smallest error against the image at the working size is chosen. The
error adds to the squared error that of the luma gradient magnitude, which keeps edges.
``FAST_SEARCH`` off gives session 7's search, which the older conformance vectors record.
Not normative: any encoder that writes valid payloads may choose differently.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PIL import Image

from ..format.container import Descriptor
from ..primitives import rangecoder as rc
from . import colour, lifting, resample, smoothing, wavelet_fill, wavelet_rate
from . import wavelet_colour as W
from . import wavelet_embedded as E
from .wavelet_encode import encode_plane

ANALYSIS_LONG_SIDE = 256  # the candidate sizes' errors are measured at this long side (384 before session 8)
BITS_PER_PIXEL = 0.6  # payload bits per working luma pixel at the sizes that won on Kodak
SIZE_FACTORS = (0.8, 1.0, 1.25)
MIN_LONG_SIDE = 16
BYTES_PER_QUANT = 1.06  # payload bytes shrink by about this factor per quant step
START_QUANT = 90
STRENGTHS = (0, 4, 8, 12)  # smoothing strengths the encoder tries (0, off, is always one)
# Error = RGB mean squared error + this x that of the luma gradient magnitude. Squared error
# alone prefers smoothing that HaarPSI punishes (held-out 983 B: -0.011); with the gradient
# term all three metrics rose on the design images (codec v2 log).
GRADIENT_WEIGHT = 2.0
# Chroma details need this much more of a step than luma's to survive quantisation: the eye
# sees chroma detail less, and at 491-983 B MS-SSIM and HaarPSI rose (+0.001 / +0.001 at 983 B
# on both halves of Kodak) while RGB PSNR, which weighs chroma errors like luma's, fell 0.02 dB
# (codec v2 log, session 7).
CHROMA_DEADZONE_EXTRA = 0.1
# Session 7's search coded working pictures under this many pixels with the traversal coder and
# sized them by coding (numpy's per-band overhead outweighed the arrays' gain); since the
# contexts of a plane are computed at once (``wavelet_plane``) arrays win at every size.
ARRAY_CODING_PIXELS = 4000


@dataclass(frozen=True)
class Source:
    """The image as the search needs it: the pixels, and an analysis-size reference made on
    first use (a search that compares no sizes needs none)."""

    array: np.ndarray  # uint8 (H, W, 3) or (H, W) at the image size
    colour: str
    analysis_long_side: int | None = None  # the reference's long side (None: the image's own size)

    @property
    def size(self) -> tuple[int, int]:
        return self.array.shape[1], self.array.shape[0]

    @cached_property
    def reference(self) -> np.ndarray:
        """uint8 at the analysis size: a box reduction (the image itself when it is as small)."""
        width, height = self.size
        scale = min(1.0, (self.analysis_long_side or max(width, height)) / max(width, height))
        if scale == 1.0:
            return self.array
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        return np.asarray(Image.fromarray(self.array).resize(size, Image.Resampling.BOX))

    @cached_property
    def gradient(self) -> np.ndarray:
        """Gradient magnitude of the reference's luma."""
        return _gradient(self.reference)

    @cached_property
    def reference_planes(self) -> list[np.ndarray]:
        """Y, Cb, Cr of the reference (for errors that weigh chroma): computed once."""
        return colour.rgb_to_planes(self.reference)

    @cached_property
    def _scratch(self) -> dict[tuple[str, tuple[int, ...]], np.ndarray]:
        return {}

    def scratch(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A float64 work array kept between calls (its contents are the caller's)."""
        key = (name, shape)
        if key not in self._scratch:
            self._scratch[key] = np.empty(shape)
        return self._scratch[key]

    @cached_property
    def image(self) -> Image.Image:
        return Image.fromarray(self.array)

    @cached_property
    def planes(self) -> tuple[np.ndarray, ...]:
        """Y - 128, Cb, Cr (or Y - 128) at the image size, float32 (``FAST_SEARCH`` off only)."""
        planes = colour.rgb_to_planes(self.array) if self.colour == "rgb" else colour.grey_to_planes(self.array)
        return tuple(p.astype(np.float32) for p in planes)


def source(array: np.ndarray, colour_name: str) -> Source:
    return Source(array, colour_name, ANALYSIS_LONG_SIDE)


def working_sizes(src: Source, payload_bytes: int) -> list[tuple[int, int]]:
    """Candidate working sizes: the budget's guess and its neighbours, never above the image."""
    width, height = src.size
    pixels = payload_bytes * 8 / BITS_PER_PIXEL
    long_guess = (pixels * max(width, height) / min(width, height)) ** 0.5
    sizes = []
    for factor in SIZE_FACTORS:
        long_side = int(min(W.MAX_SIDE, max(MIN_LONG_SIDE, round(long_guess * factor / 8) * 8)))
        scale = min(1.0, long_side / max(width, height))
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if size not in sizes:
            sizes.append(size)
    return sizes


def _resize(plane: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if plane.shape[::-1] == size:
        return plane.astype(np.float64)
    return np.asarray(Image.fromarray(plane, "F").resize(size, Image.Resampling.LANCZOS), dtype=np.float64)


@dataclass(frozen=True)
class Working:
    """One working size's wavelet coefficients, reused by every quantiser trial."""

    width: int
    height: int
    bands: tuple[list, ...]  # per plane, float
    image: np.ndarray | None = None  # the source at the working size, 8-bit (``FAST_SEARCH``)


# Session 8's search (codec v2 log): working planes resampled from the 8-bit image (Lanczos
# with Pillow's integer pre-reduction); sizes tried largest first, each size's quant predicted
# from the last, stopping when the error rises; the kept size fitted only as far finer as the
# bytes allow (the fill spends the rest); the smoothing strength judged at the working size.
# The same quality on Kodak in about half the time (with ``wavelet_plane``, 983 B in 69 ms
# instead of 174). False: session 7's search, which the conformance vectors of formats up to
# 1.5 record (with ANALYSIS_LONG_SIDE 384).
FAST_SEARCH = True
# At the working size the gradient differences are larger and fewer: this weight keeps
# HaarPSI where the analysis-size choice had it (2.0 there: -0.008 at 491-983 B; codec v2 log).
STRENGTH_GRADIENT_WEIGHT = 8.0
# Above this many payload bytes the largest candidate size is tried alone: on Kodak it won 44 of
# 48 images at 491 and 983 B, and skipping the others cost at most 0.02 dB and 0.0005 MS-SSIM
# on either half while a 983-B encode took 15 ms less (codec v2 log, session 9). Below it the
# search still pays: at 147 B the largest alone lost 0.14 dB.
SIZE_SEARCH_MAX_PAYLOAD = 300
REDUCING_GAP = 3.0  # Pillow's box pre-reduction keeps at least this many times the output size


def _planes_at(src: Source, width: int, height: int) -> tuple[list[np.ndarray], np.ndarray | None]:
    """The coded planes (float) at their sizes (``W.plane_sizes``), and with ``FAST_SEARCH``
    the 8-bit image at the working size they came from.

    Resampled from the 8-bit image, then converted: resampling and the colour transform are
    both linear, so the order changes only the rounding to 8 bits at the working size."""
    sizes = W.plane_sizes(width, height, src.colour)
    if not FAST_SEARCH:
        return [_resize(p, s) for p, s in zip(src.planes, sizes, strict=False)], None
    out: list[np.ndarray] = []
    working = src.array
    for index, size in enumerate(sizes):
        if index == 0 or size != sizes[index - 1]:
            pixels = src.array
            if src.size != size:
                pixels = np.asarray(src.image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP))
            planes = colour.rgb_to_planes(pixels) if src.colour == "rgb" else colour.grey_to_planes(pixels)
            if index == 0:
                working = pixels
        out.append(planes[index])
    return out, working


def analyse(src: Source, width: int, height: int) -> Working:
    planes, image = _planes_at(src, width, height)
    bands = [lifting.forward(plane, lifting.levels_for(plane.shape[1], plane.shape[0])) for plane in planes]
    return Working(width, height, tuple(bands), image)


def picture(
    work: Working, indices: list[list], quant: int, colour_name: str, strength: int = 0, chroma_shift: int = 0
) -> np.ndarray:
    """The decoder's working picture from known indices (same integer path, no entropy decode)."""
    unsmoothed = W.unsmoothed_picture(indices, quant, work.width, work.height, colour_name, chroma_shift)
    return smoothing.smooth(unsmoothed, strength)


def quantised(
    work: Working, quant: int, deadzone: W.DeadZone = -1.0, chroma_shift: int = 0, chroma_extra: float | None = None
) -> list:
    """The encoder's indices at ``quant``: kind 3's dead zones (``W.quantise``), on chroma wider by
    ``CHROMA_DEADZONE_EXTRA`` unless ``chroma_extra`` says otherwise (kind 4 passes 0)."""
    extra = CHROMA_DEADZONE_EXTRA if chroma_extra is None else chroma_extra
    return [W.quantise(b, quant, plane, chroma_shift, deadzone, extra) for plane, b in enumerate(work.bands)]


FILL = True  # spend the bytes the finest fitting quant leaves (wavelet_fill); False for experiments


def descriptor(work: Working, quant: int, deadzone: W.DeadZone = -1.0, kind: int = W.KIND) -> Descriptor | None:
    """The entry at ``quant`` (dead zones as ``W.quantise`` takes them), or None when an index
    would exceed the coder's bound. ``kind`` 5 codes the same indices as an embedded stream."""
    indices = quantised(work, quant, deadzone)
    if not all(W.check_magnitudes(b) for b in indices):
        return None
    if kind == E.KIND:
        if E.plane_count(indices) > E.MAX_PLANES:
            return None
        return Descriptor(E.KIND, E.VERSION, quant, E.encode_payload(work.width, work.height, indices))
    version = W.VERSION
    if not FAST_SEARCH and work.width * work.height < ARRAY_CODING_PIXELS:  # the same bytes
        payload = W.encode_payload(work.width, work.height, [W.as_lists(b) for b in indices], version=version)
    else:
        enc = rc.Encoder()
        luma, chroma = W.new_contexts(version, "luma"), W.new_contexts(version, "chroma")
        for plane, bands in enumerate(indices):
            encode_plane(enc, chroma if plane else luma, bands, version)
        payload = W.header(work.width, work.height) + enc.finish()
    return Descriptor(W.KIND, version, quant, payload)


def fit_quant(
    work: Working,
    fits: Callable[[Descriptor], bool],
    payload_bytes: int,
    start: int,
    build: Callable[[Working, int], Descriptor | None] | None = None,
    max_quant: int = W.MAX_QUANT,
    finest: bool = True,
) -> Descriptor | None:
    """The entry with the smallest (finest) quant up to ``max_quant`` that fits, or None.
    ``build`` makes the entry at a quant (default: kind 3's ``descriptor``). ``finest`` False:
    a quant that fits, tried finer only while the bytes left allow a step (``BYTES_PER_QUANT``)
    (the search's fill spends what a step would have).

    Payload bytes fall about 6% per quant step, so one jump from ``start`` by the logarithm
    of the size ratio lands within a step or two; then it walks to the boundary. Each trial
    is a real coding pass, so this takes 2-3 passes (1-2 not ``finest``) where a bisection
    over 0..191 takes 8-9.
    """
    tried: dict[int, Descriptor | None] = {}

    make = build or descriptor

    def entry_at(quant: int) -> Descriptor | None:
        if quant not in tried:
            entry = make(work, quant)
            tried[quant] = entry if entry is not None and fits(entry) else None
            sizes[quant] = len(entry.payload) if entry is not None else 1 << 30
        return tried[quant]

    def finer_may_fit(quant: int) -> bool:
        return finest or sizes[quant] * BYTES_PER_QUANT <= payload_bytes

    sizes: dict[int, int] = {}
    quant = min(max(start, 0), max_quant)
    entry_at(quant)
    steps = math.log(max(sizes[quant], 1) / max(payload_bytes, 1)) / math.log(BYTES_PER_QUANT)
    quant = min(max(quant + (round(steps) if finest else math.ceil(steps)), 0), max_quant)
    if entry_at(quant) is not None:
        while quant > 0 and finer_may_fit(quant) and entry_at(quant - 1) is not None:
            quant -= 1
        return tried[quant]
    while quant < max_quant:
        quant += 1
        if entry_at(quant) is not None:
            return tried[quant]
    return None


def errors_at(
    src: Source,
    work: Working,
    quant: int,
    strengths: tuple[int, ...],
    gradient_weight: float = GRADIENT_WEIGHT,
    chroma_shift: int = 0,
    chroma_weight: float = 0.0,
    deadzone: W.DeadZone = -1.0,
    chroma_extra: float | None = None,
) -> list[float]:
    """Per smoothing strength, the error (``picture_error``) of the decoder's picture at ``quant``
    (the indices are known: no entropy decode)."""
    indices = quantised(work, quant, deadzone, chroma_shift, chroma_extra)
    unsmoothed = picture(work, indices, quant, src.colour, 0, chroma_shift)
    return [picture_error(src, smoothing.smooth(unsmoothed, s), gradient_weight, chroma_weight) for s in strengths]


def picture_error(
    src: Source, working_picture: np.ndarray, gradient_weight: float = GRADIENT_WEIGHT, chroma_weight: float = 0.0
) -> float:
    """Squared error of the picture resampled to the analysis size, plus ``gradient_weight`` x
    that of the luma gradient magnitude, plus ``chroma_weight`` x that of Cb and Cr.

    Computed in the source's scratch arrays (a search calls this a dozen times at one size:
    fresh megabyte temporaries cost more in page faults than the arithmetic)."""
    h, w = src.reference.shape[:2]
    up = src.scratch("up", src.reference.shape)
    if working_picture.shape[:2] == (h, w):  # the resampler's taps are then (0, 1, 0, 0): a copy
        up[...] = working_picture
    else:
        resample.resize_float(working_picture, w, h, out=up)
    np.clip(up, 0, 255, out=up)
    difference = src.scratch("difference", up.shape)
    np.subtract(up, src.reference, out=difference)
    np.multiply(difference, difference, out=difference)
    error = float(difference.mean())
    if chroma_weight and up.ndim == 3:
        ours, theirs = colour.rgb_to_planes(up), src.reference_planes
        error += chroma_weight * sum(float(np.mean((ours[i] - theirs[i]) ** 2)) for i in (1, 2))
    if gradient_weight:
        gradient = _gradient(up, src.scratch)
        np.subtract(gradient, src.gradient, out=gradient)
        np.multiply(gradient, gradient, out=gradient)
        error += gradient_weight * float(gradient.mean())
    return error


Scratch = Callable[[str, tuple[int, ...]], np.ndarray]


def _new_array(name: str, shape: tuple[int, ...]) -> np.ndarray:
    return np.empty(shape)


def _gradient(image: np.ndarray, scratch: Scratch = _new_array) -> np.ndarray:
    """Gradient magnitude of the mean of R, G, B: central differences inside, one-sided at the
    edges (``np.gradient``'s values, computed in ``scratch`` arrays)."""
    image = image.astype(np.float64, copy=False)
    shape = image.shape[:2]
    luma = scratch("luma", shape)
    if image.ndim == 3:
        # the mean of R, G, B summed in order: the same bits as ``image.mean(-1)``, four times faster
        np.add(image[..., 0], image[..., 1], out=luma)
        np.add(luma, image[..., 2], out=luma)
        np.divide(luma, 3, out=luma)
    else:
        luma[...] = image
    gy, gx = scratch("gy", shape), scratch("gx", shape)
    for f, g in ((luma, gy), (luma.T, gx.T)):  # along rows of the transposed views: axis 1
        if f.shape[0] < 2:
            g.fill(0.0)
            continue
        np.subtract(f[2:], f[:-2], out=g[1:-1])
        np.divide(g[1:-1], 2.0, out=g[1:-1])
        np.subtract(f[1], f[0], out=g[0])
        np.subtract(f[-1], f[-2], out=g[-1])
    return np.hypot(gx, gy, out=gx)


def estimated_quant(work: Working, payload_bytes: int, start: int) -> int | None:
    """About the finest quant whose payload fits ``payload_bytes``, or None if the coarsest does not.

    Sizes come from ``wavelet_rate`` (without ``FAST_SEARCH``, pictures under
    ``ARRAY_CODING_PIXELS`` from a real coding pass). One jump from ``start`` by the
    logarithm of the size ratio (bytes fall ~6% per step), one secant step between the two
    sizes seen, one check: enough to compare working sizes; the kept one is then fitted
    exactly (``fit_quant``). A ``start`` within a step of the answer costs one or two sizes."""
    small = not FAST_SEARCH and work.width * work.height < ARRAY_CODING_PIXELS
    seen: dict[int, float] = {}

    def size(quant: int) -> float:
        if quant not in seen:
            if small:
                entry = descriptor(work, quant)
                seen[quant] = len(entry.payload) if entry is not None else math.inf
            else:
                indices = quantised(work, quant)
                seen[quant] = wavelet_rate.payload_bytes(indices, W.priors_file(W.VERSION), W.HEADER_BYTES, W.VERSION)
        return seen[quant]

    def clamp(quant: float) -> int:
        return int(min(max(quant, 0), W.MAX_QUANT))

    first = clamp(start)
    first_size = size(first)
    step = math.log(BYTES_PER_QUANT)
    quant = clamp(first + round(math.log(max(first_size, 1) / max(payload_bytes, 1)) / step))
    quant_size = size(quant)
    if quant != first and math.isfinite(first_size) and math.isfinite(quant_size) and quant_size != first_size:
        slope = (math.log(quant_size) - math.log(first_size)) / (quant - first)  # log bytes per step, < 0
        if slope < 0:
            quant = clamp(quant + math.ceil((math.log(payload_bytes) - math.log(quant_size)) / slope))
            quant_size = size(quant)
    if quant_size > payload_bytes:
        quant = clamp(quant + 1)
        if size(quant) > payload_bytes and quant == W.MAX_QUANT:
            return None
    return quant


def search(
    src: Source, payload_bytes: int, fits: Callable[[Descriptor], bool], kind: int = W.KIND
) -> Descriptor | None:
    """The best-scoring entry over the candidate working sizes, or None if none fits.

    Sizes are compared at their estimated quantisers (``wavelet_rate``, no coding); only the
    kept size is coded, to the finest quant whose whole file fits. ``kind`` 3 or 5 (the same
    indices, coded as an embedded stream)."""

    def build(work: Working, quant: int, deadzone: W.DeadZone = -1.0) -> Descriptor | None:
        return descriptor(work, quant, deadzone, kind)

    candidates: list[tuple[float, Working, int]] = []
    start, pixels = START_QUANT, 0
    sizes = working_sizes(src, max(1, payload_bytes))
    if FAST_SEARCH:
        sizes = sorted(sizes, reverse=True)[: 1 if payload_bytes > SIZE_SEARCH_MAX_PAYLOAD else None]
    for width, height in sizes:
        work = analyse(src, width, height)
        if pixels and FAST_SEARCH:  # bytes grow about as the pixel count: start where the last size's quant says
            start += round(math.log(width * height / pixels) / math.log(BYTES_PER_QUANT))
        quant = estimated_quant(work, payload_bytes, start)
        if quant is None:
            continue
        start, pixels = quant, width * height
        error = errors_at(src, work, quant, (0,))[0] if len(sizes) > 1 else 0.0  # one size: nothing to compare
        if FAST_SEARCH and candidates and error > candidates[-1][0]:
            break  # the error falls to one smallest size and rises after it: smaller ones lose too
        candidates.append((error, work, quant))
    for _, work, quant in sorted(candidates, key=lambda c: c[0]):
        entry = fit_quant(work, fits, payload_bytes, quant, build, finest=not FAST_SEARCH)
        if entry is not None:
            break
    else:
        return None
    if FILL:
        entry, deadzone = wavelet_fill.fill(
            work.bands,
            entry,
            payload_bytes,
            fits,
            lambda zones: build(work, entry.quant, zones),
            chroma_extra=CHROMA_DEADZONE_EXTRA,
        )
    else:
        deadzone = W.DEADZONE
    smoothed = [s for s in STRENGTHS if s]
    if work.image is not None:  # FAST_SEARCH: against the source at the working size
        at_work = Source(work.image, src.colour)
        scores = errors_at(at_work, work, entry.quant, (0, *smoothed), STRENGTH_GRADIENT_WEIGHT, deadzone=deadzone)
    else:
        scores = errors_at(src, work, entry.quant, (0, *smoothed), deadzone=deadzone)
    strength = [0, *smoothed][scores.index(min(scores))]
    return Descriptor(
        entry.kind, entry.version, entry.quant, entry.payload[:2] + bytes((strength,)) + entry.payload[3:]
    )


def smallest(src: Source, kind: int = W.KIND) -> Descriptor:
    """The smallest entry the search can make (coarsest quantiser, smallest size)."""
    width, height = working_sizes(src, 1)[0]
    entry = descriptor(analyse(src, width, height), W.MAX_QUANT, kind=kind)
    assert entry is not None
    return entry
