"""A PciFile as plain JSON-ready data: for `pcimg info`, the conformance vectors and tools."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from ..primitives.printable import printable
from .container import PciFile
from .registry import DESCRIPTOR_KINDS


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _entries(descriptors: tuple) -> list[dict[str, int]]:
    return [{"kind": d.kind, "version": d.version, "quant": d.quant, "bytes": len(d.payload)} for d in descriptors]


def describe(pci: PciFile, *, file_size: int | None = None) -> dict[str, Any]:
    """Every field of the file and the size of every part, as JSON-ready data."""
    out: dict[str, Any] = {
        "version": f"1.{pci.minor_version}",
        "width": pci.width,
        "height": pci.height,
        "colour": pci.colour,
        "seed": pci.seed,
        "models": [_plain(m) | {"code": m.code} for m in pci.models],
        "generator": pci.generator.id,
        "recipe": _plain(pci.recipe),
        "descriptors": _entries(pci.descriptors),
        "prompt": None
        if pci.prompt is None
        else {"codec": pci.prompt.codec, "text": pci.prompt.text, "bytes": len(pci.prompt.payload)},
        "encoder": _plain(pci.encoder),
        "digest": _plain(pci.digest),
        "metadata": dict(pci.metadata),
        "source": _plain(pci.source),
        "extra_parts": [{"type": f"0x{p.type:02x}", "bytes": len(p.payload)} for p in pci.extra_parts],
        "part_sizes": dict(pci.part_sizes),
    }
    if pci.alternates:  # only when present: the records of files without the part stay as they were
        out["alternates"] = _entries(pci.alternates)
    if file_size is not None:
        out["file_size"] = file_size
        bits = 8 * file_size
        out["bpp"] = round(bits / (pci.width * pci.height), 6)
    return out


def render_text(info: dict[str, Any]) -> str:
    """The readable form of ``describe``'s output; text from the file is escaped for a terminal."""
    lines = [f"PCI {info['version']}  {info['width']}x{info['height']} {info['colour']}  seed {info['seed']}"]
    if "file_size" in info:
        lines.append(f"size: {info['file_size']} bytes ({info['bpp']} bpp)")
    lines.append(f"generator: {printable(info['generator'])}")
    for m in info["models"]:
        rev = f"@{m['revision']}" if m["revision"] else ""
        code = f" (code {m['code']})" if m["code"] is not None else ""
        digest = f" sha256 {m['digest']}" if m["digest"] else ""
        lines.append(f"model: {m['role']}: {printable(m['id'] + rev)}{code}{digest}")
    if info["recipe"]:
        lines.append("recipe: " + ", ".join(f"{k}={v}" for k, v in info["recipe"].items()))
    for label, key in (("descriptor", "descriptors"), ("alternate", "alternates")):
        for d in info.get(key, ()):
            entry = DESCRIPTOR_KINDS.by_code(d["kind"])
            kind = f"kind {d['kind']}" + (f" ({entry.name})" if entry else "")
            lines.append(f"{label}: {kind} v{d['version']} quant {d['quant']}, {d['bytes']} bytes")
    if info["prompt"]:
        p = info["prompt"]
        lines.append(f"prompt ({p['codec']}, {p['bytes']} bytes): {printable(p['text'])}")
    for key in ("encoder", "digest", "source"):
        if info[key]:
            lines.append(f"{key}: " + ", ".join(f"{k}={printable(str(v))}" for k, v in info[key].items()))
    for k, v in info["metadata"].items():
        lines.append(f"metadata: {printable(k)} = {printable(v)}")
    for p in info["extra_parts"]:
        lines.append(f"unknown ancillary part {p['type']}: {p['bytes']} bytes")
    lines.append("part sizes: " + ", ".join(f"{k} {v}" for k, v in info["part_sizes"].items()))
    return "\n".join(lines)
