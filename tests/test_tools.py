"""Descriptions for other tools: Kaitai Struct (generated parser) and libmagic."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pcimg

ROOT = Path(__file__).resolve().parents[1]
VALID = sorted((ROOT / "spec" / "vectors" / "valid").glob("*.pci"))
MAGIC = ROOT / "spec" / "pci.magic"


def kaitai_parser():
    spec = importlib.util.spec_from_file_location("pci_kaitai", ROOT / "spec" / "kaitai" / "pci.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Pci


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_kaitai_description_parses_every_valid_vector(path):
    parsed = kaitai_parser().from_bytes(path.read_bytes())
    pci = pcimg.read(path)
    assert (parsed.major, parsed.minor) == (1, pci.minor_version)
    assert (parsed.header.width.value, parsed.header.height.value) == (pci.width, pci.height)
    assert parsed.header.seed.value == pci.seed
    types = [p.part_type for p in parsed.parts.entries]
    assert types == sorted(types)
    by_type = {p.part_type: p for p in parsed.parts.entries}
    if pci.prompt is not None and pci.prompt.codec == "raw":
        assert by_type[0x04].body.data.decode("utf-8") == pci.prompt.text
    if pci.descriptors:
        kinds = [d.kind.value for d in by_type[0x03].body.entries]
        assert kinds == [d.kind for d in pci.descriptors]
        assert [d.payload.data for d in by_type[0x03].body.entries] == [d.payload for d in pci.descriptors]
    if pci.models:
        assert len(by_type[0x01].body.entries) == len(pci.models)
    assert parsed.crc32 == int.from_bytes(path.read_bytes()[-4:], "big")


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_committed_fields_agree_with_the_kaitai_parser(path):
    """The vectors' recorded fields, checked by a second parser generated from spec/pci.ksy."""
    fields = json.loads(path.with_suffix(".json").read_text("utf-8"))["fields"]
    parsed = kaitai_parser().from_bytes(path.read_bytes())
    assert fields["version"] == f"{parsed.major}.{parsed.minor}"
    assert (fields["width"], fields["height"]) == (parsed.header.width.value, parsed.header.height.value)
    assert fields["seed"] == parsed.header.seed.value
    by_type = {p.part_type: p for p in parsed.parts.entries}
    assert fields["file_size"] == path.stat().st_size
    if fields["descriptors"]:
        entries = by_type[0x03].body.entries
        kaitai = [(e.kind.value, len(e.payload.data)) for e in entries]
        assert [(d["kind"], d["bytes"]) for d in fields["descriptors"]] == kaitai
    else:
        assert 0x03 not in by_type
    if fields["prompt"] and fields["prompt"]["codec"] == "raw":
        assert by_type[0x04].body.data.decode("utf-8") == fields["prompt"]["text"]
    assert len(fields["models"]) == (len(by_type[0x01].body.entries) if 0x01 in by_type else 0)


def test_kaitai_parser_is_generated_from_the_current_ksy():
    """Recompile when node and the npm compiler are present (CI installs them in .ci/run)."""
    node_path = ROOT / ".ksc" / "node_modules"
    if not (shutil.which("node") and (node_path / "kaitai-struct-compiler").exists()):
        pytest.skip("Kaitai compiler not installed here (.ci/run installs it into .ksc/)")
    committed = (ROOT / "spec" / "kaitai" / "pci.py").read_text()
    subprocess.run(["node", str(ROOT / "spec" / "kaitai" / "compile.js")], check=True,
                   env={"NODE_PATH": str(node_path), "PATH": "/usr/bin:/bin:/usr/local/bin"})  # fmt: skip
    assert (ROOT / "spec" / "kaitai" / "pci.py").read_text() == committed


@pytest.mark.skipif(shutil.which("file") is None, reason="file(1) is not installed")
def test_libmagic_entry_identifies_pci_files():
    out = subprocess.run(["file", "-m", str(MAGIC), *map(str, VALID)], capture_output=True, text=True, check=True)
    assert out.stdout.count("PCI prompt-compressed image, version 1.") == len(VALID)
    mime = subprocess.run(["file", "--mime-type", "-b", "-m", str(MAGIC), str(VALID[0])], capture_output=True,
                          text=True, check=True)  # fmt: skip
    assert mime.stdout.strip() == "image/x-pci"
    png = subprocess.run(["file", "-m", str(MAGIC), str(ROOT / "examples" / "kodim23.png")], capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert "PCI" not in png.stdout


def test_the_wheel_carries_the_licences(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path)], check=True, capture_output=True)  # fmt: skip
    import zipfile

    [wheel] = tmp_path.glob("pcimg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert "pcimg/data/README.md" in names and "pcimg/py.typed" in names
