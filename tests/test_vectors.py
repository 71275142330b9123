"""Committed conformance vectors against the current code; spec text in sync with the code."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest
from scripts import load_script

import pcimg
from pcimg.format.describe import describe

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "spec" / "vectors"
VALID = sorted((VECTORS / "valid").glob("*.pci"))
INVALID = sorted((VECTORS / "invalid").glob("*.pci"))
BARE_VALID = sorted((VECTORS / "bare" / "valid").glob("*.bare"))
BARE_INVALID = sorted((VECTORS / "bare" / "invalid").glob("*.bare"))


def pixels_sha(image) -> str:
    return hashlib.sha256(np.asarray(image).tobytes()).hexdigest()


def test_there_are_vectors():
    assert len(VALID) >= 12 and len(INVALID) >= 30
    assert len(BARE_VALID) >= 6 and len(BARE_INVALID) >= 12


@pytest.mark.parametrize("path", VALID + BARE_VALID, ids=lambda p: p.parent.parent.name[:4] + p.stem)
def test_valid_vector(path):
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
    data = path.read_bytes()
    bare = path.suffix == ".bare"
    assert hashlib.sha256(data).hexdigest() == expected["file_sha256"]
    pci = pcimg.read(data, bare=bare)
    assert json.loads(json.dumps(describe(pci, file_size=len(data)))) == expected["fields"]
    assert pcimg.write(pci, bare=bare) == data  # read -> write is byte-identical
    if "decoded_sha256" in expected:
        assert pixels_sha(pcimg.decode(pci)) == expected["decoded_sha256"]
        size = tuple(expected["decoded_at"]["size"])
        assert pixels_sha(pcimg.decode(pci, size=size)) == expected["decoded_at"]["sha256"]


@pytest.mark.parametrize("path", INVALID + BARE_INVALID, ids=lambda p: p.parent.parent.name[:4] + p.stem)
def test_invalid_vector(path):
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
    with pytest.raises(pcimg.PciError) as err:
        pci = pcimg.read(path.read_bytes(), bare=path.suffix == ".bare")
        assert expected["stage"] == "decode", "container accepted"
        pcimg.decode(pci, size=(8, 8))
    assert err.value.field == expected["field"]
    assert err.value.offset == expected["offset"]


def test_invalid_expectations_are_the_hand_derived_ones():
    """The committed field and offset come from the spec's offset rule, written out in generate.py."""
    generate = load_script(VECTORS / "generate.py")
    for paths, expected in ((INVALID, generate.expected_errors()), (BARE_INVALID, generate.bare_expected_errors())):
        assert len(expected) == len(paths)
        for path in paths:
            record = json.loads(path.with_suffix(".json").read_text("utf-8"))
            assert (record["field"], record["offset"]) == expected[path.stem[2:]], path.stem


def test_bare_vectors_are_the_file_vectors_they_name():
    """A bare vector named like a file vector holds the same values (the forms differ only in framing)."""
    for path in BARE_VALID:
        twin = VECTORS / "valid" / f"{path.stem}.pci"
        if twin.exists():
            assert pcimg.read(path.read_bytes(), bare=True) == pcimg.read(twin.read_bytes()), path.stem


def test_spec_tables_match_the_registry():
    spec_tables = load_script(ROOT / "spec" / "tables.py")
    assert spec_tables.splice(spec_tables.SPEC.read_text("utf-8")) == spec_tables.SPEC.read_text("utf-8")


def test_spec_worked_example_is_the_vector():
    generate = load_script(VECTORS / "generate.py")
    spec = (ROOT / "spec" / "SPEC.md").read_text("utf-8")
    data = (VECTORS / "valid" / "basic-raw-prompt.pci").read_bytes()
    assert generate.hexdump(data) in spec
    assert "\n".join(generate.annotate(data)) in spec
    dumped = re.search(r"```\n(0000 .*?)\n```", spec, re.S).group(1)
    raw = bytes.fromhex("".join(line[6:53] for line in dumped.splitlines()))
    assert raw == data


def test_every_expected_json_follows_the_documented_schema():
    jsonschema = pytest.importorskip("jsonschema", reason="in the test extra (.ci/run installs it)")
    schema = json.loads((VECTORS / "expected.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    records = [
        json.loads(p.with_suffix(".json").read_text("utf-8")) for p in VALID + INVALID + BARE_VALID + BARE_INVALID
    ]
    assert all(not list(validator.iter_errors(r)) for r in records)
    broken = {**records[-1], "offset": None}  # the schema can fail: an invalid vector must name an offset
    assert list(validator.iter_errors(broken))


def test_packaged_tables_are_the_normative_ones():
    """pcimg/data/ carries copies of spec/data/; spec/data/README.md gives their SHA-256."""
    readme = (ROOT / "spec" / "data" / "README.md").read_text("utf-8")
    tables = sorted(p for p in (ROOT / "spec" / "data").iterdir() if p.name != "README.md")
    names = ["dct-priors-v1.json", "prompt-en-v1.json", "prompt-en-v2.json", "wavelet-embedded-priors-v1.json",
             "wavelet-embedded-priors-v2.json",
             "wavelet-priors-v1.json", "wavelet-priors-v2.json", "wavelet-thumb-priors-v1.json",
             "zstd-dict-v1.bin"]  # fmt: skip
    assert [p.name for p in tables] == names
    for table in tables:
        assert (ROOT / "pcimg" / "data" / table.name).read_bytes() == table.read_bytes()
        assert hashlib.sha256(table.read_bytes()).hexdigest() in readme


def test_spec_bare_example_is_the_vector():
    """SPEC.md 5.5's example table: its bytes, its text and its fields are the vector's."""
    data = (VECTORS / "bare" / "valid" / "average-colour-7.bare").read_bytes()
    spec = (ROOT / "spec" / "SPEC.md").read_text("utf-8")
    example = spec[spec.index("**Example** (vector `bare/valid/average-colour-7`") :].split("\n\n", 2)[1]
    cells = re.findall(r"^\| \d+ \| `([0-9a-f ]+)` \|", example, re.M)
    assert bytes.fromhex("".join(cells)) == data
    assert f"`{pcimg.to_text(data)}`" in spec
    pci = pcimg.read(data, bare=True)
    assert (pci.width, pci.height, pci.minor_version, pci.descriptors[0].kind, pci.descriptors[0].quant) == (
        48,
        32,
        2,
        4,
        79,
    )
    assert f"is {len(pcimg.write(pci))} bytes" in spec
