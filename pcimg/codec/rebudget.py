"""Re-budget a .pci without the original image: a smaller file from a larger one.

The base layer is re-encoded from the file's own working picture (kinds 3 and 4: the exact
small picture the decoder makes; kind 1: its base layer drawn at a working size), never from
pixels at the file's full size, so the cost follows the working picture, not the photograph.
Header, models, recipe and seed are kept; a machine-written prompt may lose trailing words, a
person's prompt (or one of unknown origin) is kept whole or dropped whole, as the encoder
does; ancillary parts safe to copy stay when they take at most a quarter of the budget, the
others (the decode digest, the encoder part) go, as for any edit. Texture (kind 2) is not
kept: it measured full-resolution detail the working picture no longer has. Not a prefix cut: the kinds of this
format version are not embedded streams (issue 13 and the codec v2 log say what would make
it one), so this takes an encode's time (~50-150 ms), not a millisecond.
"""

from __future__ import annotations

from PIL import Image

from ..errors import PciError
from ..format.container import PciFile, Prompt, write
from ..format.registry import is_safe_to_copy
from . import wavelet_colour, wavelet_thumb
from .encoder import encode_image
from .parametric import BASE_KINDS, render

PERSON = "pcimg/user-prompt"
DESCRIPTOR_CAPTIONER = "pcimg/descriptor-captioner"
KIND1_WORKING_LONG_SIDE = 256  # a kind-1 base layer is drawn at this size to re-encode it
ANCILLARY_SHARE = 0.25


def working_picture(pci: PciFile) -> Image.Image:
    """The base layer as a small picture: kind 3 or 4's working picture, else the base drawn small."""
    mode = "RGB" if pci.colour == "rgb" else "L"
    entry = pci.descriptor(wavelet_colour.KIND)
    if entry is not None:  # before the decoder's smoothing: the new file chooses its own
        width, height, planes = wavelet_colour.decode_payload(entry.payload, pci.colour)
        array = wavelet_colour.unsmoothed_picture(planes, entry.quant, width, height, pci.colour)
        return Image.fromarray(array, mode)
    entry = pci.descriptor(wavelet_thumb.KIND)
    if entry is not None:
        return Image.fromarray(wavelet_thumb.working_image(entry.payload, entry.quant, pci.colour, pci.width,
                                                           pci.height), mode)  # fmt: skip
    scale = min(1.0, KIND1_WORKING_LONG_SIDE / max(pci.width, pci.height))
    size = (max(1, round(pci.width * scale)), max(1, round(pci.height * scale)))
    return render(pci, size, detail=False)


def rebudget(pci: PciFile, max_bytes: int, bare: bool = False) -> PciFile:
    """``pci`` in at most ``max_bytes`` (in the bare form when ``bare``); unchanged if it fits."""
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 1:
        raise PciError(f"max_bytes must be a positive integer, not {max_bytes!r}", field="max_bytes")
    if len(write(pci, bare=bare)) <= max_bytes:
        return pci
    captioner = pci.model("captioner")
    machine = captioner is not None and captioner.id != PERSON  # no captioner: treated as a person's
    if not any(d.kind in BASE_KINDS for d in pci.descriptors):
        return _without_base(pci, max_bytes, bare, machine)
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
