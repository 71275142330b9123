"""Check files against the spec: structure, CRC, limits, registry codes, embedded decodability."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .codec.parametric import render
from .errors import PciError
from .format.container import PciFile, Source, from_text, parse, read_bytes
from .format.registry import MODELS
from .primitives.printable import printable

PREVIEW_EDGE = 64  # decodability does not depend on the output size
MAX_DIGEST_PIXELS = 1 << 24


@dataclass
class Verdict:
    path: str
    valid: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        """One line per finding; text from the file is escaped for a terminal."""
        head = printable(f"{self.path}: {'valid' if self.valid else 'INVALID'}")
        errors = [f"  error: {printable(p)}" for p in self.problems]
        return "\n".join([head, *errors, *(f"  note: {printable(n)}" for n in self.notes)])


def validate(source: Source, name: str | None = None, *, bare: bool = False, text: bool = False) -> Verdict:
    """Check one file (a path, bytes or a binary file object); ``name`` labels the verdict.
    ``bare``: the data is a bare form (``text``: its base64url text)."""
    verdict = Verdict(name or str(source), True)
    try:
        data = read_bytes(source)
        if text:
            try:
                data = from_text(data.decode("ascii").strip())
            except UnicodeDecodeError as exc:
                raise PciError("base64url text holds a non-ASCII byte", field="text", offset=exc.start) from None
        pci = parse(data, bare=bare)
    except PciError as exc:
        verdict.valid = False
        verdict.problems.append(str(exc))
        return verdict
    verdict.notes.append(f"{len(data)} bytes, {pci.width}x{pci.height} {pci.colour}, generator {pci.generator.id}")
    for ref in pci.models:
        if ref.id.startswith("registry:"):
            verdict.notes.append(f"model code {ref.code} ({ref.role}) is not in this reader's registry")
    for part in pci.extra_parts:
        verdict.notes.append(f"unknown ancillary part 0x{part.type:02x} ({len(part.payload)} bytes) skipped")
    if MODELS.by_name(pci.generator.id) and pci.generator.id != "pcimg/parametric":
        verdict.notes.append("generator is a model: embedded decodability checked on the base layer only")
    try:
        edge = max(pci.width, pci.height)
        scale = min(1.0, PREVIEW_EDGE / edge)
        render(pci, (max(1, round(pci.width * scale)), max(1, round(pci.height * scale))))
        if pci.digest and not pci.digest.known:
            verdict.notes.append(f"digest algorithm {pci.digest.algorithm} is unknown to this reader: not checked")
        elif pci.digest and pci.generator.id == "pcimg/parametric" and pci.width * pci.height <= MAX_DIGEST_PIXELS:
            if not pci.digest.matches(np.asarray(render(pci)).tobytes()):
                verdict.valid = False
                verdict.problems.append("decode does not match the file's digest (field digest)")
            else:
                verdict.notes.append("decode matches the file's digest")
    except PciError as exc:
        verdict.valid = False
        verdict.problems.append(f"not decodable by the embedded generator: {exc}")
    _check_alternates(pci, verdict)
    return verdict


def _check_alternates(pci: PciFile, verdict: Verdict) -> None:
    """SPEC.md 6.9: the file with an alternate as its only descriptor is a valid file; checked
    by decoding each small (a re-budget would write those files)."""
    for index, entry in enumerate(pci.alternates):
        try:
            render(pci.replace(descriptors=(entry,)), (16, 16))
        except PciError as exc:
            verdict.valid = False
            verdict.problems.append(f"alternate {index} (kind {entry.kind}) is not decodable: {exc}")
    if pci.alternates:
        sizes = ", ".join(f"kind {d.kind} of {len(d.payload)} bytes" for d in pci.alternates)
        verdict.notes.append(f"alternates: {sizes}")
