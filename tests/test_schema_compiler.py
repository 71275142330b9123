"""The compiled schemas parse exactly like construct's interpreter: same values, same errors."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from strategies import pci_files

import pcimg
from pcimg import PciError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fuzz"))
from harness import mutate, seeds  # noqa: E402


def outcome(data: bytes, engine: str):
    try:
        return ("ok", pcimg.parse(data, engine=engine))
    except PciError as exc:
        return ("error", exc.reason, exc.field, exc.offset)


def same(data: bytes) -> None:
    assert outcome(data, "compiled") == outcome(data, "construct"), data.hex()


def test_every_vector_parses_identically():
    for path in sorted((ROOT / "spec" / "vectors").glob("*/*.pci")):
        same(path.read_bytes())


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(pci_files())
def test_generated_files_parse_identically(pci):
    same(pcimg.write(pci))


def test_mutated_files_parse_identically():
    rng = random.Random(99)
    corpus = seeds()
    errors = 0
    for _ in range(3000):
        data = mutate(rng.choice(corpus), rng)
        same(data)
        errors += outcome(data, "compiled")[0] == "error"
    assert errors > 1000  # the mutations do reach the error paths
