"""The normative tables shipped in pcimg/data/ (checked copies of spec/data/), read once."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


def packaged_bytes(name: str) -> bytes:
    return resources.files("pcimg").joinpath("data", name).read_bytes()


@lru_cache(maxsize=8)
def packaged_json(name: str) -> Any:
    """The parsed file; callers must not modify it (it is shared)."""
    return json.loads(packaged_bytes(name).decode("utf-8"))
