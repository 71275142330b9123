"""Alternate base layers (SPEC.md 6.9): stored smaller encodes that re-budgeting re-frames in."""

from __future__ import annotations

import pytest

import pcimg
from pcimg import Descriptor, PciError, PciFile
from pcimg.cli.main import main
from pcimg.format.describe import describe

SMALL, TINY = Descriptor(4, 1, 60, b"\x01"), Descriptor(3, 2, 61, b"\x03\x03\x00\x01")


@pytest.fixture(scope="module")
def master(photo) -> bytes:
    return pcimg.encode(photo, captioner="none", max_bytes=983, base="embedded", alternates=(147, 40))


def same_file(a: bytes, b: bytes, bare: bool = False) -> bool:
    """Equal but for the minor version (a re-budget keeps the one of the file it read)."""
    return pcimg.read(a, bare=bare).replace(minor_version=0) == pcimg.read(b, bare=bare).replace(minor_version=0)


@pytest.mark.parametrize("bare", [False, True])
def test_the_part_round_trips_and_needs_format_1_7(bare):
    pci = PciFile(8, 8, descriptors=(Descriptor(3, 2, 60, b"\x07\x07\x00"),), alternates=(SMALL, TINY))
    back = pcimg.read(pcimg.write(pci, bare=bare), bare=bare)
    assert back.alternates == (SMALL, TINY) and back.minor_version == 7
    assert describe(back)["alternates"][1] == {"kind": 3, "version": 2, "quant": 61, "bytes": 4}
    assert "alternates" not in describe(back.replace(alternates=()))  # records of other files unchanged


def test_payload_lengths_must_ascend():
    pci = PciFile(8, 8, descriptors=(Descriptor(3, 2, 60, b"\x07\x07\x00"),), alternates=(TINY, SMALL))
    with pytest.raises(PciError) as caught:
        pcimg.write(pci)
    assert caught.value.field == "alternates.payload"


def test_an_edit_of_the_picture_drops_them_a_new_prompt_does_not():
    pci = PciFile(8, 8, descriptors=(Descriptor(3, 2, 60, b"\x07\x07\x00"),), alternates=(SMALL,))
    assert pci.replace(descriptors=(Descriptor(3, 2, 61, b"\x07\x07\x00"),)).alternates == ()
    assert pci.replace(metadata=(("creator", "x"),)).alternates == (SMALL,)


def test_the_encoder_stores_them_inside_the_budget(photo, master):
    pci = pcimg.read(master)
    assert len(master) <= 983 and pci.minor_version == 7
    assert [d.kind for d in pci.descriptors] == [5] and [d.kind for d in pci.alternates] == [4, 3]
    direct = pcimg.read(pcimg.encode(photo, captioner="none", max_bytes=147))
    assert pci.alternates[1] == direct.descriptors[0]  # the direct encode's base layer, byte for byte


@pytest.mark.parametrize("size", [147, 40])
def test_rebudget_to_an_alternates_size_is_the_direct_encode(photo, master, size):
    small = pcimg.rebudget(master, size)
    assert same_file(small, pcimg.encode(photo, captioner="none", max_bytes=size))
    assert pcimg.read(small).alternates == ()


def test_other_sizes_cut_or_re_encode_and_drop_the_part(master):
    cut = pcimg.read(pcimg.rebudget(master, 491))
    assert [d.kind for d in cut.descriptors] == [5] and cut.alternates == ()
    between = pcimg.read(pcimg.rebudget(master, 200))  # the 147-B alternate is under 90% of 200
    assert [d.kind for d in between.descriptors] == [3] and len(pcimg.write(between)) > 180
    for method in ("cut", "encode"):  # only "auto" puts an alternate in
        other = pcimg.rebudget(master, 147, method=method)
        assert pcimg.read(other).descriptors[0] != pcimg.read(master).alternates[1]


def test_a_bare_placeholder_of_21_bytes_is_a_re_framing(photo):
    master = pcimg.encode(photo, captioner="none", max_bytes=983, base="embedded", alternates=(21,), bare=True)
    small = pcimg.rebudget(master, 21, bare=True)
    assert len(small) <= 21 and same_file(small, pcimg.encode(photo, captioner="none", max_bytes=21, bare=True), True)


@pytest.mark.parametrize("alternates", [(983,), (0,), ("147",), (True,), "147"])
def test_bad_alternates_are_pci_errors(photo, alternates):
    with pytest.raises(PciError) as caught:
        pcimg.encode(photo, captioner="none", max_bytes=983, alternates=alternates)
    assert caught.value.field == "alternates"


def test_cli_writes_them(tmp_path, photo):
    source = tmp_path / "p.png"
    photo.save(source)
    out = tmp_path / "p.pci"
    assert main(["encode", str(source), "-o", str(out), "--max-bytes", "983", "--base", "embedded",
                 "--alternates", "147,60", "--captioner", "none"]) == 0  # fmt: skip
    assert [len(d.payload) < 130 for d in pcimg.read(out.read_bytes()).alternates] == [True, True]


def test_validate_decodes_each_alternate(master):
    from pcimg.validate import validate

    good = validate(master)
    assert good.valid and any(note.startswith("alternates: kind 4") for note in good.notes)
    broken = pcimg.read(master).replace(alternates=(Descriptor(3, 2, 60, b"\x07"), TINY))  # a 1-byte header
    verdict = validate(pcimg.write(broken))
    assert not verdict.valid and any(p.startswith("alternate 0 (kind 3) is not decodable") for p in verdict.problems)


def test_pillow_saves_them(tmp_path, photo):
    path = tmp_path / "a.pci"
    photo.save(path, max_bytes=700, captioner="none", base="embedded", alternates=(147,))
    assert [d.kind for d in pcimg.read(path.read_bytes()).alternates] == [3]
