"""The construct schema of .pci v1: the executable form of spec/SPEC.md.

The part framing (type, length, order, CRC) is a hand-written loop in ``container.py``
because construct's repeaters swallow errors; every payload is parsed and built by the
schemas here, each ending in ``Terminated`` so trailing bytes are an error. Schemas are
interpreted, not compiled: construct's compiler drops checks on untrusted data.
"""

from __future__ import annotations

import re

from construct import (
    Construct,
    ConstructError,
    Int8ub,
    PrefixedArray,
    Struct,
    Subconstruct,
    Switch,
    Terminated,
    this,
)
from construct.core import stream_read, stream_read_entire, stream_tell, stream_write

from .registry import (
    COLOURS,
    DIGEST_ALGORITHMS,
    LIMITS,
    PROMPT_CODECS,
    ROLES,
    SCHEDULERS,
    Table,
)

MAX_VARINT_BYTES = 10
MAX_UINT64 = (1 << 64) - 1


class FieldError(ConstructError):
    """A payload field broke a rule; ``offset`` is relative to the payload start."""

    def __init__(self, message: str, offset: int, path: str | None = None):
        super().__init__(message, path=path)
        self.offset = offset
        self.reason = message


class VarUInt(Construct):
    """Canonical unsigned LEB128, at most 10 bytes, value < 2**64.

    Canonical means no redundant trailing zero group, so every value has exactly one
    encoding and write -> read -> write is byte-identical.
    """

    def _parse(self, stream, context, path):
        start = stream_tell(stream, path)
        value = 0
        for index in range(MAX_VARINT_BYTES):
            byte = stream_read(stream, 1, path)[0]
            value |= (byte & 0x7F) << (7 * index)
            if not byte & 0x80:
                if byte == 0 and index > 0:
                    raise FieldError("non-canonical varint (redundant zero group)", start, path)
                if value > MAX_UINT64:
                    raise FieldError("varint exceeds 2**64-1", start, path)
                return value
        raise FieldError("varint longer than 10 bytes", start, path)

    def _build(self, obj, stream, context, path):
        if not isinstance(obj, int) or isinstance(obj, bool) or not 0 <= obj <= MAX_UINT64:
            raise FieldError(f"varint value {obj!r} not an integer in 0..2**64-1", 0, path)
        encoded = encode_varint(obj)
        stream_write(stream, encoded, len(encoded), path)
        return obj

    def _sizeof(self, context, path):
        raise ConstructError("VarUInt has no fixed size", path=path)


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

MODEL_ENTRY = Struct(
    "role" / Registered(Int8ub, ROLES),
    "form" / Bounded(Int8ub, MODEL_FORM_CODE, MODEL_FORM_ID_DIGEST),
    "ref"
    / Switch(
        this.form,
        {
            MODEL_FORM_CODE: Struct("code" / Bounded(VarUInt(), 1, 0x3FFF)),
            MODEL_FORM_ID: Struct("id" / _MODEL_ID, "revision" / _REVISION),
            MODEL_FORM_ID_DIGEST: Struct(
                "id" / _MODEL_ID, "revision" / _REVISION, "digest" / Blob(SHA256_BYTES, SHA256_BYTES)
            ),
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
    "kind" / Bounded(VarUInt(), 1, 0x3FFF),
    "version" / Int8ub,
    "quant" / Int8ub,
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
    "data" / Rest(L["max_file_bytes"]),
    Terminated,
)

ENCODER_PART = Struct(
    "name" / Text(64, min_bytes=1),
    "version" / Text(64),
    Terminated,
)

DIGEST_PART = Struct(
    "algorithm" / Registered(Int8ub, DIGEST_ALGORITHMS),
    "value" / Rest(SHA256_BYTES, 4),
    Terminated,
)

METADATA_PART = Struct(
    "entries"
    / PrefixedArray(
        Bounded(Int8ub, 1, L["max_metadata_entries"], "max_metadata_entries"),
        Struct("key" / Text(63, METADATA_KEY_PATTERN, 1), "value" / Text(L["max_text_bytes"], limit="max_text_bytes")),
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
    "metadata": METADATA_PART,
    "source": SOURCE_PART,
}
