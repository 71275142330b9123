"""Compile the construct schemas of ``schema.py`` into plain-Python parsers, checks kept.

construct's own ``.compile()`` drops checks and is documented as unsafe for untrusted data;
its interpreter is safe but spends ~5 µs per field. This compiler handles exactly the
constructs the schemas use and reuses their check methods, so a compiled parser accepts,
rejects and reports (message, field path, offset) like the interpreter.
``tests/test_schema_compiler.py`` holds the two to identical results on every vector, on
hypothesis-generated files and on mutated ones. Building (writing) still uses construct.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from construct import Array, FocusedSeq, FormatField, Pass, Rebuild, Renamed, Struct, Switch
from construct.core import Terminated as _TerminatedInstance

from . import schema as s

# parse(data, pos, end, base, ctx, path) -> (value, new pos); offsets in errors are pos - base.
Parse = Callable[[bytes, int, int, int, Any, str], tuple[Any, int]]
TerminatedClass = type(_TerminatedInstance)


class Record(dict):
    """A parsed struct: a dict with attribute access, lighter than construct's Container."""

    __slots__ = ()
    __getattr__ = dict.__getitem__


def _truncated(end: int, base: int, path: str) -> s.FieldError:
    return s.FieldError("truncated field", end - base, path)


def _varint(data: bytes, pos: int, end: int, base: int, ctx: Any, path: str) -> tuple[int, int]:
    start = pos
    value = 0
    for index in range(s.MAX_VARINT_BYTES):
        if pos >= end:
            raise _truncated(end, base, path)
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise s.FieldError("non-canonical varint (redundant zero group)", start - base, path)
            if value > s.MAX_UINT64:
                raise s.FieldError("varint exceeds 2**64-1", start - base, path)
            return value, pos
    raise s.FieldError("varint longer than 10 bytes", start - base, path)


def _u8(data: bytes, pos: int, end: int, base: int, ctx: Any, path: str) -> tuple[int, int]:
    if pos >= end:
        raise _truncated(end, base, path)
    return data[pos], pos + 1


def _compile(con: Any) -> Parse:
    if isinstance(con, s.VarUInt):
        return _varint
    if isinstance(con, FormatField) and con.fmtstr in (">B", "<B", "B"):
        return _u8
    if isinstance(con, s.Bounded):
        inner = _compile(con.subcon)

        def bounded(data, pos, end, base, ctx, path):
            value, new = inner(data, pos, end, base, ctx, path)
            con._check(value, pos - base, path)
            return value, new

        return bounded
    if isinstance(con, s.Registered):
        inner = _compile(con.subcon)

        def registered(data, pos, end, base, ctx, path):
            value, new = inner(data, pos, end, base, ctx, path)
            if con.table.by_code(value) is None:
                raise s.FieldError(f"unknown {con.table.title} code {value}", pos - base, path)
            return value, new

        return registered
    if isinstance(con, s.Blob):  # Text included

        def blob(data, pos, end, base, ctx, path):
            length, body = _varint(data, pos, end, base, ctx, path)
            if not con.min_bytes <= length <= con.max_bytes:
                raise con._length_error(length, pos - base, path)
            if body + length > end:
                raise _truncated(end, base, path)
            raw = bytes(data[body : body + length])
            if isinstance(con, s.Text):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise s.FieldError(f"invalid UTF-8 at byte {exc.start}", pos - base, path) from None
                con._match(text, pos - base, path)
                return text, body + length
            return raw, body + length

        return blob
    if isinstance(con, s.Rest):

        def rest(data, pos, end, base, ctx, path):
            if not con.min_bytes <= end - pos <= con.max_bytes:
                raise s.FieldError(f"{end - pos} bytes outside {con.min_bytes}..{con.max_bytes}", pos - base, path)
            return bytes(data[pos:end]), end

        return rest
    if isinstance(con, TerminatedClass):

        def terminated(data, pos, end, base, ctx, path):
            if pos < end:  # construct reads one byte to find out, so it reports one byte on
                raise s.FieldError("trailing bytes after the last field", pos + 1 - base, path)
            return None, pos

        return terminated
    if con is Pass or type(con) is type(Pass):
        return lambda data, pos, end, base, ctx, path: (None, pos)
    if isinstance(con, Rebuild):
        return _compile(con.subcon)
    if isinstance(con, (Struct, FocusedSeq)):
        fields = [
            (sub.name, _compile(sub.subcon)) if isinstance(sub, Renamed) else (None, _compile(sub))
            for sub in con.subcons
        ]  # fmt: skip
        focus = con.parsebuildfrom if isinstance(con, FocusedSeq) else None

        def struct(data, pos, end, base, ctx, path):
            out = Record()
            for name, parse in fields:
                value, pos = parse(data, pos, end, base, out, f"{path} -> {name}" if name else path)
                if name is not None:
                    out[name] = value
            return (out[focus] if focus is not None else out), pos

        return struct
    if isinstance(con, Array):
        inner = _compile(con.subcon)

        def array(data, pos, end, base, ctx, path):
            count = con.count(ctx) if callable(con.count) else con.count
            items = []
            for _ in range(count):
                value, pos = inner(data, pos, end, base, ctx, path)
                items.append(value)
            return items, pos

        return array
    if isinstance(con, Switch):
        cases = {key: _compile(case) for key, case in con.cases.items()}
        default = _compile(con.default)

        def switch(data, pos, end, base, ctx, path):
            key = con.keyfunc(ctx) if callable(con.keyfunc) else con.keyfunc
            return cases.get(key, default)(data, pos, end, base, ctx, path)

        return switch
    raise TypeError(f"schema compiler does not handle {type(con).__name__}")


def compile_schema(con: Any) -> Callable[[bytes, int, int], tuple[Any, int]]:
    """parse(data, start, end) -> (value, position after it); FieldError offsets are from start."""
    parse = _compile(con)

    def run(data: bytes, start: int, end: int) -> tuple[Any, int]:
        return parse(data, start, end, start, None, "(parsing)")

    return run


COMPILED = {name: compile_schema(schema) for name, schema in (*s.PART_SCHEMAS.items(), ("header", s.HEADER))}
