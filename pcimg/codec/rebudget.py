"""Re-budget a .pci without the original image: a smaller file from a larger one.

The base layer is re-encoded from the file's own working picture (kinds 3 and 4: the exact
small picture the decoder makes; kind 1: its base layer drawn at a working size), never from
pixels at the file's full size, so the cost follows the working picture, not the photograph.
Header, models, recipe and seed are kept; a machine-written prompt may lose trailing words, a
person's prompt (or one of unknown origin) is kept whole or dropped whole, as the encoder
does; ancillary parts safe to copy stay when they take at most a quarter of the budget, the
others (the decode digest, the encoder part) go, as for any edit. Texture (kind 2) is not
kept: it measured full-resolution detail the working picture no longer has. That takes an
encode's time (~50-150 ms).

A file whose base layer is kind 5 (an embedded stream, ``encode(..., base="embedded")``) kept
to at least EMBEDDED_CUT_SHARE of its size, or a kind-3 file kept to at least TRANSCODE_SHARE
(its indices re-coded as kind 5 first, ~30 ms, no pixel decode), is instead cut: its payload
keeps the bytes that fit and is marked as cut, the rest of the file is re-framed, nothing is
decoded or encoded but the LL bands, to check the cut holds them (under a millisecond;
spec/CODEC.md section 11). Below those shares a re-encode gives the better picture, so
``method="auto"`` re-encodes there; ``"cut"`` cuts at every budget the LL bands fit (the
fastest), ``"encode"`` always re-encodes. A budget too small for the LL bands (a placeholder
of a few dozen bytes) is re-encoded whatever the method.

A file with alternate base layers (SPEC.md 6.9, ``encode(..., alternates=...)``) asked for about
one of their sizes (its file at least ALTERNATE_SHARE of the budget) gets that alternate as its
base under ``method="auto"``: a re-framing in about a millisecond, and the picture of a direct
encode at that size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PIL import Image

from ..errors import PciError
from ..format.container import Descriptor, PciFile, Prompt, write, written_size
from ..format.registry import is_safe_to_copy
from . import wavelet_colour, wavelet_embedded, wavelet_thumb
from .encoder import PROMPT_SHARE, encode_image
from .parametric import BASE_KINDS, render

PERSON = "pcimg/user-prompt"
DESCRIPTOR_CAPTIONER = "pcimg/descriptor-captioner"
KIND1_WORKING_LONG_SIDE = 256  # a kind-1 base layer is drawn at this size to re-encode it
ANCILLARY_SHARE = 0.25
# A kind-3 file re-budgeted to at least this share of its size is re-coded as kind 5 and cut:
# from 983-B files (held-out Kodak) +0.31 / +0.27 dB and +0.023 / +0.005 MS-SSIM against
# re-encoding at 700 / 491 B; at 300 B mixed (+0.15 dB, -0.004), below worse (codec v2 log).
TRANSCODE_SHARE = 0.4
# A kind-5 file re-budgeted to less than this share of its size is re-encoded (``method="auto"``):
# from 983-B files (Kodak, both halves) the re-encode beats the cut on PSNR, MS-SSIM and HaarPSI
# at 246, 200 and 147 B (147 B: -0.11 dB / -0.0010 MS-SSIM against a direct encode where the cut
# is -0.15 / -0.0199, held out), is mixed at 300 B and worse from 393 B up (codec v2 log, session 11).
EMBEDDED_CUT_SHARE = 1 / 3
# An alternate base layer (SPEC.md 6.9) stands in for a re-encode when its file takes at least
# this share of the budget: a server asks for the sizes it stored alternates for; a much smaller
# one would lose to a re-encode at the budget (147 against 200 B: 0.028 MS-SSIM, codec v2 log).
ALTERNATE_SHARE = 0.9
METHODS = ("auto", "cut", "encode")
Sizer = Callable[[PciFile], int]  # a candidate's written size
LENGTH_SLACK = 4  # bytes by which length fields may differ between two framings of one file


def working_picture(pci: PciFile) -> Image.Image:
    """The base layer as a small picture: kind 3, 4 or 5's working picture, else the base drawn small."""
    mode = "RGB" if pci.colour == "rgb" else "L"
    entry = pci.descriptor(wavelet_colour.KIND)
    if entry is not None:  # before the decoder's smoothing: the new file chooses its own
        width, height, planes = wavelet_colour.decode_payload(entry.payload, pci.colour, entry.version)
        array = wavelet_colour.unsmoothed_picture(planes, entry.quant, width, height, pci.colour)
        return Image.fromarray(array, mode)
    entry = pci.descriptor(wavelet_embedded.KIND)
    if entry is not None:
        picture = wavelet_embedded.unsmoothed_picture(entry.payload, entry.quant, pci.colour, entry.version)
        return Image.fromarray(picture, mode)
    entry = pci.descriptor(wavelet_thumb.KIND)
    if entry is not None:
        return Image.fromarray(wavelet_thumb.working_image(entry.payload, entry.quant, pci.colour, pci.width,
                                                           pci.height), mode)  # fmt: skip
    scale = min(1.0, KIND1_WORKING_LONG_SIDE / max(pci.width, pci.height))
    size = (max(1, round(pci.width * scale)), max(1, round(pci.height * scale)))
    return render(pci, size, detail=False)


def rebudget(pci: PciFile, max_bytes: int, bare: bool = False, method: str = "auto") -> PciFile:
    """``pci`` in at most ``max_bytes`` (in the bare form when ``bare``); unchanged if it fits.
    ``method``: "auto" puts in an alternate base layer stored for about that size (SPEC.md 6.9),
    else cuts or re-encodes, whichever measured better at that share of the size; "cut" cuts
    wherever the LL bands fit (under a millisecond for kind 5); "encode" re-encodes."""
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 1:
        raise PciError(f"max_bytes must be a positive integer, not {max_bytes!r}", field="max_bytes")
    if method not in METHODS:
        raise PciError(f"method must be one of {', '.join(METHODS)}, not {method!r}", field="method")
    size = written_size(pci, bare=bare)
    if size <= max_bytes:
        return pci
    captioner = pci.model("captioner")
    machine = captioner is not None and captioner.id != PERSON  # no captioner: treated as a person's
    if not any(d.kind in BASE_KINDS for d in pci.descriptors):
        return _without_base(pci, max_bytes, bare, machine)
    if method == "auto" and pci.alternates:  # a direct encode stored for about this size: the best there is
        alternate = _alternate(pci, max_bytes, bare, machine, size)
        if alternate is not None:
            return alternate
    embedded = None if method == "encode" else _cut_source(pci, max_bytes / size, method)
    if embedded is not None:
        cut = _cut(embedded.replace(alternates=()), max_bytes, bare, machine)
        if cut is not None:
            return cut  # else a budget below the LL bands: a placeholder re-encoded, as for other kinds
    others = tuple(m for m in pci.models if m.role != "captioner")
    picture = working_picture(pci)

    def encoded(prompt: str | None, max_bytes: int) -> PciFile:
        return encode_image(
            picture,
            prompt=prompt,
            captioner=captioner,
            max_bytes=max_bytes,
            seed=pci.seed,
            use_texture=False,
            trim_prompt=machine,
            redundant_prompt=captioner is not None and captioner.id == DESCRIPTOR_CAPTIONER,
            models=others,
            recipe=pci.recipe,
            bare=bare,
            declared_size=(pci.width, pci.height),
        )

    # ancillary parts safe to copy (metadata, source, unknown ones with bit 6) stay when they
    # take at most ANCILLARY_SHARE of the budget: their bytes are set aside before encoding
    ancillary = {"metadata": pci.metadata, "source": pci.source,
                 "extra_parts": tuple(p for p in pci.extra_parts if is_safe_to_copy(p.type))}  # fmt: skip
    without = pci.replace(metadata=(), source=None, extra_parts=(), encoder=None, digest=None)
    reserve = len(write(pci.replace(**ancillary, encoder=None, digest=None), bare=bare)) - len(
        write(without, bare=bare)
    )
    keep = 0 < reserve <= ANCILLARY_SHARE * max_bytes
    text = pci.prompt.text if pci.prompt else None
    budget = max_bytes - reserve if keep else max_bytes
    try:
        base = encoded(text, budget)
    except PciError as exc:
        if exc.field != "max_bytes" or text is None or machine:
            raise
        base = encoded(None, budget)  # a person's prompt that no longer fits is dropped whole, never cut
    kept = base.replace(minor_version=max(base.minor_version, pci.minor_version))
    if keep:
        with_parts = kept.replace(**ancillary)
        if len(write(with_parts, bare=bare)) <= max_bytes:  # framing of the parts is in ``reserve``
            kept = with_parts
    return kept


def _without_base(pci: PciFile, max_bytes: int, bare: bool, machine: bool) -> PciFile:
    """A file with no picture (a prompt alone): ancillary parts go first, then a machine
    prompt's trailing words; a person's prompt is never cut, so then nothing fits."""
    lean = pci.replace(encoder=None, digest=None, metadata=(), source=None, extra_parts=())
    for candidate in (pci.replace(encoder=None, digest=None), lean):
        if len(write(candidate, bare=bare)) <= max_bytes:
            return candidate
    words = pci.prompt.text.split() if (pci.prompt and machine) else []
    while len(words) > 1:
        words.pop()
        shorter = lean.replace(prompt=Prompt.smallest(" ".join(words)))
        if len(write(shorter, bare=bare)) <= max_bytes:
            return shorter
    raise PciError(f"budget of {max_bytes} bytes is too small for this file's prompt ("
                   f"{len(write(lean, bare=bare))} bytes without its ancillary parts)", field="max_bytes")  # fmt: skip


def _cut(pci: PciFile, max_bytes: int, bare: bool, machine: bool) -> PciFile | None:
    """Kind 5: the payload cut to what the budget leaves, the rest of the file kept as the
    re-encoding path keeps it (prompt rules, ancillary parts up to a quarter of the budget).
    Sizes are built, not written (a write reads its result back); ``rebudget``'s caller writes the kept one."""
    entry = pci.descriptor(wavelet_embedded.KIND)
    assert entry is not None

    def size(candidate: PciFile) -> int:
        return written_size(candidate, bare=bare)

    lean, whole = _lean(pci, entry, max_bytes, size)
    for index, candidate in enumerate(_prompt_choices(lean, machine)):
        fitted = _cut_to(candidate, entry, max_bytes, size, whole if index == 0 else None)
        kept = fitted.descriptor(wavelet_embedded.KIND) if fitted is not None else None
        if kept is not None and wavelet_embedded.carries_ll(kept.payload, pci.colour, kept.version):
            return fitted
    return None


def _lean(pci: PciFile, entry: Descriptor, max_bytes: int, size: Sizer) -> tuple[PciFile, int | None]:
    """The file with ``entry`` as its only descriptor, as a cut or an alternate keeps it: no
    encoder, digest or alternates; safe-to-copy ancillary parts when they take at most
    ANCILLARY_SHARE of the budget; the descriptor captioner's prompt unless it takes more than
    PROMPT_SHARE. Also the result's size when it was measured (else None)."""
    captioner = pci.model("captioner")
    lean = pci.replace(encoder=None, digest=None, alternates=(), descriptors=(entry,))
    if lean.metadata or lean.source is not None or lean.extra_parts:
        bare_file = lean.replace(metadata=(), source=None, extra_parts=())
        safe = lean.replace(extra_parts=tuple(p for p in lean.extra_parts if is_safe_to_copy(p.type)))
        reserve = size(safe) - size(bare_file)
        lean = safe if 0 < reserve <= ANCILLARY_SHARE * max_bytes else bare_file
    # the descriptor captioner's words repeat the picture: gone when they take a large share
    redundant = lean.prompt is not None and captioner is not None and captioner.id == DESCRIPTOR_CAPTIONER
    whole = size(lean) if redundant else None
    if whole is not None and whole - size(_no_prompt(lean)) > PROMPT_SHARE * max_bytes:
        lean, whole = _no_prompt(lean), None
    return lean, whole


def _alternate(pci: PciFile, max_bytes: int, bare: bool, machine: bool, total: int) -> PciFile | None:
    """The file with its largest alternate that fits as its base layer (SPEC.md 6.9), the
    prompt as a cut keeps it; None when none fits or the one that fits takes less than
    ALTERNATE_SHARE of the budget. A re-framing: nothing is decoded or encoded. ``total``: the
    file's written size."""

    def size(candidate: PciFile) -> int:
        return written_size(candidate, bare=bare)

    base = next((d for d in pci.descriptors if d.kind in BASE_KINDS), None)
    stored = pci.part_sizes.get("alternates")  # a parsed file: the part's bytes, for a quick bound
    for entry in sorted(pci.alternates, key=lambda d: len(d.payload), reverse=True):
        if entry.kind not in BASE_KINDS:
            continue
        if base is not None and stored is not None:  # the file with this base is at most about this big
            bound = total - stored - len(base.payload) + len(entry.payload) + LENGTH_SLACK
            if bound < ALTERNATE_SHARE * max_bytes:
                return None  # this one, the largest left, is too small: smaller ones too
        lean, _ = _lean(pci, entry, max_bytes, size)
        fitted = next((c for c in _prompt_choices(lean, machine) if size(c) <= max_bytes), None)
        if fitted is not None:
            return fitted if size(fitted) >= ALTERNATE_SHARE * max_bytes else None
    return None


def _cut_source(pci: PciFile, share: float, method: str) -> PciFile | None:
    """The kind-5 file a cut to ``share`` of the size is made from, or None where ``method`` re-encodes."""
    if pci.descriptor(wavelet_embedded.KIND) is not None:
        return pci if method == "cut" or share >= EMBEDDED_CUT_SHARE else None
    return _as_embedded(pci) if method == "cut" or share >= TRANSCODE_SHARE else None


def _as_embedded(pci: PciFile) -> PciFile | None:
    """A kind-3 file with its indices re-coded as kind 5 (the same picture, no pixel decode),
    or None when it has no kind-3 base or a smoothing strength kind 5 cannot carry."""
    entry = pci.descriptor(wavelet_colour.KIND)
    if entry is None or len(entry.payload) < wavelet_colour.HEADER_BYTES:
        return None
    if entry.payload[2] > wavelet_embedded.STRENGTH_MASK:
        return None
    width, height, planes = wavelet_colour.decode_payload(entry.payload, pci.colour, entry.version)
    if wavelet_embedded.plane_count(planes) > wavelet_embedded.MAX_PLANES:
        return None
    payload = wavelet_embedded.encode_payload(width, height, planes, entry.payload[2])
    embedded = Descriptor(wavelet_embedded.KIND, wavelet_embedded.VERSION, entry.quant, payload)
    return pci.replace(descriptors=(embedded,))


def _prompt_choices(template: PciFile, machine: bool) -> Iterator[PciFile]:
    """The file with its prompt, then (a machine prompt) fewer and fewer words, then none:
    made one at a time, as each coding of a prompt costs a millisecond."""
    yield template
    if template.prompt is None:
        return
    words = template.prompt.text.split() if machine else []
    for n in range(len(words) - 1, 0, -1):
        yield template.replace(prompt=Prompt.smallest(" ".join(words[:n])))
    yield _no_prompt(template)


def _no_prompt(pci: PciFile) -> PciFile:
    return pci.replace(prompt=None, models=tuple(m for m in pci.models if m.role != "captioner"))


def _cut_to(
    template: PciFile, entry: Descriptor, max_bytes: int, size: Callable[[PciFile], int], whole: int | None = None
) -> PciFile | None:
    """``template`` with the entry's payload cut to the most bytes that fit, or None. Cutting
    ``d`` bytes shrinks the file by ``d`` plus at most two length-field bytes: one size (the
    template's own, ``whole``, when known) tells how far to cut, a second confirms (and hands
    back any byte the length fields freed)."""

    def with_payload(length: int) -> PciFile:
        cut = Descriptor(entry.kind, entry.version, entry.quant, wavelet_embedded.cut(entry.payload, length))
        return template.replace(descriptors=(cut,))

    length = len(entry.payload)
    over = (size(with_payload(length)) if whole is None else whole) - max_bytes
    if over <= 0:
        return with_payload(length)
    length -= over
    if length < wavelet_embedded.HEADER_BYTES:
        return None
    spare = max_bytes - size(with_payload(length))
    if spare > 0:  # the length fields shrank: give those bytes back, unless they grow again
        longer = with_payload(min(length + spare, len(entry.payload) - 1))
        if size(longer) <= max_bytes:
            return longer
    return with_payload(length)
