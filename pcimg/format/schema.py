"""The construct schema of .pci v1: the one executable description of spec/SPEC.md's bytes.

``PCI_FILE`` parses and builds a whole file: signature, version, header, the parts in ascending
type order, CRC-32. Every payload has its own schema ending in ``Terminated`` (trailing bytes are
an error). The part framing is one construct class, ``Body``, rather than ``GreedyRange``:
construct's repeaters swallow errors, and a file's errors must name the field and byte offset.

The schemas are interpreted, not compiled. construct's ``.compile()`` drops checks on untrusted
data; a compiler of our own (kept until 0.1) saved ~70 µs per parse against 20-100 ms per
decode, at the price of a second description of the bytes tied to construct's internals.
``pcimg.PciImagePlugin`` keeps ``Image.open`` fast by parsing only the header there.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

from construct import (
    Bytes,
    Construct,
    ConstructError,
    Container,
    Int8ub,
    PrefixedArray,
    Struct,
    Subconstruct,
    Switch,
    Tell,
    Terminated,
    this,
)
from construct.core import stream_read, stream_read_entire, stream_tell, stream_write

from .registry import (
    COLOURS,
    LIMITS,
    MAJOR,
    PARTS,
    PROMPT_CODECS,
    ROLES,
    SCHEDULERS,
    SIGNATURE,
    Table,
    is_ancillary,
)

MAX_VARINT_BYTES = 10
MAX_UINT64 = (1 << 64) - 1


class FieldError(ConstructError):
    """A field broke a rule. ``offset`` is relative to the stream being parsed (a payload, or the
    whole file for the framing); ``field`` names the field when the construct path cannot."""

    def __init__(self, message: str, offset: int, path: str | None = None, field: str | None = None):
        super().__init__(message, path=path)
        self.offset = offset
        self.reason = message
        self.field = field


class VarUInt(Construct):
    """Canonical unsigned LEB128, at most 10 bytes, value < 2**64.

    Canonical means no redundant trailing zero group, so every value has exactly one
    encoding and write -> read -> write is byte-identical.
    """

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        window = stream.read(MAX_VARINT_BYTES)
        try:
            value, used = read_varint(window, 0, len(window))
        except FieldError as exc:
            raise FieldError(exc.reason, start + exc.offset, path) from None
        stream.seek(start + used)
        return value

    def _build(self, obj, stream, context, path):
        if not isinstance(obj, int) or isinstance(obj, bool) or not 0 <= obj <= MAX_UINT64:
            raise FieldError(f"varint value {obj!r} not an integer in 0..2**64-1", 0, path)
        encoded = encode_varint(obj)
        stream_write(stream, encoded, len(encoded), path)
        return obj

    def _sizeof(self, context, path):
        raise ConstructError("VarUInt has no fixed size", path=path)


def read_varint(data: bytes, pos: int, end: int, max_bytes: int = MAX_VARINT_BYTES) -> tuple[int, int]:
    """The one varint reader: (value, next position) from ``data[pos:end]``, at most ``max_bytes``.

    Errors are FieldErrors at the varint's first byte, or at ``end`` when it is truncated.
    """
    start = pos
    value = 0
    for index in range(max_bytes):
        if pos >= end:
            raise FieldError("truncated varint", pos)
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise FieldError("non-canonical varint (redundant zero group)", start)
            if value > MAX_UINT64:
                raise FieldError("varint exceeds 2**64-1", start)
            return value, pos
    raise FieldError(f"varint longer than {max_bytes} bytes", start)


def encode_varint(value: int) -> bytes:
    """Canonical LEB128 encoding of a non-negative integer."""
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _limit_message(value, hi: int, limit: str | None, what: str = "value") -> str | None:
    """Names the spec's limit when a value goes over it (e.g. "exceeds max_dimension = 16384")."""
    if limit is not None and isinstance(value, int) and value > hi:
        return f"{what} {value} exceeds {limit} = {hi}"
    return None


class Bounded(Subconstruct):
    """An integer field that must lie in lo..hi (inclusive), checked on parse and build.

    ``limit`` names the registry limit that ``hi`` comes from, for the error message.
    """

    def __init__(self, subcon, lo: int, hi: int, limit: str | None = None):
        super().__init__(subcon)
        self.lo, self.hi, self.limit = lo, hi, limit

    def _check(self, value, offset, path):
        if not isinstance(value, int) or not self.lo <= value <= self.hi:
            message = _limit_message(value, self.hi, self.limit)
            raise FieldError(message or f"value {value!r} outside {self.lo}..{self.hi}", offset, path)

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        value = self.subcon._parsereport(stream, context, path)
        self._check(value, start, path)
        return value

    def _build(self, obj, stream, context, path):
        self._check(obj, 0, path)
        return self.subcon._build(obj, stream, context, path)


class Registered(Subconstruct):
    """An integer code that must be listed in a registry table."""

    def __init__(self, subcon, table: Table):
        super().__init__(subcon)
        self.table = table

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        value = self.subcon._parsereport(stream, context, path)
        if self.table.by_code(value) is None:
            raise FieldError(f"unknown {self.table.title} code {value}", start, path)
        return value

    def _build(self, obj, stream, context, path):
        if self.table.by_code(obj) is None:
            raise FieldError(f"unknown {self.table.title} code {obj!r}", 0, path)
        return self.subcon._build(obj, stream, context, path)


class Blob(Construct):
    """Bytes with a varint length prefix, at most ``max_bytes`` long (``limit`` names that bound)."""

    def __init__(self, max_bytes: int, min_bytes: int = 0, limit: str | None = None):
        super().__init__()
        self.max_bytes, self.min_bytes, self.limit = max_bytes, min_bytes, limit

    def _length_error(self, length: int, offset: int, path) -> FieldError:
        message = _limit_message(length, self.max_bytes, self.limit, "length")
        return FieldError(message or f"length {length} outside {self.min_bytes}..{self.max_bytes}", offset, path)

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        length = VarUInt()._parsereport(stream, context, path)
        if not self.min_bytes <= length <= self.max_bytes:
            raise self._length_error(length, start, path)
        return stream_read(stream, length, path)

    def _build(self, obj, stream, context, path):
        if not isinstance(obj, (bytes, bytearray)):
            raise FieldError(f"expected bytes, got {type(obj).__name__}", 0, path)
        if not self.min_bytes <= len(obj) <= self.max_bytes:
            raise self._length_error(len(obj), 0, path)
        header = encode_varint(len(obj))
        stream_write(stream, header, len(header), path)
        stream_write(stream, bytes(obj), len(obj), path)
        return obj


class Text(Blob):
    """UTF-8 text with a varint length prefix, optionally restricted by a pattern."""

    def __init__(self, max_bytes: int, pattern: str | None = None, min_bytes: int = 0, limit: str | None = None):
        super().__init__(max_bytes, min_bytes, limit)
        self.pattern = re.compile(pattern) if pattern else None

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        raw = super()._parse(stream, context, path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FieldError(f"invalid UTF-8 at byte {exc.start}", start, path) from None
        self._match(text, start, path)
        return text

    def _build(self, obj, stream, context, path):
        if not isinstance(obj, str):
            raise FieldError(f"expected text, got {type(obj).__name__}", 0, path)
        self._match(obj, 0, path)
        return super()._build(obj.encode("utf-8"), stream, context, path)

    def _match(self, text, offset, path):
        if self.pattern is not None and not self.pattern.fullmatch(text):
            raise FieldError(f"{text[:40]!r} does not match {self.pattern.pattern}", offset, path)


class Rest(Construct):
    """All remaining bytes of the payload, between min_bytes and max_bytes long."""

    def __init__(self, max_bytes: int, min_bytes: int = 0):
        super().__init__()
        self.max_bytes, self.min_bytes = max_bytes, min_bytes

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        data = stream_read_entire(stream, path)
        if not self.min_bytes <= len(data) <= self.max_bytes:
            raise FieldError(f"{len(data)} bytes outside {self.min_bytes}..{self.max_bytes}", start, path)
        return data

    def _build(self, obj, stream, context, path):
        if not isinstance(obj, (bytes, bytearray)) or not self.min_bytes <= len(obj) <= self.max_bytes:
            raise FieldError(f"{len(obj)} bytes outside {self.min_bytes}..{self.max_bytes}", 0, path)
        stream_write(stream, bytes(obj), len(obj), path)
        return obj


# Hub-style ids: "name" or "org/name" from a safe alphabet; no "..", no leading dot,
# no absolute path. A file can therefore never name a path outside a model directory.
MODEL_ID_PATTERN = r"(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?"
REVISION_PATTERN = r"[A-Za-z0-9._-]*"
METADATA_KEY_PATTERN = r"[A-Za-z][A-Za-z0-9 _.-]{0,62}"
FORMAT_PATTERN = r"[A-Za-z0-9._+-]{1,16}"
SHA256_BYTES = 32

MODEL_FORM_CODE, MODEL_FORM_ID, MODEL_FORM_ID_DIGEST = 0, 1, 2

L = LIMITS
DIMENSION = Bounded(VarUInt(), 1, L["max_dimension"], "max_dimension")

HEADER = Struct(
    "width" / DIMENSION,
    "height" / DIMENSION,
    "colour" / Registered(Int8ub, COLOURS),
    "seed" / VarUInt(),
)

_MODEL_ID = Text(L["max_model_id_bytes"], MODEL_ID_PATTERN, min_bytes=1, limit="max_model_id_bytes")
_REVISION = Text(L["max_revision_bytes"], REVISION_PATTERN, limit="max_revision_bytes")

# `... / Tell` fields are not bytes: they record where an entry starts, so that a rule across
# entries (a role twice, kinds out of order) can name the offending field's offset.
MODEL_ENTRY = Struct(
    "start" / Tell,
    "role" / Registered(Int8ub, ROLES),
    "form" / Bounded(Int8ub, MODEL_FORM_CODE, MODEL_FORM_ID_DIGEST),
    "ref"
    / Switch(
        this.form,
        {
            MODEL_FORM_CODE: Struct("code" / Bounded(VarUInt(), 1, 0x3FFF)),
            MODEL_FORM_ID: Struct("id" / _MODEL_ID, "revision" / _REVISION),
            MODEL_FORM_ID_DIGEST: Struct("id" / _MODEL_ID, "revision" / _REVISION, "digest" / Bytes(SHA256_BYTES)),
        },
    ),
)

MODELS_PART = Struct(
    "entries" / PrefixedArray(Bounded(Int8ub, 1, L["max_models"], "max_models"), MODEL_ENTRY),
    Terminated,
)

RECIPE_PART = Struct(
    "steps" / Bounded(VarUInt(), 0, L["max_steps"], "max_steps"),
    "strength_permille" / Bounded(VarUInt(), 0, 1000),
    "guidance_tenths" / Bounded(VarUInt(), 0, 1000),
    "scheduler" / Registered(Int8ub, SCHEDULERS),
    "work_width" / Bounded(VarUInt(), 0, L["max_dimension"], "max_dimension"),
    "work_height" / Bounded(VarUInt(), 0, L["max_dimension"], "max_dimension"),
    Terminated,
)

DESCRIPTOR_ENTRY = Struct(
    "start" / Tell,
    "kind" / Bounded(VarUInt(), 1, 0x3FFF),
    "version_start" / Tell,
    "version" / Int8ub,
    "quant_start" / Tell,
    "quant" / Int8ub,
    "payload_start" / Tell,
    "payload" / Blob(L["max_descriptor_bytes"], limit="max_descriptor_bytes"),
)

DESCRIPTORS_PART = Struct(
    "entries" / PrefixedArray(Bounded(Int8ub, 1, L["max_descriptors"], "max_descriptors"), DESCRIPTOR_ENTRY),
    Terminated,
)

PROMPT_RAW = 0
PROMPT_PART = Struct(
    "codec" / Registered(Int8ub, PROMPT_CODECS),
    "length"
    / Switch(this.codec == PROMPT_RAW, {False: Bounded(VarUInt(), 0, L["max_prompt_bytes"], "max_prompt_bytes")}),
    "data_start" / Tell,
    "data" / Rest(L["max_file_bytes"]),
    Terminated,
)

ENCODER_PART = Struct(
    "name" / Text(64, min_bytes=1),
    "version" / Text(64),
    Terminated,
)

DIGEST_PART = Struct(
    # An ancillary part: an algorithm a newer minor version added is kept, not an error.
    "algorithm" / Bounded(Int8ub, 1, 255),
    "value" / Rest(SHA256_BYTES, 4),
    Terminated,
)

METADATA_PART = Struct(
    "entries"
    / PrefixedArray(
        Bounded(Int8ub, 1, L["max_metadata_entries"], "max_metadata_entries"),
        Struct(
            "start" / Tell,
            "key" / Text(63, METADATA_KEY_PATTERN, 1),
            "value" / Text(L["max_text_bytes"], limit="max_text_bytes"),
        ),
    ),
    Terminated,
)

SOURCE_PART = Struct(
    "format" / Text(16, FORMAT_PATTERN, 1),
    "size" / VarUInt(),
    Terminated,
)

PART_SCHEMAS = {
    "models": MODELS_PART,
    "recipe": RECIPE_PART,
    "descriptors": DESCRIPTORS_PART,
    "prompt": PROMPT_PART,
    "encoder": ENCODER_PART,
    "digest": DIGEST_PART,
    "alternates": DESCRIPTORS_PART,  # the same entries: each one a smaller base layer (SPEC.md 6.9)
    "metadata": METADATA_PART,
    "source": SOURCE_PART,
}

# --------------------------------------------------------------------------- the file

CRC_BYTES = 4
MAX_PART_LENGTH_BYTES = 4  # part lengths are below max_file_bytes < 2**28


def field_name(part: str, path: str | None) -> str:
    """``part.field`` from a construct path such as ``(parsing) -> entries -> 0 -> ref -> id``
    (-> ``models.id``): the names of SPEC.md §5.4's field vocabulary, whatever the nesting."""
    steps = [s.strip() for s in (path or "").split("->") if s.strip() and not s.strip().startswith("(")]
    steps = [s for s in steps if not s.isdigit() and s not in ("ref", "items", "entries")]
    return ".".join([part, *steps])


def parse_payload(name: str, schema: Construct, data: bytes, start: int, end: int) -> tuple[object, int]:
    """Parse ``data[start:end]`` with ``schema``; errors get the field name and a file offset.

    Returns the value and the offset where parsing stopped (the header is not length-prefixed).
    """
    stream = io.BytesIO(data[start:end])
    try:
        value = schema.parse_stream(stream)
    except FieldError as exc:
        raise FieldError(exc.reason, start + exc.offset, field=field_name(name, exc.path)) from None
    except ConstructError as exc:
        message = str(exc).split("\n")[-1].strip() or type(exc).__name__
        at = stream.tell()
        if "expected end of stream" in message:
            message = "trailing bytes after the last field"
            at -= 1  # Terminated has read the first extra byte
        elif "stream read less than specified amount" in message:
            message = "truncated field"
        raise FieldError(message, start + at, field=field_name(name, exc.path)) from None
    return value, start + stream.tell()


def parse_fields(schema: Struct, data: bytes, start: int, end: int) -> dict[str, Any] | None:
    """The fields of a flat ``Struct`` (no field reads another) from ``data[start:end]``, each
    through its own construct but without the Struct's per-parse containers (10.7 -> 4.5 us for
    the header, which ``Image.open`` reads for every file); None on any error, which the caller
    then gets, field and offset named, from a whole parse."""
    stream = io.BytesIO(data[start:end])
    context = Container(_parsing=True, _building=False, _sizing=False, _params=Container())
    values: dict[str, Any] = {}
    try:
        for field in schema.subcons:
            values[field.name] = field.subcon._parsereport(stream, context, field.name)
    except ConstructError:
        return None
    return values


class Signature(Construct):
    """The 8-byte signature; the error names the first byte that differs (or where the file ends)."""

    def _parse(self, stream, context, path):
        data = stream.read(len(SIGNATURE))
        for index, expected in enumerate(SIGNATURE):
            if index >= len(data):
                raise FieldError("truncated signature", index, field="signature")
            if data[index] != expected:
                raise FieldError("not a .pci file: bad signature", index, field="signature")
        return SIGNATURE

    def _build(self, obj, stream, context, path):
        stream_write(stream, SIGNATURE, len(SIGNATURE), path)
        return SIGNATURE


class Version(Construct):
    """Major (must be the one this reader knows) and minor version, one byte each."""

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        data = stream.read(2)
        if len(data) < 2:
            raise FieldError("truncated version", start + len(data), field="version")
        if data[0] != MAJOR:
            raise FieldError(
                f"unsupported major version {data[0]} (this reader knows {MAJOR})", start, field="version.major"
            )
        return Container(major=data[0], minor=data[1])

    def _build(self, obj, stream, context, path):
        minor = obj["minor"]
        if not isinstance(minor, int) or not 0 <= minor <= 255:
            raise FieldError(f"minor version {minor!r} outside 0..255", 0, field="version.minor")
        stream_write(stream, bytes((MAJOR, minor)), 2, path)
        return obj


def _read_part_length(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """The part's canonical varint length at ``pos``; it must fit before ``end``."""
    try:
        value, after = read_varint(data, pos, end, MAX_PART_LENGTH_BYTES)
    except FieldError as exc:
        raise FieldError(f"part length: {exc.reason}", exc.offset, field="part.length") from None
    if value > end - after:
        raise FieldError(f"part length {value} exceeds the {end - after} bytes left", pos, field="part.length")
    return value, after


def parse_parts(data: bytes, pos: int, end: int) -> list:
    """The parts in ``data[pos:end]`` (section 5.2's framing and rules 1-2, each payload parsed by
    its schema): a list of ``type``, ``name`` (None for an unknown ancillary part), ``value`` (the
    parsed payload, or its bytes when unknown), ``offset`` (of the payload), ``size`` (of the part)."""
    parts: list = []
    previous = -1
    while pos < end:
        part_start, part_type = pos, data[pos]
        if len(parts) == LIMITS["max_parts"]:
            raise FieldError(f"more than max_parts = {LIMITS['max_parts']} parts", part_start, field="parts")
        if part_type <= previous:
            what = "repeated" if part_type == previous else "out of order"
            raise FieldError(f"part type 0x{part_type:02x} {what} (types must ascend)", pos, field="part.type")
        previous = part_type
        length, pos = _read_part_length(data, pos + 1, end)
        entry = PARTS.by_code(part_type)
        if entry is None and not is_ancillary(part_type):
            raise FieldError(f"unknown critical part type 0x{part_type:02x}", part_start, field="part.type")
        name = entry.name if entry else None
        value: object = bytes(data[pos : pos + length])
        if name is not None:
            value, _ = parse_payload(name, PART_SCHEMAS[name], data, pos, pos + length)
        parts.append(Container(type=part_type, name=name, value=value, offset=pos, size=pos + length - part_start))
        pos += length
    return parts


def build_parts(parts: list) -> bytes:
    """Framed parts (type, varint length, payload), which must come in ascending type order."""
    out = bytearray()
    previous = -1
    for part in parts:
        if part["type"] <= previous:
            raise FieldError(f"part type 0x{part['type']:02x} repeated or out of order", 0, field="part.type")
        previous = part["type"]
        name = part["name"]
        payload = bytes(part["value"]) if name is None else _build_field(name, PART_SCHEMAS[name], part["value"])
        out.append(part["type"])
        out += encode_varint(len(payload))
        out += payload
    return bytes(out)


class Body(Construct):
    """Header, then parts in ascending type order, then the CRC-32 of every byte before it.

    Parsed value: ``header``, ``parts`` (a list of ``type``, ``name`` (None for an unknown
    ancillary part), ``value`` (the parsed payload, or its bytes when unknown), ``offset`` (of
    the payload) and ``size`` (of the whole part)), ``header_size``.
    The CRC is checked before any part is read, so damage is reported as damage.
    ``header_only`` stops after the header (Pillow's ``Image.open`` needs no more).
    """

    def __init__(self, header_only: bool = False):
        super().__init__()
        self.header_only = header_only

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        stream.seek(0)
        data = stream.read()
        if len(data) < start + CRC_BYTES + 1:
            raise FieldError("file too short for header and CRC", len(data), field="header")
        end = len(data) - CRC_BYTES
        stored, actual = int.from_bytes(data[end:], "big"), zlib.crc32(data[:end])
        if stored != actual:
            raise FieldError(f"CRC-32 mismatch: stored {stored:08x}, computed {actual:08x}", end, field="crc")
        header, pos = parse_payload("header", HEADER, data, start, end)
        body = Container(header=header, header_size=pos - start, parts=[])
        if not self.header_only:
            body.parts = parse_parts(data, pos, end)
        stream.seek(len(data))
        return body

    def _build(self, obj, stream, context, path):
        out = _build_field("header", HEADER, obj["header"]) + build_parts(obj["parts"])
        stream_write(stream, bytes(out), len(out), path)
        end = stream_tell(stream, path)
        stream.seek(0)
        crc = zlib.crc32(stream.read(end))
        stream_write(stream, crc.to_bytes(CRC_BYTES, "big"), CRC_BYTES, path)
        return obj


def build_payload(name: str, value) -> bytes:
    """A registered part's payload bytes, built by its schema (the parts' framing is ``build_parts``)."""
    return _build_field(name, PART_SCHEMAS[name], value)


def _build_field(name: str, schema: Construct, value) -> bytes:
    try:
        return schema.build(value)
    except FieldError as exc:
        raise FieldError(exc.reason, 0, field=exc.field or field_name(name, exc.path)) from None
    except (ConstructError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise FieldError(f"cannot build {name}: {exc}", 0, field=name) from None


PCI_FILE = Struct(
    "signature" / Signature(),
    "version" / Version(),
    "body" / Body(),
)
PCI_HEAD = Struct(
    "signature" / Signature(),
    "version" / Version(),
    "body" / Body(header_only=True),
)


# --------------------------------------------------------------------------- the bare form

BARE_COLOUR, BARE_SEED, BARE_PARTS = 0x04, 0x02, 0x01  # head flags (SPEC.md section 5.5)
BARE_MAX_MINOR = 7
BARE_MAX_KIND, BARE_MAX_VERSION = 31, 7  # what the single-descriptor body's entry byte holds
BARE_SIZE = Struct("width" / DIMENSION, "height" / DIMENSION)
BARE_COLOUR_FIELD = Struct("colour" / Registered(Int8ub, COLOURS))
BARE_SEED_FIELD = Struct("seed" / VarUInt())
# header fields present only under their head flag: (flag, schema, name, what the clear flag means)
BARE_FLAGGED = ((BARE_COLOUR, BARE_COLOUR_FIELD, "colour", "rgb"), (BARE_SEED, BARE_SEED_FIELD, "seed", "0"))


def single_descriptor(parts: list) -> Container | None:
    """The one descriptor entry the single-descriptor body can hold, when ``parts`` is exactly that."""
    if len(parts) != 1 or parts[0]["name"] != "descriptors":
        return None
    entries = parts[0]["value"]["entries"]
    if len(entries) != 1:
        return None
    entry = entries[0]
    fits = 1 <= entry["kind"] <= BARE_MAX_KIND and 0 <= entry["version"] <= BARE_MAX_VERSION
    return entry if fits else None


class Bare(Construct):
    """The bare form: one head byte (version and flags), width, height, the colour and seed only
    when they differ from rgb and 0, then a single descriptor entry or the parts; no signature, no
    CRC. Parsed value: ``version`` and ``body`` as ``PCI_FILE`` gives them, so one reader serves
    both forms. Every value has one bare encoding (the flags and the body are never optional)."""

    def _parse(self, stream, context, path):
        data = stream.read()
        if not data:
            raise FieldError("empty bare data", 0, field="version")
        head = data[0]
        if (head >> 6) + 1 != MAJOR:
            raise FieldError(f"unsupported major version {(head >> 6) + 1} (this reader knows {MAJOR})", 0,
                             field="version.major")  # fmt: skip
        end = len(data)
        size, pos = parse_payload("header", BARE_SIZE, data, 1, end)
        header = Container(width=size.width, height=size.height, colour=0, seed=0)
        for flag, schema, name, implied in BARE_FLAGGED:
            if head & flag:
                start = pos
                value, pos = parse_payload("header", schema, data, pos, end)
                header[name] = value[name]
                if header[name] == 0:  # the value the clear flag stands for
                    raise FieldError(f"{name} {implied} is stored by a clear {name} flag", start,
                                     field=f"header.{name}")  # fmt: skip
        body = Container(header=header, header_size=pos - 1, parts=[])
        if head & BARE_PARTS:
            body.parts = parse_parts(data, pos, end)
            if single_descriptor(body.parts) is not None:
                raise FieldError("a lone descriptor entry must use the single-descriptor body", pos, field="parts")
        else:
            body.parts = [_parse_single(data, pos)]
        return Container(version=Container(major=MAJOR, minor=(head >> 3) & BARE_MAX_MINOR), body=body)

    def _build(self, obj, stream, context, path):
        minor, body = obj["version"]["minor"], obj["body"]
        if not isinstance(minor, int) or not 0 <= minor <= BARE_MAX_MINOR:
            raise FieldError(
                f"minor version {minor!r} has no bare form (0..{BARE_MAX_MINOR})", 0, field="version.minor"
            )
        header, parts = body["header"], body["parts"]
        head = (MAJOR - 1) << 6 | minor << 3
        out = bytearray(_build_field("header", BARE_SIZE, header))
        if header["colour"] != 0:
            head |= BARE_COLOUR
            out += _build_field("header", BARE_COLOUR_FIELD, {"colour": header["colour"]})
        if header["seed"] != 0:
            head |= BARE_SEED
            out += _build_field("header", BARE_SEED_FIELD, {"seed": header["seed"]})
        entry = single_descriptor(parts)
        if entry is None:
            head |= BARE_PARTS
            out += build_parts(parts)
        else:
            out += bytes((entry["kind"] << 3 | entry["version"], _byte(entry["quant"], "descriptors.quant")))
            out += bytes(entry["payload"])
        stream_write(stream, bytes((head,)) + bytes(out), 1 + len(out), path)
        return obj


def _byte(value, field: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= 255:
        raise FieldError(f"{value!r} is not a byte", 0, field=field)
    return value


def _parse_single(data: bytes, pos: int) -> Container:
    """The single-descriptor body: entry byte (kind << 3 | version), quant, payload to the end."""
    end = len(data)
    if pos >= end:
        raise FieldError("truncated field", end, field="descriptors.kind")
    kind, version = data[pos] >> 3, data[pos] & BARE_MAX_VERSION
    if kind == 0:
        raise FieldError("descriptor kind 0 outside 1..16383", pos, field="descriptors.kind")
    if pos + 1 >= end:
        raise FieldError("truncated field", end, field="descriptors.quant")
    limit = LIMITS["max_descriptor_bytes"]
    if end - (pos + 2) > limit:
        raise FieldError(f"payload of {end - pos - 2} bytes over max_descriptor_bytes = {limit}", pos + 2,
                         field="descriptors.payload")  # fmt: skip
    # offsets within the body, as the parts' entries have them within their payload
    entry = Container(start=0, kind=kind, version_start=0, version=version, quant_start=1, quant=data[pos + 1],
                      payload_start=2, data_start=2, payload=data[pos + 2 :])  # fmt: skip
    value = Container(entries=[entry])
    return Container(type=PARTS.code("descriptors"), name="descriptors", value=value, offset=pos, size=end - pos)


PCI_BARE = Bare()
