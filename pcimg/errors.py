"""pcimg's one documented error type."""

from __future__ import annotations


class PciError(ValueError):
    """Invalid or unsupported .pci data, or a request pcimg cannot honour.

    ``field`` names what is wrong (e.g. ``"header.width"``) and ``offset`` is the byte
    offset in the file where it was found (None when the problem is not in a file).
    """

    def __init__(self, message: str, *, field: str | None = None, offset: int | None = None):
        self.field = field
        self.offset = offset
        where = []
        if field is not None:
            where.append(f"field {field}")
        if offset is not None:
            where.append(f"offset {offset}")
        super().__init__(f"{message} ({', '.join(where)})" if where else message)
        self.reason = message
