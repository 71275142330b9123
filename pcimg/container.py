"""The .pci v1 container: ``PciFile`` values, ``read`` and ``write``.

Layout (spec/SPEC.md): signature | major | minor | header | parts... | CRC-32.
The framing loop is hand-written (construct's repeaters hide errors); each part's
payload goes through its construct schema in ``schema.py``.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Union

from construct import ConstructError

from . import prompt_codecs
from .atomic import write_bytes_atomic
from .errors import PciError
from .registry import (
    COLOURS,
    DIGEST_ALGORITHMS,
    LIMITS,
    MAJOR,
    MINOR,
    MODELS,
    PARTS,
    PROMPT_CODECS,
    ROLES,
    SCHEDULERS,
    SIGNATURE,
    is_ancillary,
)
from .schema import (
    HEADER,
    MODEL_FORM_CODE,
    MODEL_FORM_ID,
    MODEL_FORM_ID_DIGEST,
    PART_SCHEMAS,
    PROMPT_RAW,
    FieldError,
    encode_varint,
)
from .schema_compiler import COMPILED

SCHEMAS = {"header": HEADER, **PART_SCHEMAS}
CRC_BYTES = 4
PREFIX_BYTES = len(SIGNATURE) + 2
UNREGISTERED_PREFIX = "registry:"

Source = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", BinaryIO]


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
            candidate = cls(PROMPT_CODECS.by_code(code).name, text, prompt_codecs.encode_prompt(text, code))
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
    algorithm: str
    value: bytes


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
    metadata: tuple[tuple[str, str], ...] = ()
    source: SourceInfo | None = None
    extra_parts: tuple[RawPart, ...] = ()
    minor_version: int = MINOR
    part_sizes: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Unknown parts are kept in file order, which the format fixes as ascending type.
        object.__setattr__(self, "extra_parts", tuple(sorted(self.extra_parts, key=lambda p: p.type)))

    def model(self, role: str) -> ModelRef | None:
        """The manifest entry for a role, or None."""
        return next((m for m in self.models if m.role == role), None)

    @property
    def generator(self) -> ModelRef:
        """The generator that must decode this file; the embedded one when none is named."""
        return self.model("generator") or ModelRef("generator", "pcimg/parametric")

    def descriptor(self, kind: int) -> Descriptor | None:
        return next((d for d in self.descriptors if d.kind == kind), None)

    def replace(self, **changes) -> PciFile:
        return replace(self, **changes)


# --------------------------------------------------------------------------- reading


def read(source: Source) -> PciFile:
    """Parse a .pci file from bytes, a path or a binary file object."""
    return parse(read_bytes(source))


def read_bytes(source: Source) -> bytes:
    """The bytes of a .pci source, read under the file-size cap (never trusting a declared size)."""
    cap = LIMITS["max_file_bytes"]
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as handle:
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


def parse(data: bytes, *, engine: str = "compiled") -> PciFile:
    """Parse and validate a whole .pci file held in memory.

    ``engine="construct"`` runs construct's interpreter on the same schemas instead of their
    compiled form (schema_compiler.py): slower, identical results; kept for cross-checks.
    """
    try:
        return _parse(data, engine)
    except PciError:
        raise
    except (
        ConstructError,
        UnicodeError,
        struct.error,
        OverflowError,
        RecursionError,
        IndexError,
        ValueError,
        TypeError,
        KeyError,
    ) as exc:
        # Defence in depth: the schema raises FieldError; anything else is still our error type.
        raise PciError(f"malformed file: {exc}") from None


def check_prefix(data: bytes) -> tuple[int, int]:
    """Check signature and version; return (major, minor). Shared with Pillow's _accept."""
    if data[: len(SIGNATURE)] != SIGNATURE:
        _signature_error(data)
    if len(data) < PREFIX_BYTES:
        raise PciError("truncated version", field="version", offset=len(data))
    major, minor = data[len(SIGNATURE)], data[len(SIGNATURE) + 1]
    if major != MAJOR:
        raise PciError(
            f"unsupported major version {major} (this reader knows {MAJOR})",
            field="version.major",
            offset=len(SIGNATURE),
        )
    return major, minor


def _signature_error(data: bytes) -> None:
    """Raise for the first byte that differs from the signature (or where the file ends)."""
    for index, expected in enumerate(SIGNATURE):
        if index >= len(data):
            raise PciError("truncated signature", field="signature", offset=index)
        if data[index] != expected:
            raise PciError("not a .pci file: bad signature", field="signature", offset=index)


def _parse(data: bytes, engine: str) -> PciFile:
    _, minor = check_prefix(data)
    if len(data) < PREFIX_BYTES + CRC_BYTES + 1:
        raise PciError("file too short for header and CRC", field="header", offset=len(data))
    end = len(data) - CRC_BYTES
    stored_crc = int.from_bytes(data[end:], "big")
    actual_crc = zlib.crc32(data[:end])
    if stored_crc != actual_crc:
        raise PciError(f"CRC-32 mismatch: stored {stored_crc:08x}, computed {actual_crc:08x}", field="crc", offset=end)

    header, pos = _parse_payload("header", data, PREFIX_BYTES, end, engine, allow_rest=True)
    fields: dict = {
        "width": header.width,
        "height": header.height,
        "colour": COLOURS.by_code(header.colour).name,
        "seed": header.seed,
        "minor_version": minor,
    }
    sizes = {"signature": len(SIGNATURE), "version": 2, "header": pos - PREFIX_BYTES}
    extra: list[RawPart] = []
    previous = -1
    count = 0
    while pos < end:
        part_start = pos
        part_type = data[pos]
        length, pos = _read_length(data, pos + 1, end)
        count += 1
        if count > LIMITS["max_parts"]:
            raise PciError(f"more than max_parts = {LIMITS['max_parts']} parts", field="parts", offset=part_start)
        if part_type <= previous:
            what = "repeated" if part_type == previous else "out of order"
            raise PciError(
                f"part type 0x{part_type:02x} {what} (types must ascend)", field="part.type", offset=part_start
            )
        previous = part_type
        payload_end = pos + length
        entry = PARTS.by_code(part_type)
        if entry is None:
            if not is_ancillary(part_type):
                raise PciError(f"unknown critical part type 0x{part_type:02x}", field="part.type", offset=part_start)
            extra.append(RawPart(part_type, bytes(data[pos:payload_end])))
            sizes[f"0x{part_type:02x}"] = payload_end - part_start
        else:
            value, _ = _parse_payload(entry.name, data, pos, payload_end, engine)
            fields[entry.name] = _CONVERT[entry.name](value, pos)
            sizes[entry.name] = payload_end - part_start
        pos = payload_end
    sizes["crc"] = CRC_BYTES
    if "prompt" not in fields and "descriptors" not in fields:
        raise PciError("file has neither a prompt nor descriptors", field="parts", offset=end)
    return PciFile(**fields, extra_parts=tuple(extra), part_sizes=sizes)


def _read_length(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """Canonical varint part length at ``pos``; it must fit before ``end``."""
    start = pos
    value = 0
    for index in range(4):  # lengths are below max_file_bytes < 2**28
        if pos >= end:
            raise PciError("truncated part length", field="part.length", offset=pos)
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise PciError("non-canonical part length", field="part.length", offset=start)
            if value > end - pos:
                raise PciError(
                    f"part length {value} exceeds the {end - pos} bytes left", field="part.length", offset=start
                )
            return value, pos
    raise PciError("part length varint too long", field="part.length", offset=start)


def _parse_payload(name: str, data: bytes, start: int, end: int, engine: str, allow_rest: bool = False):
    """Parse one payload with the compiled schema (default) or construct's interpreter."""
    try:
        if engine == "compiled":
            value, pos = COMPILED[name](data, start, end)
            return value, pos if allow_rest else end
        stream = io.BytesIO(data[start:end])
        try:
            value = SCHEMAS[name].parse_stream(stream)
        except FieldError:
            raise
        except ConstructError as exc:
            message = str(exc).split("\n")[-1].strip() or type(exc).__name__
            if "expected end of stream" in message:
                message = "trailing bytes after the last field"
            elif "stream read less than specified amount" in message:
                message = "truncated field"
            raise FieldError(message, stream.tell(), exc.path) from None
        return value, start + stream.tell() if allow_rest else end
    except FieldError as exc:
        raise PciError(exc.reason, field=_field_name(name, exc.path), offset=start + exc.offset) from None


def _field_name(part: str, path: str | None) -> str:
    steps = [s.strip() for s in (path or "").split("->") if s.strip() and not s.strip().startswith("(")]
    steps = [s for s in steps if not s.isdigit() and s not in ("ref", "items")]
    return ".".join([part, *steps])


def _models(value, offset: int) -> tuple[ModelRef, ...]:
    refs = []
    for entry in value.entries:
        role = ROLES.by_code(entry.role).name
        if entry.form == MODEL_FORM_CODE:
            known = MODELS.by_code(entry.ref.code)
            refs.append(ModelRef(role, known.name if known else f"{UNREGISTERED_PREFIX}{entry.ref.code}"))
            continue
        digest = bytes(entry.ref.digest) if entry.form == MODEL_FORM_ID_DIGEST else b""
        ref = ModelRef(role, entry.ref.id, entry.ref.revision, digest)
        if ref.code is not None:
            raise PciError(f"registered model {ref.id!r} must be stored by code", field="models.id", offset=offset)
        refs.append(ref)
    if len({r.role for r in refs}) != len(refs):
        raise PciError("a role appears twice in the manifest", field="models.role", offset=offset)
    return tuple(refs)


def _recipe(value, offset: int) -> Recipe:
    return Recipe(
        value.steps,
        value.strength_permille,
        value.guidance_tenths,
        SCHEDULERS.by_code(value.scheduler).name,
        value.work_width,
        value.work_height,
    )


def _descriptors(value, offset: int) -> tuple[Descriptor, ...]:
    entries = tuple(Descriptor(e.kind, e.version, e.quant, bytes(e.payload)) for e in value.entries)
    kinds = [d.kind for d in entries]
    if kinds != sorted(set(kinds)):
        raise PciError("descriptor kinds must ascend without repeats", field="descriptors.kind", offset=offset)
    total = sum(len(d.payload) for d in entries)
    if total > LIMITS["max_descriptor_bytes"]:
        raise PciError(
            f"descriptor payloads total {total} bytes, over max_descriptor_bytes = {LIMITS['max_descriptor_bytes']}",
            field="descriptors.payload",
            offset=offset,
        )
    return entries


def _prompt(value, offset: int) -> Prompt:
    codec = PROMPT_CODECS.by_code(value.codec).name
    text = prompt_codecs.decode_prompt(value.codec, value.length, bytes(value.data), offset=offset)
    return Prompt(codec, text, bytes(value.data))


def _metadata(value, offset: int) -> tuple[tuple[str, str], ...]:
    pairs = tuple((e.key, e["value"]) for e in value.entries)
    if len({k for k, _ in pairs}) != len(pairs):
        raise PciError("a metadata key appears twice", field="metadata.key", offset=offset)
    return pairs


_CONVERT = {
    "models": _models,
    "recipe": _recipe,
    "descriptors": _descriptors,
    "prompt": _prompt,
    "encoder": lambda v, o: EncoderInfo(v.name, v.version),
    "digest": lambda v, o: DecodeDigest(DIGEST_ALGORITHMS.by_code(v.algorithm).name, bytes(v["value"])),
    "metadata": _metadata,
    "source": lambda v, o: SourceInfo(v.format, v.size),
}

# --------------------------------------------------------------------------- writing


def write(pci: PciFile) -> bytes:
    """Serialise a PciFile; the result is checked by the reader before it is returned."""
    if not isinstance(pci, PciFile):
        raise PciError(f"write expects a PciFile, not {type(pci).__name__}", field="file")
    if not 0 <= pci.minor_version <= 255:
        raise PciError(f"minor version {pci.minor_version} outside 0..255", field="version.minor")
    out = bytearray(SIGNATURE)
    out += bytes((MAJOR, pci.minor_version))
    out += _build(
        "header",
        HEADER,
        {
            "width": pci.width,
            "height": pci.height,
            "colour": _registered(COLOURS, pci.colour, "header.colour"),
            "seed": pci.seed,
        },
    )
    parts = [
        (PARTS.code(name), _build(name, PART_SCHEMAS[name], _UNCONVERT[name](getattr(pci, name))))
        for name in _PART_FIELDS
        if getattr(pci, name)
    ]
    parts += [(p.type, p.payload) for p in pci.extra_parts]
    parts.sort(key=lambda p: p[0])
    for part_type, payload in parts:
        if PARTS.by_code(part_type) and any(p.type == part_type for p in pci.extra_parts):
            raise PciError(f"extra part 0x{part_type:02x} is a registered type", field="part.type")
        if not is_ancillary(part_type) and PARTS.by_code(part_type) is None:
            raise PciError(f"cannot write unknown critical part 0x{part_type:02x}", field="part.type")
        out.append(part_type)
        out += encode_varint(len(payload))
        out += payload
    out += zlib.crc32(out).to_bytes(CRC_BYTES, "big")
    data = bytes(out)
    parse(data)  # a writer never emits what the reader rejects
    return data


def save(pci: PciFile, path: str | os.PathLike[str]) -> None:
    """Write atomically: the path holds the old file or the whole new one."""
    write_bytes_atomic(path, write(pci))


_PART_FIELDS = ("models", "recipe", "descriptors", "prompt", "encoder", "digest", "metadata", "source")


def _build(name: str, schema, value) -> bytes:
    try:
        return schema.build(value)
    except FieldError as exc:
        raise PciError(exc.reason, field=_field_name(name, exc.path)) from None
    except (ConstructError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise PciError(f"cannot build {name}: {exc}", field=name) from None


def _registered(table, name: str, where: str) -> int:
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


_UNCONVERT = {
    "models": _unmodels,
    "recipe": lambda r: {**r.__dict__, "scheduler": _registered(SCHEDULERS, r.scheduler, "recipe.scheduler")},
    "descriptors": lambda ds: {"entries": [d.__dict__ for d in ds]},
    "prompt": _unprompt,
    "encoder": lambda e: e.__dict__,
    "digest": lambda d: {
        "algorithm": _registered(DIGEST_ALGORITHMS, d.algorithm, "digest.algorithm"),
        "value": d.value,
    },
    "metadata": lambda m: {"entries": [{"key": k, "value": v} for k, v in m]},
    "source": lambda s: s.__dict__,
}
