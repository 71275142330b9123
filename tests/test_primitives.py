"""Exactly specified building blocks: range coder, SplitMix64, cosine table."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcimg.codec import dct
from pcimg.primitives import rangecoder as rc
from pcimg.primitives.prng import splitmix64, splitmix64_reference


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 2**20)), max_size=400), st.integers(0, 2**16 - 1))
def test_range_coder_round_trips(symbols, direct):
    enc = rc.Encoder()
    bits, ints = rc.contexts(4), rc.contexts(12)
    for i, (bit, value) in enumerate(symbols):
        enc.bit(bits, i % 4, int(bit))
        rc.encode_uint(enc, ints, value)
    enc.direct(direct, 16)
    data = enc.finish()
    dec = rc.Decoder(data)
    bits, ints = rc.contexts(4), rc.contexts(12)
    for i, (bit, value) in enumerate(symbols):
        assert dec.bit(bits, i % 4) == int(bit)
        assert rc.decode_uint(dec, ints) == value
    assert dec.direct(16) == direct


def test_range_coder_compresses_skewed_bits():
    enc = rc.Encoder()
    probs = rc.contexts(1)
    for i in range(8000):
        enc.bit(probs, 0, int(i % 50 == 0))
    # entropy of p=0.02 is 0.141 bit: 141 bytes; a 1/32-step adaptive model stays within 25% of it
    assert len(enc.finish()) < 1.25 * 141


def test_range_coder_vector():
    """A fixed stream, so other implementations can check their coder against ours."""
    enc = rc.Encoder()
    probs = rc.contexts(2)
    for i in range(40):
        enc.bit(probs, i & 1, int(i % 3 == 0))
    rc.encode_uint(enc, rc.contexts(8), 1000)
    assert enc.finish().hex() == _RANGE_VECTOR


_RANGE_VECTOR = "9234160f885aaec0"


def test_splitmix64_vectorised_equals_reference():
    for seed in (0, 1, 2**63 + 5, 2**64 - 1):
        assert [int(v) for v in splitmix64(seed, 64)] == splitmix64_reference(seed, 64)
    assert splitmix64_reference(0, 1) == [0xE220A8397B1DCDAF]  # the published first output for seed 0


def test_cosine_table_is_platform_independent():
    for j in range(dct.QUARTER + 1):
        exact = (1 << dct.Q) * math.sqrt(2) * math.cos(math.pi * j / (2 * dct.QUARTER))
        assert abs(exact - math.floor(exact) - 0.5) > 1e-6, "an entry near .5 could round differently elsewhere"
    digest = hashlib.sha256(dct.COS_TABLE.astype("<i4").tobytes()).hexdigest()
    assert digest == "e5ceac4f91eaf791d096f947e3e1f8000bda079ae3b5fa33045f808578556d4f"


def test_integer_basis_tracks_the_cosine():
    import numpy as np

    for size in (1, 7, 512, 768, 16384):
        count = min(96, 4 * size)
        err = np.abs(dct.basis_int(count, size) / (1 << dct.Q) - dct.basis_float(count, size)).max()
        assert err < 3e-4


@pytest.mark.parametrize("name", ["dct-priors-v1.json", "wavelet-priors-v1.json", "wavelet-priors-v2.json"])
def test_codec_priors_match_the_spec_hash(name):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256((root / "pcimg" / "data" / name).read_bytes()).hexdigest()
    assert digest in (root / "spec" / "CODEC.md").read_text("utf-8")


def test_size_dependent_tables_stay_bounded_in_bytes():
    dct.basis_int.cache_clear()
    for i in range(40):
        dct.basis_int(128, 16384 - i)  # 16 MB each: an lru_cache(64) kept 40 of them
    assert dct.basis_int.cache_bytes() <= dct.CACHE_BYTES
    assert np.array_equal(dct.basis_int(128, 16384 - 39), dct.basis_int.__wrapped__(128, 16384 - 39))
