"""The .pci v1 container: round trips, damage detection, part rules and limits."""

from __future__ import annotations

import dataclasses
import io
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import pci_files

import pcimg
from pcimg import Descriptor, ModelRef, PciError, PciFile, Prompt, RawPart, Recipe
from pcimg.format.container import lowest_minor
from pcimg.format.registry import LIMITS, SIGNATURE
from pcimg.format.schema import encode_varint


def sample() -> PciFile:
    return PciFile(
        width=768,
        height=512,
        seed=123456789,
        models=(ModelRef("generator", "stabilityai/sd-turbo"), ModelRef("captioner", "acme/cap", "v1.0")),
        recipe=Recipe(steps=2, strength_permille=600, guidance_tenths=0, scheduler="euler"),
        descriptors=(Descriptor(1, 1, 40, bytes(range(60))), Descriptor(2, 1, 3, b"\x01\x02\x03")),
        prompt=Prompt.from_text("a red barn under a blue sky with snow", "brotli"),
        metadata=(("creator", "Ann"),),
        extra_parts=(RawPart(0xF0, b"future"),),
    )


def with_crc(body: bytes) -> bytes:
    """A byte string with a correct CRC-32 appended (to reach checks behind the CRC)."""
    return body + zlib.crc32(body).to_bytes(4, "big")


def body_of(data: bytes) -> bytes:
    return data[:-4]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(pci_files())
def test_every_valid_file_round_trips_byte_identically(pci):
    first = pcimg.write(pci)
    parsed = pcimg.read(first)
    assert parsed == dataclasses.replace(pci, minor_version=max(pci.minor_version, lowest_minor(pci)))
    assert pcimg.write(parsed) == first


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(pci_files())
def test_every_value_round_trips_through_the_bare_form(pci):
    """Bare and file form hold the same values: file -> bare -> file is byte-identical."""
    minor = max(pci.minor_version, lowest_minor(pci))
    if minor > 7:
        with pytest.raises(pcimg.PciError) as err:
            pcimg.write(pci, bare=True)
        assert err.value.field == "version.minor"
        return
    bare = pcimg.write(pci, bare=True)
    parsed = pcimg.read(bare, bare=True)
    assert parsed == pcimg.read(pcimg.write(pci))
    assert pcimg.write(parsed, bare=True) == bare
    assert len(bare) < len(pcimg.write(pci)) - 12  # no signature, no CRC, one version byte
    assert pcimg.read(pcimg.to_text(bare), bare=True) == parsed


def test_minimal_file_overhead_is_16_bytes():
    data = pcimg.write(PciFile(1, 1, prompt=Prompt.from_text("", "raw")))
    header = 4  # width, height, colour, seed: one byte each
    prompt_payload = 1  # the codec byte
    assert len(data) - header - prompt_payload == 16


def test_read_accepts_bytes_path_and_file_object(tmp_path):
    data = pcimg.write(sample())
    path = tmp_path / "x.pci"
    pcimg.save(sample(), path)
    assert path.read_bytes() == data
    assert pcimg.read(path) == pcimg.read(str(path)) == pcimg.read(io.BytesIO(data)) == pcimg.read(memoryview(data))


def test_every_truncation_is_rejected():
    data = pcimg.write(sample())
    for n in range(len(data)):
        with pytest.raises(PciError):
            pcimg.read(data[:n])


def test_every_single_bit_flip_is_rejected():
    data = pcimg.write(sample())
    flips = 0
    for i in range(len(data)):
        for bit in range(8):
            damaged = bytearray(data)
            damaged[i] ^= 1 << bit
            with pytest.raises(PciError):
                pcimg.read(bytes(damaged))
            flips += 1
    assert flips == 8 * len(data)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.replace(b"\r\n", b"\n", 1),  # text-mode line ending conversion
        lambda d: d[:5] + b"\r" + d[5:],  # LF -> CRLF
        lambda d: bytes(b & 0x7F for b in d),  # 7-bit transfer
    ],
)
def test_signature_catches_transfer_damage(damage):
    with pytest.raises(PciError, match="signature"):
        pcimg.read(damage(pcimg.write(sample())))


def test_crc_mismatch_names_offset():
    data = bytearray(pcimg.write(sample()))
    data[20] ^= 0x10
    with pytest.raises(PciError) as err:
        pcimg.read(bytes(data))
    assert err.value.field == "crc" and err.value.offset == len(data) - 4


def test_unknown_ancillary_part_survives_read_modify_write():
    pci = pcimg.read(pcimg.write(sample()))
    edited = pcimg.read(pcimg.write(pci.replace(seed=5)))
    assert edited.extra_parts == (RawPart(0xF0, b"future"),)
    assert edited.seed == 5


def test_unknown_critical_part_is_rejected():
    body = body_of(pcimg.write(PciFile(8, 8, prompt=Prompt.from_text("x", "raw"))))
    damaged = with_crc(body + bytes([0x10, 2]) + b"hi")
    with pytest.raises(PciError, match="unknown critical part type 0x10") as err:
        pcimg.read(damaged)
    assert err.value.offset == len(body)


def test_parts_out_of_order_or_repeated_are_rejected():
    body = body_of(pcimg.write(PciFile(8, 8, prompt=Prompt.from_text("x", "raw"))))
    with pytest.raises(PciError, match="out of order"):
        pcimg.read(with_crc(body + bytes([0x01, 4, 1, 1, 0, 1])))
    with pytest.raises(PciError, match="repeated"):
        pcimg.read(with_crc(body + bytes([0x04, 2, 0, ord("y")])))


def test_higher_minor_version_is_accepted():
    data = bytearray(pcimg.write(sample()))
    data[9] = 7
    pci = pcimg.read(with_crc(bytes(data[:-4])))
    assert pci.minor_version == 7
    assert pcimg.write(pci)[9] == 7  # a re-written file keeps its higher minor version


def test_writer_writes_the_lowest_minor_version_the_file_needs():
    dct = PciFile(8, 8, descriptors=(Descriptor(1, 1, 40, bytes([1, 1, 1, 1])),))
    wavelet = PciFile(8, 8, descriptors=(Descriptor(3, 1, 80, bytes(3)),))
    assert pcimg.write(dct)[9] == 0 and pcimg.write(sample())[9] == 0
    assert pcimg.write(wavelet)[9] == 1  # descriptor kind 3 arrived in format 1.1
    assert pcimg.read(pcimg.write(wavelet)).minor_version == 1


def test_higher_major_version_is_rejected():
    data = bytearray(pcimg.write(sample()))
    data[8] = 2
    with pytest.raises(PciError, match="major version 2") as err:
        pcimg.read(with_crc(bytes(data[:-4])))
    assert err.value.field == "version.major" and err.value.offset == 8


def test_non_canonical_varint_is_rejected():
    # width 1 written as 81 00 instead of 01
    body = SIGNATURE + bytes([1, 0]) + bytes([0x81, 0x00, 1, 0, 0]) + bytes([0x04, 2, 0, ord("x")])
    with pytest.raises(PciError, match="non-canonical") as err:
        pcimg.read(with_crc(body))
    assert err.value.field == "header.width" and err.value.offset == 10


def test_file_needs_prompt_or_descriptors():
    body = SIGNATURE + bytes([1, 0, 1, 1, 0, 0])
    with pytest.raises(PciError, match="neither a prompt nor descriptors"):
        pcimg.read(with_crc(body))


# ---------------------------------------------------------------- limits, each named


def header(width: int, height: int) -> bytes:
    return SIGNATURE + bytes([1, 0]) + encode_varint(width) + encode_varint(height) + bytes([0, 0])


def test_dimension_limit():
    limit = LIMITS["max_dimension"]
    ok = with_crc(header(limit, 1) + bytes([0x04, 2, 0, ord("x")]))
    assert pcimg.read(ok).width == limit
    with pytest.raises(PciError, match=f"exceeds max_dimension = {limit}") as err:
        pcimg.read(with_crc(header(limit + 1, 1) + bytes([0x04, 2, 0, ord("x")])))
    assert err.value.field == "header.width"
    with pytest.raises(PciError, match="max_dimension"):
        pcimg.write(PciFile(1, limit + 1, prompt=Prompt.from_text("x")))


def test_zero_dimension_rejected():
    with pytest.raises(PciError) as err:
        pcimg.read(with_crc(header(5, 0) + bytes([0x04, 2, 0, ord("x")])))
    assert err.value.field == "header.height"


def test_part_count_limit():
    base = header(4, 4) + bytes([0x04, 2, 0, ord("x")])
    limit = LIMITS["max_parts"]
    parts = b"".join(bytes([t, 0]) for t in range(0x90, 0x90 + limit))
    with pytest.raises(PciError, match=f"more than max_parts = {limit} parts"):
        pcimg.read(with_crc(base + parts))
    assert pcimg.read(with_crc(base + parts[: 2 * (limit - 1)]))


def test_prompt_length_limit():
    limit = LIMITS["max_prompt_bytes"]
    assert pcimg.read(pcimg.write(PciFile(4, 4, prompt=Prompt.from_text("a" * limit, "raw"))))
    with pytest.raises(PciError, match=f"exceeds max_prompt_bytes = {limit}"):
        Prompt.from_text("a" * (limit + 1))
    raw = b"a" * (limit + 1)
    with pytest.raises(PciError, match=f"exceeds max_prompt_bytes = {limit}"):
        pcimg.read(with_crc(header(4, 4) + bytes([0x04]) + encode_varint(len(raw) + 1) + b"\x00" + raw))


@pytest.mark.parametrize("codec", ["brotli", "zstd"])
def test_prompt_bomb_is_stopped_at_declared_length(codec):
    import brotli
    import zstandard

    bomb = brotli.compress(b"a" * 50_000_000) if codec == "brotli" else zstandard.compress(b"a" * 50_000_000)
    code = 1 if codec == "brotli" else 2
    payload = bytes([code]) + encode_varint(100) + bomb
    with pytest.raises(PciError) as err:
        pcimg.read(with_crc(header(4, 4) + bytes([0x04]) + encode_varint(len(payload)) + payload))
    assert err.value.field.startswith("prompt")


def test_declared_prompt_length_above_limit_rejected_before_decompressing():
    payload = bytes([1]) + encode_varint(LIMITS["max_prompt_bytes"] + 1) + b"\x00"
    with pytest.raises(PciError) as err:
        pcimg.read(with_crc(header(4, 4) + bytes([0x04]) + encode_varint(len(payload)) + payload))
    assert err.value.field == "prompt.length"


def test_descriptor_size_limit():
    limit = LIMITS["max_descriptor_bytes"]
    with pytest.raises(PciError, match=f"exceeds max_descriptor_bytes = {limit}"):
        pcimg.write(PciFile(4, 4, descriptors=(Descriptor(1, 1, 0, bytes(limit + 1)),)))
    with pytest.raises(PciError, match=r"total .* over max_descriptor_bytes"):
        pcimg.write(PciFile(4, 4, descriptors=(Descriptor(1, 1, 0, bytes(limit)), Descriptor(2, 1, 0, b"x"))))


def test_file_size_limit():
    limit = LIMITS["max_file_bytes"]
    with pytest.raises(PciError, match=f"larger than max_file_bytes = {limit}"):
        pcimg.read(b"\x00" * (limit + 1))


def test_model_count_limit():
    refs = tuple(ModelRef("generator", f"org/m{i}") for i in range(LIMITS["max_models"] + 1))
    with pytest.raises(PciError):
        pcimg.write(PciFile(4, 4, models=refs, prompt=Prompt.from_text("x")))


@pytest.mark.parametrize("bad_id", ["../etc/passwd", "/abs/path", "org/../../x", "a/b/c", ".hidden/x", "a\\b"])
def test_model_ids_that_could_escape_a_directory_are_rejected(bad_id):
    with pytest.raises(PciError, match="does not match"):
        pcimg.write(PciFile(4, 4, models=(ModelRef("generator", bad_id),), prompt=Prompt.from_text("x")))


def test_invalid_utf8_prompt_is_rejected():
    with pytest.raises(PciError, match="not UTF-8") as err:
        pcimg.read(with_crc(header(4, 4) + bytes([0x04, 3, 0, 0xC3, 0x28])))
    assert err.value.field == "prompt.data"


def test_pci_error_is_a_value_error_with_field_and_offset():
    with pytest.raises(ValueError) as err:
        pcimg.read(b"\x8aPCX")
    assert isinstance(err.value, PciError)
    assert err.value.field == "signature" and err.value.offset == 3
    assert "offset 3" in str(err.value)


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "x.pci"
    pcimg.save(sample(), path)
    before = path.read_bytes()
    with pytest.raises(PciError):
        pcimg.save(PciFile(0, 1, prompt=Prompt.from_text("x")), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["x.pci"]


# Every limit in the registry: a file (or value) just over it, and the limit's name in the error.
L = LIMITS


def _over(name: str):
    x = Prompt.from_text("x", "raw")
    return {
        "max_file_bytes": lambda: pcimg.read(b"\x00" * (L[name] + 1)),
        "max_dimension": lambda: pcimg.write(PciFile(L[name] + 1, 1, prompt=x)),
        "max_parts": lambda: pcimg.read(
            with_crc(header(4, 4) + bytes([0x04, 2, 0, 120]) + b"".join(bytes([t, 0]) for t in range(0x90, 0xB1)))
        ),
        "max_prompt_bytes": lambda: Prompt.from_text("a" * (L[name] + 1)),
        "max_descriptor_bytes": lambda: pcimg.write(
            PciFile(4, 4, descriptors=(Descriptor(1, 1, 0, bytes(L[name] + 1)),))
        ),
        "max_descriptors": lambda: pcimg.write(
            PciFile(4, 4, descriptors=tuple(Descriptor(k, 1, 0, b"") for k in range(1, L[name] + 2)))
        ),
        "max_models": lambda: pcimg.write(
            PciFile(4, 4, prompt=x, models=tuple(ModelRef("generator", f"o/m{i}") for i in range(L[name] + 1)))
        ),
        "max_model_id_bytes": lambda: pcimg.write(
            PciFile(4, 4, prompt=x, models=(ModelRef("generator", "o/" + "m" * L[name]),))
        ),
        "max_revision_bytes": lambda: pcimg.write(
            PciFile(4, 4, prompt=x, models=(ModelRef("generator", "o/m", "r" * (L[name] + 1)),))
        ),
        "max_metadata_entries": lambda: pcimg.write(
            PciFile(4, 4, prompt=x, metadata=tuple((f"k{i}", "v") for i in range(L[name] + 1)))
        ),
        "max_text_bytes": lambda: pcimg.write(PciFile(4, 4, prompt=x, metadata=(("k", "v" * (L[name] + 1)),))),
        "max_steps": lambda: pcimg.write(PciFile(4, 4, prompt=x, recipe=Recipe(steps=L[name] + 1))),
    }[name]


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_every_limit_is_enforced_and_named(name):
    with pytest.raises(PciError, match=name):
        _over(name)()


def test_editing_critical_content_drops_parts_that_are_not_safe_to_copy():
    pci = PciFile(8, 8, prompt=Prompt.from_text("x", "raw"), digest=pcimg.DecodeDigest("sha256", bytes(8)),
                  encoder=pcimg.EncoderInfo("pcimg", "0.1"), metadata=(("Title", "t"),),
                  extra_parts=(RawPart(0x90, b"unsafe"), RawPart(0xD0, b"safe")))  # fmt: skip
    edited = pcimg.read(pcimg.write(pci.replace(seed=3)))  # the README's example edit
    assert edited.digest is None and edited.encoder is None  # 0x82 and 0x81: not safe to copy
    assert edited.metadata == (("Title", "t"),) and edited.extra_parts == (RawPart(0xD0, b"safe"),)
    same = pci.replace(metadata=(("Title", "u"),))  # an ancillary edit keeps everything
    assert same.digest == pci.digest and same.extra_parts == pci.extra_parts
    kept = pci.replace(seed=3, digest=pci.digest)  # an editor that recomputed the digest sets it
    assert kept.digest == pci.digest


def test_text_comparisons_are_case_sensitive_and_patterns_whole_string():
    pci = PciFile(8, 8, prompt=Prompt.from_text("x", "raw"), metadata=(("Title", "a"), ("title", "b")))
    assert pcimg.read(pcimg.write(pci)).metadata == (("Title", "a"), ("title", "b"))  # two keys
    with pytest.raises(PciError) as err:
        pcimg.write(PciFile(8, 8, prompt=Prompt.from_text("x", "raw"), models=(ModelRef("generator", "a/b/c"),)))
    assert err.value.field == "models.id"


def test_memoised_parts_build_what_the_schema_builds():
    """Small parts are memoised by value: equal values give the schema's bytes, a changed value
    new bytes, and a list where a tuple belongs is still written (built without the memo)."""
    from pcimg.format import container
    from pcimg.format.schema import build_payload

    prompt = Prompt.from_text("two parrots on a branch", "pcimg-en-v2")
    pci = PciFile(8, 8, prompt=prompt, models=(ModelRef("captioner", "pcimg/descriptor-captioner"),))
    first = pcimg.write(pci)
    assert pcimg.write(pci) == first and pcimg.read(first) == pci.replace(minor_version=4)
    assert container._small_part_payload("prompt", prompt) == build_payload("prompt", container._unprompt(prompt))
    other = pcimg.write(pci.replace(prompt=Prompt.from_text("two parrots on a rock", "pcimg-en-v2")))
    assert other != first and pcimg.read(other).prompt.text == "two parrots on a rock"
    listed = pcimg.write(pci.replace(metadata=[("title", "parrots")]))  # type: ignore[arg-type]
    assert pcimg.read(listed).metadata == (("title", "parrots"),)


def test_header_fast_path_agrees_with_the_schema():
    """``parse_header`` compares signature, version and CRC as bytes before the schema reads the
    header: on every vector and thousands of mutations of them it gives what ``PCI_HEAD`` gives,
    value or error (field and offset)."""
    import random

    from pcimg.format import container
    from pcimg.format.schema import PCI_HEAD

    def by_schema(data: bytes):
        try:
            parsed = container._parsed(PCI_HEAD, data)
            header = parsed.body.header
            return header.width, header.height, container.COLOURS.name(header.colour), parsed.version.minor
        except PciError as exc:
            return ("error", exc.field, exc.offset)

    def fast(data: bytes):
        try:
            return container.parse_header(data)
        except PciError as exc:
            return ("error", exc.field, exc.offset)

    vectors = Path(__file__).resolve().parents[1] / "spec" / "vectors"
    seeds = [p.read_bytes() for p in sorted(vectors.glob("*/*.pci"))]
    rng = random.Random(5)
    checked = accepted = 0
    for _ in range(3000):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(0, 3)):
            data[rng.randrange(min(len(data), 24))] = rng.randrange(256)  # signature, version, header
        if rng.random() < 0.8 and len(data) > 4:  # mostly with a repaired CRC, to reach the header
            data[-4:] = zlib.crc32(bytes(data[:-4])).to_bytes(4, "big")
        expected = by_schema(bytes(data))
        assert fast(bytes(data)) == expected
        checked += 1
        accepted += expected[0] != "error"
    assert checked == 3000 and 300 < accepted < 2900  # both paths were exercised
