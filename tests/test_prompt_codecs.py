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
@pytest.mark.parametrize("model", [pm.model, pm.model_v2])
def test_model_codec_edge_cases(text, model):
    m = model()
    assert pm.decode(pm.encode(text, m), len(text.encode()), m).decode() == text


def test_v2_codes_a_listed_successor_with_its_table_and_other_words_through_the_escape():
    m = pm.model_v2()
    after_the = m.successors("the")
    assert after_the is not None and m.successors(None) is None and m.successors("zzzzq") is None
    listed, unlisted = after_the.words[0], next(w for w in m.head_words if w not in after_the.index)
    # a word after "the": the listed one costs its successor entry only, the other pays the escape
    assert len(pm.encode(f"the {listed}. " * 8, m)) < len(pm.encode(f"the {unlisted}. " * 8, m))
    for text in (f"the {listed}", f"the {unlisted}", f"The {listed.upper()}", f"the, {listed}", f"the 4 {listed}"):
        assert pm.decode(pm.encode(text, m), len(text.encode()), m).decode() == text
    # a v2 payload is not a v1 payload: the successor tables change what the bytes mean
    text = f"the {listed} and the {listed}"
    payload = pm.encode(text, m)
    try:
        as_v1: bytes | None = pm.decode(payload, len(text.encode()), pm.model())
    except pm.PromptModelError:
        as_v1 = None
    assert as_v1 != text.encode()


def test_v2_keys_follow_the_spec():
    """The key after each piece (PROMPT-MODEL.md, codec 5): words in lower case, punctuation,
    spaces keep it, digits and other characters end it."""
    key = pm.TEXT_START
    seen = []
    for piece in pm.pieces("The Cat, 3 dogs — ok 日"):
        key = pm._next_key(pm._class_of(piece, pm.model()), piece, key)
        seen.append(key)
    assert seen == ["the", "the", "cat", ",", ",", None, None, "dogs", "dogs", "—", "—", "ok", "ok", None]


def test_model_codec_is_much_smaller_than_brotli_on_captions():
    model = pc.encode_prompt(CAPTION, PROMPT_CODECS.code("pcimg-en-v1"))
    v2 = pc.encode_prompt(CAPTION, PROMPT_CODECS.code("pcimg-en-v2"))
    brotli = pc.encode_prompt(CAPTION, PROMPT_CODECS.code("brotli"))
    assert len(v2) < len(model) < 0.5 * len(brotli)


def test_smallest_picks_the_model_for_english_and_raw_for_tiny_text():
    assert Prompt.smallest(CAPTION).codec == "pcimg-en-v2"
    assert Prompt.smallest("x").codec == "raw"


@pytest.mark.parametrize("codec", ["brotli", "zstd", "zstd-dict-v1", "pcimg-en-v1", "pcimg-en-v2"])
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


@pytest.mark.parametrize("model", [pm.model, pm.model_v2])
def test_model_decoding_stops_at_the_declared_length_whatever_the_payload(model):
    rng = random.Random(3)
    limit = LIMITS["max_prompt_bytes"]
    for _ in range(50):
        payload = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
        try:
            out = pm.decode(payload, limit, model())
        except ValueError:
            continue
        assert len(out) == limit


def test_shipped_tables_match_the_spec_hashes():
    spec = (ROOT / "spec" / "PROMPT-MODEL.md").read_text("utf-8")
    for name in ("prompt-en-v1.json", "prompt-en-v2.json", "zstd-dict-v1.bin"):
        digest = hashlib.sha256((ROOT / "pcimg" / "data" / name).read_bytes()).hexdigest()
        assert digest in spec, name


def test_model_tables_are_well_formed():
    m = pm.model()
    assert len(m.head_words) == 8190 and len(set(m.head_words) & set(m.tail_words)) == 0
    assert all(re.fullmatch("[a-z]+", w) for w in m.head_words + m.tail_words)
    size = (ROOT / "pcimg" / "data" / "prompt-en-v1.json").stat().st_size
    assert size < 2_000_000


def test_successor_tables_are_well_formed():
    """Keys unique, successors head words without repeats, one table entry per successor plus the escape."""
    data = pm.packaged_json(pm.SUCCESSOR_FILE)
    assert data["name"] == "pcimg-en-v2" and len(set(data["keys"])) == len(data["keys"])
    m = pm.model()
    for key, words, freqs in zip(data["keys"], data["words"], data["freqs"], strict=True):
        assert key == "" or re.fullmatch("[a-z]+", key) or key in m.punct
        assert len(set(words)) == len(words) and all(0 <= i < len(m.head_words) for i in words)
        assert len(freqs) == len(words) + 1 and sum(freqs) == 65536 and min(freqs) >= 1


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.binary(min_size=1, max_size=64), st.sampled_from([pm.model, pm.model_v2]))
def test_model_payload_ends_where_the_decoder_stops_reading(text, junk, model):
    m = model()
    data = pm.encode(text, m)
    declared = len(text.encode("utf-8"))
    assert pm.decode(data, declared, m) == text.encode("utf-8")  # the encoder's own stream is canonical
    assert not data.endswith(b"\x00")
    with pytest.raises(pm.PromptModelError):
        pm.decode(data + b"\x00", declared, m)  # zeros past the end are implied, never stored
    with pytest.raises(pm.PromptModelError):
        pm.decode(data + junk + b"\x01" * 6, declared, m)  # bytes after the last one the decoder reads


def test_a_zstd_frame_checksum_is_verified():
    import zstandard

    frame = zstandard.ZstdCompressor(write_checksum=True, write_content_size=True).compress(b"two parrots")
    assert pc.decode_prompt(pc.ZSTD, 11, frame) == "two parrots"
    with pytest.raises(PciError, match="checksum"):
        pc.decode_prompt(pc.ZSTD, 11, frame[:-1] + bytes([frame[-1] ^ 1]))
