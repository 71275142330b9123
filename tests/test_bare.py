"""The bare form (SPEC.md 5.5): its framing, its text, the encoder's budgets, the CLI."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

import pcimg
from pcimg import Descriptor, PciError, PciFile, Prompt
from pcimg.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kodim23.png"
LONE = Descriptor(3, 1, 80, b"\x03\x03\x00")


def test_a_lone_descriptor_costs_five_bytes_of_framing():
    bare = pcimg.write(PciFile(4, 4, descriptors=(LONE,)), bare=True)
    assert bare == bytes([0x08, 4, 4, 3 << 3 | 1, 80]) + LONE.payload  # minor 1: kind 3 is a 1.1 kind
    assert len(pcimg.write(PciFile(4, 4, descriptors=(LONE,)))) - len(bare) == 20  # 25 bytes of framing


def test_head_flags_carry_colour_seed_and_parts():
    pci = PciFile(4, 4, colour="grey", seed=300, descriptors=(LONE,), prompt=Prompt.from_text("x", "raw"))
    bare = pcimg.write(pci, bare=True)
    assert bare[0] == 1 << 3 | 0x04 | 0x02 | 0x01
    assert bare[3] == 1 and bare[4:6] == bytes([0xAC, 0x02])  # grey, then seed 300 as a varint
    assert pcimg.read(bare, bare=True) == pcimg.read(pcimg.write(pci))


def test_minor_versions_above_7_have_no_bare_form():
    with pytest.raises(PciError) as err:
        pcimg.write(PciFile(4, 4, descriptors=(LONE,), minor_version=8), bare=True)
    assert err.value.field == "version.minor"


def test_a_file_is_not_bare_data_and_bare_data_is_not_a_file():
    pci = PciFile(4, 4, descriptors=(LONE,))
    with pytest.raises(PciError) as err:
        pcimg.read(pcimg.write(pci), bare=True)  # 0x8A: major version 3
    assert (err.value.field, err.value.offset) == ("version.major", 0)
    with pytest.raises(PciError) as err:
        pcimg.read(pcimg.write(pci, bare=True))
    assert (err.value.field, err.value.offset) == ("signature", 0)


@given(st.binary(max_size=64))
def test_text_round_trips_any_bytes(data):
    text = pcimg.to_text(data)
    assert "=" not in text and pcimg.from_text(text) == data
    assert text == base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    "text, offset",
    [("CIAG=", 4), ("CI+G", 2), ("CI/G", 2), ("CIAGg", 4), ("CIAGgB", 5), ("CI G", 2), ("CIé", 2)],
)
def test_bad_text_is_named_by_its_position(text, offset):
    """Padding, the + / alphabet, 4n+1 characters, non-zero unused bits, spaces, non-ASCII."""
    with pytest.raises(PciError) as err:
        pcimg.from_text(text)
    assert (err.value.field, err.value.offset) == ("text", offset)


def test_read_takes_text_as_a_str_and_a_path_as_a_path(tmp_path):
    bare = pcimg.write(PciFile(4, 4, descriptors=(LONE,)), bare=True)
    path = tmp_path / "x.bare"
    path.write_bytes(bare)
    assert pcimg.read(pcimg.to_text(bare), bare=True) == pcimg.read(path, bare=True) == pcimg.read(bare, bare=True)


@pytest.mark.parametrize("budget", [12, 21, 40, 147, 491])
def test_the_encoder_fills_a_bare_budget_exactly_and_decodes_like_the_file_form(photo, budget):
    bare = pcimg.encode(photo, max_bytes=budget, bare=True)
    assert budget - max(2, budget // 25) <= len(bare) <= budget  # a quant step moves ~4% of the bytes
    pci = pcimg.read(bare, bare=True)
    as_file = pcimg.write(pci)
    assert len(as_file) > len(bare) + 12  # the same content needs signature, CRC and framing in a file
    assert np.array_equal(np.asarray(pcimg.decode(bare, bare=True)), np.asarray(pcimg.decode(as_file)))


def test_at_equal_bytes_the_bare_form_holds_a_finer_picture(photo):
    """The 20 bytes a file spends on more framing go to coefficients in the bare form."""
    reference = np.asarray(photo, dtype=np.float64)

    def error(image) -> float:
        return float(np.mean((np.asarray(image, dtype=np.float64) - reference) ** 2))

    bare = pcimg.encode(photo, max_bytes=60, captioner="none", bare=True)
    file = pcimg.encode(photo, max_bytes=60, captioner="none")
    assert len(pcimg.read(bare, bare=True).descriptors[0].payload) > len(pcimg.read(file).descriptors[0].payload)
    assert error(pcimg.decode(bare, bare=True)) < error(pcimg.decode(file))


def test_too_small_a_bare_budget_is_named(photo):
    with pytest.raises(PciError) as err:
        pcimg.encode(photo, max_bytes=6, bare=True)  # head, width, height and the entry take 7
    assert err.value.field == "max_bytes"


def test_cli_writes_and_reads_bare_bytes_and_text(tmp_path, capsys):
    raw, text, png = tmp_path / "p.bare", tmp_path / "p.txt", tmp_path / "p.png"
    assert main(["encode", str(EXAMPLE), "--bare", "--max-bytes", "30", "-o", str(raw)]) == 0
    assert main(["encode", str(EXAMPLE), "--bare", "--text", "--max-bytes", "30", "-o", str(text)]) == 0
    assert len(raw.read_bytes()) <= 30
    assert text.read_text() == pcimg.to_text(raw.read_bytes()) + "\n"
    capsys.readouterr()
    assert main(["info", "--bare", "--text", "--json", str(text)]) == 0
    [info] = json.loads(capsys.readouterr().out)
    assert info["file_size"] == len(raw.read_bytes()) and "crc" not in info["part_sizes"]
    assert main(["decode", "--bare", "--text", str(text), "-o", str(png)]) == 0
    assert np.array_equal(np.asarray(pcimg.decode(raw.read_bytes(), bare=True)), np.asarray(Image.open(png)))


def test_cli_default_names_and_form_errors(tmp_path, capsys):
    image = tmp_path / "a.png"
    image.write_bytes(EXAMPLE.read_bytes())
    assert main(["encode", str(image), "--bare", "--max-bytes", "24"]) == 0
    assert (tmp_path / "a.bare").exists()
    assert main(["encode", str(image), "--text"]) == 2  # text is a form of the bare form only
    assert "--text needs --bare" in capsys.readouterr().err
    assert main(["decode", str(tmp_path / "a.bare"), "-o", str(tmp_path / "x.png")]) == 1  # read as a file
    assert "bad signature (field signature, offset 0)" in capsys.readouterr().err


def test_cli_declares_a_placeholder_size(tmp_path):
    out = tmp_path / "p.bare"
    command = ["encode", str(EXAMPLE), "--bare", "--max-bytes", "21", "--declared-size", "96", "-o", str(out)]
    assert main(command) == 0
    pci = pcimg.read(out.read_bytes(), bare=True)
    assert (pci.width, pci.height) == (96, 64) and len(out.read_bytes()) <= 21 and pci.descriptors[0].kind == 4


def test_validate_reads_bare_forms_and_their_text(tmp_path, capsys):
    from pcimg.validate import validate

    bare = pcimg.write(PciFile(4, 4, descriptors=(LONE,)), bare=True)
    (tmp_path / "a.bare").write_bytes(bare)
    (tmp_path / "a.txt").write_text(pcimg.to_text(bare) + "\n")
    assert validate(bare, bare=True).valid and not validate(bare).valid
    assert main(["validate", "--bare", str(tmp_path / "a.bare")]) == 0
    assert main(["validate", "--bare", "--text", str(tmp_path / "a.txt")]) == 0
    (tmp_path / "b.txt").write_text("CIAG=")
    assert main(["validate", "--bare", "--text", str(tmp_path / "b.txt")]) == 1
    assert "(field text, offset 4)" in capsys.readouterr().out
