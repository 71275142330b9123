"""The format's registries and limits, loaded from ``registry.toml``.

Why a data file: the spec's tables and the code must never disagree, so both come
from one file (spec/SPEC.md's tables are rendered from it; a test checks they match).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType


@dataclass(frozen=True)
class Entry:
    """One row of a registry table."""

    code: int
    name: str
    text: str
    since: int = 0  # the minor format version that added it: a file using it is at least 1.since
    # descriptor kinds with more than one payload version: (version, the minor version that added it)
    versions: tuple[tuple[int, int], ...] = ()

    def since_for(self, version: int) -> int:
        """The minor format version a file using ``version`` of this kind needs (at least ``since``)."""
        return max(self.since, dict(self.versions).get(version, 0))


@dataclass(frozen=True)
class Table:
    """A registry table, looked up by code or by name."""

    title: str
    entries: tuple[Entry, ...]
    _codes: Mapping[int, Entry] = field(init=False, repr=False, compare=False)
    _names: Mapping[str, Entry] = field(init=False, repr=False, compare=False)

    def by_code(self, code: int) -> Entry | None:
        return self._codes.get(code)

    def name(self, code: int) -> str:
        """Name for a registered code; KeyError names the table when unknown."""
        entry = self._codes.get(code)
        if entry is None:
            raise KeyError(f"code {code} is not in the {self.title} registry")
        return entry.name

    def by_name(self, name: str) -> Entry | None:
        return self._names.get(name)

    def code(self, name: str) -> int:
        """Code for a registered name; KeyError names the table when unknown."""
        entry = self._names.get(name)
        if entry is None:
            raise KeyError(f"{name!r} is not in the {self.title} registry")
        return entry.code

    def __post_init__(self) -> None:
        object.__setattr__(self, "_codes", {e.code: e for e in self.entries})
        object.__setattr__(self, "_names", {e.name: e for e in self.entries})


def _load() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("registry.toml").read_text("utf-8"))


_RAW = _load()

SIGNATURE: bytes = bytes.fromhex(_RAW["format"]["signature"])
MAJOR: int = _RAW["format"]["major"]
MINOR: int = _RAW["format"]["minor"]  # the newest minor version this implementation knows

LIMITS: Mapping[str, int] = MappingProxyType({k: v["value"] for k, v in _RAW["limits"].items()})
LIMIT_TEXT: Mapping[str, str] = MappingProxyType({k: v["text"] for k, v in _RAW["limits"].items()})


def _entry(r: dict) -> Entry:
    versions = tuple((v["version"], v["since"]) for v in r.get("versions", ()))
    return Entry(r["code"], r["name"], r["text"], r.get("since", 0), versions)


def _table(key: str, title: str) -> Table:
    return Table(title, tuple(_entry(r) for r in _RAW[key]))


PARTS = _table("parts", "part type")
COLOURS = _table("colour", "colour")
ROLES = _table("roles", "model role")
MODELS = _table("models", "model")
PROMPT_CODECS = _table("prompt_codecs", "prompt codec")
DESCRIPTOR_KINDS = _table("descriptor_kinds", "descriptor kind")
SCHEDULERS = _table("schedulers", "scheduler")
DIGEST_ALGORITHMS = _table("digest_algorithms", "digest algorithm")

TABLES: tuple[tuple[str, Table], ...] = (
    ("parts", PARTS),
    ("colour", COLOURS),
    ("roles", ROLES),
    ("models", MODELS),
    ("prompt_codecs", PROMPT_CODECS),
    ("descriptor_kinds", DESCRIPTOR_KINDS),
    ("schedulers", SCHEDULERS),
    ("digest_algorithms", DIGEST_ALGORITHMS),
)

ANCILLARY_BIT = 0x80
SAFE_TO_COPY_BIT = 0x40


def is_ancillary(part_type: int) -> bool:
    return bool(part_type & ANCILLARY_BIT)


def is_safe_to_copy(part_type: int) -> bool:
    return bool(part_type & ANCILLARY_BIT) and bool(part_type & SAFE_TO_COPY_BIT)
