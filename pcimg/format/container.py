"""The .pci v1 container: ``PciFile`` values, ``read`` and ``write``.

The bytes are described once, by ``schema.PCI_FILE`` (signature | version | header | parts |
CRC-32). This module turns its parsed values into ``PciFile`` and back, and checks the rules
that span fields (a role or metadata key once, registered models stored by code, ascending
descriptor kinds, the prompt decoding to its declared length).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import IO, Any, BinaryIO, Union

from ..errors import PciError
from ..primitives.atomic import open_regular, write_bytes_atomic
from . import prompt_codecs
from .registry import (
    COLOURS,
    DESCRIPTOR_KINDS,
    DIGEST_ALGORITHMS,
    LIMITS,
    MAJOR,
    MODELS,
    PARTS,
    PROMPT_CODECS,
    ROLES,
    SCHEDULERS,
    SIGNATURE,
    Table,
    is_ancillary,
    is_safe_to_copy,
)
from .schema import (
    CRC_BYTES,
    HEADER,
    MODEL_FORM_CODE,
    MODEL_FORM_ID,
    MODEL_FORM_ID_DIGEST,
    PCI_BARE,
    PCI_FILE,
    PCI_HEAD,
    PROMPT_RAW,
    FieldError,
    build_payload,
    encode_varint,
    parse_fields,
)

UNREGISTERED_PREFIX = "registry:"
PIXEL_DIGEST = "sha256-rgb8"
CRITICAL_FIELDS = frozenset(("width", "height", "colour", "seed", "models", "recipe", "descriptors", "prompt"))

Source = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", BinaryIO, IO[bytes]]


@dataclass(frozen=True)
class ModelRef:
    """A model named by the manifest: a registered name (stored as a code) or a hub id.

    ``id`` of the form ``registry:N`` stands for registry code N that this reader does
    not know (a newer minor version's registry).
    """

    role: str
    id: str
    revision: str = ""
    digest: bytes = b""

    @property
    def code(self) -> int | None:
        """Registry code used on disk, or None when the id is stored as text."""
        if self.revision or self.digest:
            return None
        if self.id.startswith(UNREGISTERED_PREFIX):
            return int(self.id[len(UNREGISTERED_PREFIX) :])
        entry = MODELS.by_name(self.id)
        return entry.code if entry else None


@dataclass(frozen=True)
class Recipe:
    """Generator parameters that change the output; integers only (exact round trip)."""

    steps: int = 0
    strength_permille: int = 0
    guidance_tenths: int = 0
    scheduler: str = "default"
    work_width: int = 0
    work_height: int = 0


@dataclass(frozen=True)
class Descriptor:
    """One descriptor entry: a kind from the registry, its version, quantizer and payload."""

    kind: int
    version: int
    quant: int
    payload: bytes
    # where kind, version, quant and payload start in the data, when parsed (decode-stage errors name them)
    offsets: tuple[int, int, int, int] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Prompt:
    """A coded prompt. ``payload`` is what is stored; ``text`` is what it decodes to."""

    codec: str
    text: str
    payload: bytes

    @classmethod
    def from_text(cls, text: str, codec: str = "brotli") -> Prompt:
        code = _registered(PROMPT_CODECS, codec, "prompt.codec")
        return cls(codec, text, prompt_codecs.encode_prompt(text, code))

    @classmethod
    def smallest(cls, text: str) -> Prompt:
        """The prompt coded with every available codec, keeping the smallest payload."""
        best = None
        for code in prompt_codecs.available():
            candidate = cls(PROMPT_CODECS.name(code), text, prompt_codecs.encode_prompt(text, code))
            if best is None or candidate.stored_size < best.stored_size:
                best = candidate
        assert best is not None
        return best

    @property
    def stored_size(self) -> int:
        """Bytes this prompt takes in the prompt part's payload."""
        size = 1 + len(self.payload)
        if self.codec != "raw":
            size += len(encode_varint(len(self.text.encode("utf-8"))))
        return size


@dataclass(frozen=True)
class EncoderInfo:
    name: str
    version: str = ""


@dataclass(frozen=True)
class DecodeDigest:
    """A digest of a reference decode's pixels (row-major, 8-bit samples), possibly truncated."""

    algorithm: str
    value: bytes

    @classmethod
    def of(cls, pixels: bytes, length: int = 8) -> DecodeDigest:
        return cls(PIXEL_DIGEST, hashlib.sha256(pixels).digest()[:length])

    @property
    def known(self) -> bool:
        """Whether this reader can check the digest (a newer minor version may add algorithms)."""
        return self.algorithm == PIXEL_DIGEST

    def matches(self, pixels: bytes) -> bool | None:
        """Whether ``pixels`` hash to this digest; None for an algorithm this reader lacks."""
        if not self.known:
            return None
        return hashlib.sha256(pixels).digest()[: len(self.value)] == self.value


@dataclass(frozen=True)
class SourceInfo:
    format: str
    size: int = 0


@dataclass(frozen=True)
class RawPart:
    """A part this reader does not know, kept byte-for-byte for read-modify-write."""

    type: int
    payload: bytes


@dataclass(frozen=True)
class PciFile:
    """Everything a .pci file holds, as an immutable value."""

    width: int
    height: int
    colour: str = "rgb"
    seed: int = 0
    models: tuple[ModelRef, ...] = ()
    recipe: Recipe | None = None
    descriptors: tuple[Descriptor, ...] = ()
    prompt: Prompt | None = None
    encoder: EncoderInfo | None = None
    digest: DecodeDigest | None = None
    alternates: tuple[Descriptor, ...] = ()  # smaller base layers a re-budgeter may put in place of the base
    metadata: tuple[tuple[str, str], ...] = ()
    source: SourceInfo | None = None
    extra_parts: tuple[RawPart, ...] = ()
    minor_version: int = 0  # the writer raises it to what the file uses (lowest_minor)
    part_sizes: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)

    def __post_init__(self) -> None:
        # Unknown parts are kept in file order, which the format fixes as ascending type.
        object.__setattr__(self, "extra_parts", tuple(sorted(self.extra_parts, key=lambda p: p.type)))
        object.__setattr__(self, "part_sizes", MappingProxyType(dict(self.part_sizes)))

    def model(self, role: str) -> ModelRef | None:
        """The manifest entry for a role, or None."""
        return next((m for m in self.models if m.role == role), None)

    @property
    def generator(self) -> ModelRef:
        """The generator that must decode this file; the embedded one when none is named."""
        return self.model("generator") or ModelRef("generator", "pcimg/parametric")

    def descriptor(self, kind: int) -> Descriptor | None:
        return next((d for d in self.descriptors if d.kind == kind), None)

    def replace(self, **changes: Any) -> PciFile:
        """A copy with ``changes``, edited as SPEC.md §5.2 asks of an editor.

        When a header field or a critical part changes, the ancillary parts that are not safe
        to copy (the decode ``digest``, the ``encoder`` part, the ``alternates``, unknown ones
        without bit 6) are dropped, unless ``changes`` sets them too. ``part_sizes`` describes a
        parsed file: dropped.
        """
        edited = {"part_sizes": {}, **changes}
        if any(name in CRITICAL_FIELDS and value != getattr(self, name) for name, value in changes.items()):
            for name, empty in (("encoder", None), ("digest", None), ("alternates", ())):
                if not is_safe_to_copy(PARTS.code(name)):
                    edited.setdefault(name, empty)
            edited.setdefault("extra_parts", tuple(p for p in self.extra_parts if is_safe_to_copy(p.type)))
        return replace(self, **edited)


# --------------------------------------------------------------------------- reading


def read(source: Source, *, bare: bool = False) -> PciFile:
    """Parse a .pci file from bytes, a path or a binary file object.

    ``bare=True`` reads the bare form (SPEC.md section 5.5); there a ``str`` is the form's
    base64url text, not a path (pass a ``pathlib.Path`` for a file that holds bare bytes).
    """
    if bare and isinstance(source, str):
        return parse(from_text(source), bare=True)
    return parse(read_bytes(source), bare=bare)


def read_bytes(source: Source) -> bytes:
    """The bytes of a .pci source, read under the file-size cap (never trusting a declared size)."""
    cap = LIMITS["max_file_bytes"]
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            with open_regular(source) as handle:
                data = handle.read(cap + 1)
        except OSError as exc:
            raise PciError(f"cannot read {os.fspath(source)!r}: {exc.strerror}", field="file") from None
    elif hasattr(source, "read"):
        data = source.read(cap + 1)
        if not isinstance(data, (bytes, bytearray)):
            raise PciError("file object must be opened in binary mode", field="file")
        data = bytes(data)
    else:
        raise PciError(f"cannot read a .pci from {type(source).__name__}", field="file")
    if len(data) > cap:
        raise PciError(f"file larger than max_file_bytes = {cap}", field="file", offset=cap)
    return data


def parse(data: bytes, *, bare: bool = False) -> PciFile:
    """Parse and validate a whole .pci file (or, with ``bare``, bare data) held in memory."""
    parsed = _parsed(PCI_BARE if bare else PCI_FILE, data)
    body = parsed.body
    header = body.header
    fields: dict[str, Any] = {
        "width": header.width,
        "height": header.height,
        "colour": COLOURS.name(header.colour),
        "seed": header.seed,
        "minor_version": parsed.version.minor,
    }
    sizes = {"version": 1} if bare else {"signature": len(SIGNATURE), "version": 2}
    sizes["header"] = body.header_size
    extra = []
    for part in body.parts:
        if part.name is None:
            extra.append(RawPart(part.type, part.value))
            sizes[f"0x{part.type:02x}"] = part.size
        else:
            fields[part.name] = _CONVERT[part.name](part.value, part.offset)
            sizes[part.name] = part.size
    if not bare:
        sizes["crc"] = CRC_BYTES
    if "prompt" not in fields and "descriptors" not in fields:
        end = len(data) - (0 if bare else CRC_BYTES)
        raise PciError("file has neither a prompt nor descriptors", field="parts", offset=end)
    return PciFile(**fields, extra_parts=tuple(extra), part_sizes=sizes)


def parse_header(data: bytes) -> tuple[int, int, str, int]:
    """(width, height, colour, minor version) after checking signature, version, CRC and
    header; parts unread.

    A valid file's signature, major version and CRC are compared as bytes and only its header's
    fields go through the schema (``parse_fields``; ``Image.open`` calls this for every file it
    is shown: 5 us instead of 24); anything else is parsed by ``PCI_HEAD`` as a whole, whose
    error it raises."""
    body_start = len(SIGNATURE) + 2
    end = len(data) - CRC_BYTES
    if (
        data[: len(SIGNATURE)] == SIGNATURE
        and len(data) > body_start + CRC_BYTES
        and data[len(SIGNATURE)] == MAJOR
        and zlib.crc32(data[:end]) == int.from_bytes(data[end:], "big")
    ):
        header = parse_fields(HEADER, data, body_start, end)
        if header is not None:
            return header["width"], header["height"], COLOURS.name(header["colour"]), data[len(SIGNATURE) + 1]
    parsed = _parsed(PCI_HEAD, data)
    header = parsed.body.header
    return header.width, header.height, COLOURS.name(header.colour), parsed.version.minor


def _parsed(schema, data: bytes):
    """``schema.parse(data)`` with its FieldError as pcimg's PciError."""
    try:
        return schema.parse(data)
    except FieldError as exc:
        raise PciError(exc.reason, field=exc.field, offset=exc.offset) from None


def _models(value, offset: int) -> tuple[ModelRef, ...]:
    refs: list[ModelRef] = []
    for entry in value.entries:
        role = ROLES.name(entry.role)
        if any(r.role == role for r in refs):
            raise PciError("a role appears twice in the manifest", field="models.role", offset=offset + entry.start)
        if entry.form == MODEL_FORM_CODE:
            refs.append(ModelRef(role, _registered_name(MODELS, entry.ref.code)))
            continue
        digest = bytes(entry.ref.digest) if entry.form == MODEL_FORM_ID_DIGEST else b""
        ref = ModelRef(role, entry.ref.id, entry.ref.revision, digest)
        if ref.code is not None:
            id_offset = offset + entry.start + 2  # after role and form
            raise PciError(f"registered model {ref.id!r} must be stored by code", field="models.id", offset=id_offset)
        refs.append(ref)
    return tuple(refs)


def _recipe(value, offset: int) -> Recipe:
    return Recipe(
        value.steps,
        value.strength_permille,
        value.guidance_tenths,
        SCHEDULERS.name(value.scheduler),
        value.work_width,
        value.work_height,
    )


def _descriptors(value, offset: int, part: str = "descriptors") -> tuple[Descriptor, ...]:
    """The entries of a descriptors part (kinds ascend) or an alternates part (payload lengths ascend)."""
    entries = tuple(
        Descriptor(e.kind, e.version, e.quant, bytes(e.payload),
                   (offset + e.start, offset + e.version_start, offset + e.quant_start, offset + _data_start(e)))
        for e in value.entries
    )  # fmt: skip
    limit, total = LIMITS["max_descriptor_bytes"], 0
    for index, (entry, parsed) in enumerate(zip(entries, value.entries, strict=True)):
        if index and part == "descriptors" and entry.kind <= entries[index - 1].kind:
            raise PciError("descriptor kinds must ascend without repeats", field="descriptors.kind",
                           offset=offset + parsed.start)  # fmt: skip
        if index and part == "alternates" and len(entry.payload) <= len(entries[index - 1].payload):
            raise PciError("alternates' payload lengths must ascend without repeats", field="alternates.payload",
                           offset=offset + parsed.payload_start)  # fmt: skip
        total += len(entry.payload)
        if total > limit:
            raise PciError(f"descriptor payloads total {total} bytes, over max_descriptor_bytes = {limit}",
                           field=f"{part}.payload", offset=offset + parsed.payload_start)  # fmt: skip
    return entries


def _data_start(entry) -> int:
    """Where an entry's payload bytes start: after its length (the bare form's lone entry has none)."""
    return entry.get("data_start", entry.payload_start + len(encode_varint(len(entry.payload))))


def _prompt(value, offset: int) -> Prompt:
    codec = PROMPT_CODECS.name(value.codec)
    text = prompt_codecs.decode_prompt(value.codec, value.length, bytes(value.data), offset=offset + value.data_start)
    return Prompt(codec, text, bytes(value.data))


def _metadata(value, offset: int) -> tuple[tuple[str, str], ...]:
    seen: set[str] = set()
    for entry in value.entries:
        if entry.key in seen:
            raise PciError("a metadata key appears twice", field="metadata.key", offset=offset + entry.start)
        seen.add(entry.key)
    return tuple((e.key, e["value"]) for e in value.entries)


_CONVERT = {
    "models": _models,
    "recipe": _recipe,
    "descriptors": _descriptors,
    "prompt": _prompt,
    "encoder": lambda v, o: EncoderInfo(v.name, v.version),
    "digest": lambda v, o: DecodeDigest(_registered_name(DIGEST_ALGORITHMS, v.algorithm), bytes(v["value"])),
    "alternates": lambda v, o: _descriptors(v, o, "alternates"),
    "metadata": _metadata,
    "source": lambda v, o: SourceInfo(v.format, v.size),
}

# --------------------------------------------------------------------------- writing


def write(pci: PciFile, *, bare: bool = False) -> bytes:
    """Serialise a PciFile (``bare``: in the bare form, SPEC.md section 5.5); the result is
    checked by the reader before it is returned."""
    data = _built(pci, bare)
    parse(data, bare=bare)  # a writer never emits what the reader rejects
    return data


def written_size(pci: PciFile, *, bare: bool = False) -> int:
    """``len(write(pci))`` without reading the result back: for searches over many candidates
    (re-budgeting), whose one kept file is then written with ``write``."""
    return len(_built(pci, bare))


def _built(pci: PciFile, bare: bool) -> bytes:
    if not isinstance(pci, PciFile):
        raise PciError(f"write expects a PciFile, not {type(pci).__name__}", field="file")
    for part in pci.extra_parts:
        if PARTS.by_code(part.type) is not None:
            raise PciError(f"extra part 0x{part.type:02x} is a registered type", field="part.type")
        if not is_ancillary(part.type):
            raise PciError(f"cannot write unknown critical part 0x{part.type:02x}", field="part.type")
    try:
        parts = [_part(name, getattr(pci, name)) for name in _PART_FIELDS if getattr(pci, name)]
    except FieldError as exc:
        raise PciError(exc.reason, field=exc.field) from None
    parts += [{"type": p.type, "name": None, "value": p.payload} for p in pci.extra_parts]
    header = {
        "width": pci.width,
        "height": pci.height,
        "colour": _registered(COLOURS, pci.colour, "header.colour"),
        "seed": pci.seed,
    }
    value = {
        "signature": SIGNATURE,
        "version": {"minor": max(pci.minor_version, lowest_minor(pci))},
        "body": {"header": header, "parts": sorted(parts, key=lambda p: p["type"])},
    }
    try:
        return PCI_BARE.build(value) if bare else PCI_FILE.build(value)
    except FieldError as exc:
        raise PciError(exc.reason, field=exc.field) from None


def _part(name: str, value: Any) -> dict:
    """A part for ``build_parts``: the descriptors as a value its schema builds (the bare form may
    lift their entry into its head), every other part as its payload bytes, memoised."""
    if name == "descriptors":
        return {"type": PARTS.code(name), "name": name, "value": _UNCONVERT[name](value)}
    try:
        payload = _small_part_payload(name, value)
    except TypeError:  # an unhashable value (a list where a tuple belongs): built, not memoised
        payload = build_payload(name, _UNCONVERT[name](value))
    return {"type": PARTS.code(name), "name": None, "value": payload}


@functools.lru_cache(maxsize=64)
def _small_part_payload(name: str, value: Any) -> bytes:
    """Why memoised: a size search (the encoder's budget fit, re-budgeting) rebuilds the same
    prompt, manifest and recipe for every candidate, and each build through construct costs
    10-25 us. These parts are small (a prompt is at most 4 KiB); the descriptors are not kept."""
    return build_payload(name, _UNCONVERT[name](value))


def lowest_minor(pci: PciFile) -> int:
    """The lowest minor version whose registries hold every descriptor kind (alternates too),
    prompt codec and the alternates part the file uses (SPEC section 3: a writer writes the
    lowest minor version its features need)."""
    needs = [PARTS.by_name("alternates").since if pci.alternates else 0]  # type: ignore[union-attr]
    for d in pci.descriptors + pci.alternates:
        kind = DESCRIPTOR_KINDS.by_code(d.kind)
        if kind is not None:
            needs.append(kind.since_for(d.version))
    codec = PROMPT_CODECS.by_name(pci.prompt.codec) if pci.prompt is not None else None
    if codec is not None:
        needs.append(codec.since)
    return max(needs)


def save(pci: PciFile, path: str | os.PathLike[str], *, bare: bool = False) -> None:
    """Write atomically: the path holds the old file or the whole new one."""
    write_bytes_atomic(path, write(pci, bare=bare))


# --------------------------------------------------------------------------- bare form as text


def to_text(data: bytes) -> str:
    """Bare (or any) bytes as unpadded base64url (RFC 4648 section 5): for JSON, HTML, a URL."""
    return base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode("ascii")


def from_text(text: str) -> bytes:
    """Unpadded base64url back to bytes; any other character, padding or a dangling 6 bits is an
    error naming its position in the text."""
    if not isinstance(text, str):
        raise PciError(f"base64url text must be a str, not {type(text).__name__}", field="text")
    cap = LIMITS["max_file_bytes"]
    if len(text) > (cap * 4 + 2) // 3:
        raise PciError(f"text longer than max_file_bytes = {cap} bytes encode to", field="text", offset=0)
    for index, char in enumerate(text):
        if char not in _BASE64URL:
            raise PciError(f"{char!r} is not a base64url character (A-Z a-z 0-9 - _, no padding)",
                           field="text", offset=index)  # fmt: skip
    if len(text) % 4 == 1:
        raise PciError("base64url text of 4n+1 characters (a dangling 6 bits)", field="text", offset=len(text) - 1)
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if to_text(data) != text:  # unused low bits of the last character must be 0: one text per value
        raise PciError("base64url text has non-zero unused bits in its last character", field="text",
                       offset=len(text) - 1)  # fmt: skip
    return data


_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


_PART_FIELDS = ("models", "recipe", "descriptors", "prompt", "encoder", "digest", "alternates", "metadata", "source")


def _registered_name(table: Table, code: int) -> str:
    """The registered name, or ``registry:N`` for a code this reader's registry lacks."""
    entry = table.by_code(code)
    return entry.name if entry else f"{UNREGISTERED_PREFIX}{code}"


def _registered(table, name: str, where: str) -> int:
    if name.startswith(UNREGISTERED_PREFIX) and name[len(UNREGISTERED_PREFIX) :].isdigit():
        return int(name[len(UNREGISTERED_PREFIX) :])  # kept from a file: written back as it was
    entry = table.by_name(name)
    if entry is None:
        raise PciError(f"unknown {table.title} {name!r}", field=where)
    return entry.code


def _unmodels(models: tuple[ModelRef, ...]) -> dict:
    entries = []
    for ref in models:
        role = _registered(ROLES, ref.role, "models.role")
        code = ref.code
        if code is not None:
            entries.append({"role": role, "form": MODEL_FORM_CODE, "ref": {"code": code}})
        elif ref.digest:
            entries.append(
                {
                    "role": role,
                    "form": MODEL_FORM_ID_DIGEST,
                    "ref": {"id": ref.id, "revision": ref.revision, "digest": ref.digest},
                }
            )
        else:
            entries.append({"role": role, "form": MODEL_FORM_ID, "ref": {"id": ref.id, "revision": ref.revision}})
    return {"entries": entries}


def _unprompt(prompt: Prompt) -> dict:
    codec = _registered(PROMPT_CODECS, prompt.codec, "prompt.codec")
    declared = None if codec == PROMPT_RAW else len(prompt.text.encode("utf-8"))
    return {"codec": codec, "length": declared, "data": prompt.payload}


def _undescriptors(entries: tuple[Descriptor, ...]) -> dict:
    """A descriptors or alternates part's value: the entries without their parse offsets."""
    return {"entries": [{k: v for k, v in d.__dict__.items() if k != "offsets"} for d in entries]}


_UNCONVERT: dict[str, Callable[[Any], dict]] = {
    "models": _unmodels,
    "recipe": lambda r: {**r.__dict__, "scheduler": _registered(SCHEDULERS, r.scheduler, "recipe.scheduler")},
    "descriptors": _undescriptors,
    "alternates": _undescriptors,
    "prompt": _unprompt,
    "encoder": lambda e: e.__dict__,
    "digest": lambda d: {
        "algorithm": _registered(DIGEST_ALGORITHMS, d.algorithm, "digest.algorithm"),
        "value": d.value,
    },
    "metadata": lambda m: {"entries": [{"key": k, "value": v} for k, v in m]},
    "source": lambda s: s.__dict__,
}
