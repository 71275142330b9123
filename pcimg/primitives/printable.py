"""Text from a file, made safe for a terminal (spec/SPEC.md §9).

A .pci is untrusted: its prompt, metadata, model ids and encoder name may hold escape
sequences that clear a screen or retitle a terminal, and bidi overrides that make text read
differently than it is. Human output shows every character that is not printable (C0 and C1
controls, DEL, format characters such as U+202E, line and paragraph separators) as an escape.
"""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with each non-printable character written as ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN``."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
