"""Prompt codecs: exact round trips of any text, bounded decoding, smallest-codec choice."""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pcimg
from pcimg import PciError, PciFile, Prompt
from pcimg.format import prompt_codecs as pc
from pcimg.format import prompt_model as pm
from pcimg.format.registry import LIMITS, PROMPT_CODECS

ROOT = Path(__file__).resolve().parents[1]
CODECS = [e.name for e in PROMPT_CODECS.entries]
CAPTION = (
    "A robotic dog, designed with intricate metal parts and equipped with a rocket, showcases advanced engineering."
)

texts = st.text(max_size=200) | st.from_regex(r"[A-Za-z ,.'!?0-9-]{0,200}", fullmatch=True)


@settings(max_examples=300)
@given(texts, st.sampled_from(CODECS))
def test_any_text_round_trips_through_every_codec(text, codec):
    pci = pcimg.read(pcimg.write(PciFile(4, 4, prompt=Prompt.from_text(text, codec))))
    assert pci.prompt.text == text


@pytest.mark.parametrize(
    "text",
    ["", "a", "A", "I", "HELLO world", "McDonald's iPhone", "x" * 300, "tab\tand\nnewline", "émigré café",
     "日本の庭園 🌸", "\x00\x7f control", "Zyxwvuts qwrtp. Next sentence! Third? yes"],
)  # fmt: skip
def test_model_codec_edge_cases(text):
    assert pm.decode(pm.encode(text), len(text.encode())).decode() == text


def test_model_codec_is_much_smaller_than_brotli_on_captions():
    model = pc.encode_prompt(CAPTION, PROMPT_CODECS.code("pcimg-en-v1"))
    brotli = pc.encode_prompt(CAPTION, PROMPT_CODECS.code("brotli"))
    assert len(model) < 0.5 * len(brotli)


def test_smallest_picks_the_model_for_english_and_raw_for_tiny_text():
    assert Prompt.smallest(CAPTION).codec == "pcimg-en-v1"
    assert Prompt.smallest("x").codec == "raw"


@pytest.mark.parametrize("codec", ["brotli", "zstd", "zstd-dict-v1", "pcimg-en-v1"])
def test_malformed_payloads_raise_pci_error(codec):
    code = PROMPT_CODECS.code(codec)
    good = pc.encode_prompt(CAPTION, code)
    rng = random.Random(7)
    declared = len(CAPTION.encode())
    for _ in range(300):
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 3)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            text = pc.decode_prompt(code, declared, bytes(damaged))
        except PciError:
            continue
        assert len(text.encode()) == declared  # a model payload may decode to other text of that length


def test_model_decoding_stops_at_the_declared_length_whatever_the_payload():
    rng = random.Random(3)
    limit = LIMITS["max_prompt_bytes"]
    for _ in range(50):
        payload = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
        try:
            out = pm.decode(payload, limit)
        except ValueError:
            continue
        assert len(out) == limit


def test_shipped_tables_match_the_spec_hashes():
    spec = (ROOT / "spec" / "PROMPT-MODEL.md").read_text("utf-8")
    for name in ("prompt-en-v1.json", "zstd-dict-v1.bin"):
        digest = hashlib.sha256((ROOT / "pcimg" / "data" / name).read_bytes()).hexdigest()
        assert digest in spec, name


def test_model_tables_are_well_formed():
    m = pm.model()
    assert len(m.head_words) == 8190 and len(set(m.head_words) & set(m.tail_words)) == 0
    assert all(re.fullmatch("[a-z]+", w) for w in m.head_words + m.tail_words)
    size = (ROOT / "pcimg" / "data" / "prompt-en-v1.json").stat().st_size
    assert size < 2_000_000


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.binary(min_size=1, max_size=64))
def test_model_payload_ends_where_the_decoder_stops_reading(text, junk):
    data = pm.encode(text)
    declared = len(text.encode("utf-8"))
    assert pm.decode(data, declared) == text.encode("utf-8")  # the encoder's own stream is canonical
    assert not data.endswith(b"\x00")
    with pytest.raises(pm.PromptModelError):
        pm.decode(data + b"\x00", declared)  # zeros past the end are implied, never stored
    with pytest.raises(pm.PromptModelError):
        pm.decode(data + junk + b"\x01" * 6, declared)  # bytes after the last one the decoder reads


def test_a_zstd_frame_checksum_is_verified():
    import zstandard

    frame = zstandard.ZstdCompressor(write_checksum=True, write_content_size=True).compress(b"two parrots")
    assert pc.decode_prompt(pc.ZSTD, 11, frame) == "two parrots"
    with pytest.raises(PciError, match="checksum"):
        pc.decode_prompt(pc.ZSTD, 11, frame[:-1] + bytes([frame[-1] ^ 1]))
