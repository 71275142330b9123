"""Descriptor kind 4 (wavelet-thumb): working size, payload, the encoder's placeholders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import pcimg
from pcimg import Descriptor, PciError, PciFile
from pcimg.codec import thumb_search, wavelet_search
from pcimg.codec import wavelet_colour as W
from pcimg.codec import wavelet_thumb as T
from pcimg.primitives import rangecoder as rc


def spec_working_size(width: int, height: int, n: int) -> tuple[int, int]:
    """CODEC.md 10.1 with exact fractions: the short side is n x short/long rounded half up."""
    from fractions import Fraction

    def half_up(x: Fraction) -> int:
        return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))

    if width >= height:
        return n, max(1, half_up(Fraction(n * height, width)))
    return max(1, half_up(Fraction(n * width, height))), n


@given(st.integers(1, 16384), st.integers(1, 16384), st.integers(1, 32))
def test_working_size_is_the_spec(width, height, n):
    assert T.working_size(width, height, n) == spec_working_size(width, height, n)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 16384), st.integers(1, 16384), st.integers(1, 32), st.sampled_from(["rgb", "grey"]), st.data())
def test_payload_round_trips(width, height, n, colour, data):
    ww, wh = T.working_size(width, height, n)
    values = st.integers(-30, 30) | st.just(0)
    planes = []
    for w, h in W.plane_sizes(ww, wh, colour):
        template = W.empty_bands(w, h)
        fill = lambda band: [[data.draw(values) for _ in row] for row in band]
        planes.append([fill(template[0])] + [tuple(fill(b) for b in t) for t in template[1:]])
    shift = data.draw(st.integers(0, 3))
    payload = T.encode_payload(n, planes, shift)
    assert T.decode_payload(payload, colour, width, height) == (ww, wh, shift, planes)


def test_the_long_side_and_chroma_shift_open_the_stream_in_raw_bits():
    enc = rc.Encoder()
    enc.direct(23, 5)
    enc.direct(2, 2)
    assert T.decode_payload(enc.finish(), "grey", 300, 100)[:3] == (24, 8, 2)  # n = 24, 24 x 100/300


@pytest.mark.parametrize("quant", [0, 40, 96, 191])
def test_the_chroma_shift_divides_the_chroma_step(quant):
    base = W.plane_step(quant, 1)
    assert [W.plane_step(quant, 1, c) for c in range(4)] == [max(1, base >> c) for c in range(4)]
    assert W.plane_step(quant, 0, 3) == W.luma_step(quant)  # luma is never shifted


def test_an_empty_payload_is_a_mid_grey_picture():
    image = pcimg.decode(pcimg.write(PciFile(7, 5, descriptors=(Descriptor(4, 1, 40, b""),))))
    assert image.size == (7, 5) and set(np.asarray(image).ravel().tolist()) == {128}


def test_the_working_size_follows_the_declared_geometry_not_the_output_size(photo):
    pci = pcimg.encode_pci(photo, max_bytes=40, captioner="none", declared_size=(96, 64))
    entry = pci.descriptors[0]
    picture = T.working_image(entry.payload, entry.quant, "rgb", 96, 64)
    small, large = pcimg.decode(pci, size=(48, 32)), pcimg.decode(pci, size=(960, 640))
    assert small.size == (48, 32) and large.size == (960, 640)
    assert pcimg.decode(pci).size == (96, 64)
    n = rc.Decoder(entry.payload).direct(5) + 1
    assert picture.shape[:2][::-1] == T.working_size(96, 64, n)


@pytest.mark.parametrize("colour", ["rgb", "grey"])
def test_the_search_predicts_the_decoders_picture(photo, colour):
    image = photo if colour == "rgb" else photo.convert("L")
    array = np.asarray(image)
    src = thumb_search.source(array, colour)
    found = thumb_search.search(src, 20, lambda d: len(d.payload) <= 20, (768, 512))
    assert found is not None
    entry = found[1]
    assert entry.kind == T.KIND and len(entry.payload) <= 20
    ww, wh, shift, planes = T.decode_payload(entry.payload, colour, 768, 512)
    work = wavelet_search.analyse(src, ww, wh)
    indices = [W.quantise(b, entry.quant, plane, shift) for plane, b in enumerate(work.bands)]
    assert planes == [W.as_lists(b) for b in indices]
    predicted = wavelet_search.picture(work, indices, entry.quant, colour, 0, shift)
    assert np.array_equal(predicted, T.working_image(entry.payload, entry.quant, colour, 768, 512))


@pytest.mark.parametrize("budget", [7, 9, 12, 16, 21, 28, 36])
def test_placeholders_fit_their_budget_exactly_and_use_kind_4(photo, budget):
    data = pcimg.encode(photo, max_bytes=budget, bare=True, captioner="none", declared_size=(96, 64))
    assert budget - 1 <= len(data) <= budget
    pci = pcimg.read(data, bare=True)
    assert [d.kind for d in pci.descriptors] == [T.KIND] and pci.minor_version == 2


def test_placeholders_get_better_with_bytes(photo):
    reference = np.asarray(photo.resize((96, 64), resample=1), dtype=np.float64)  # LANCZOS

    def error(budget: int) -> float:
        data = pcimg.encode(photo, max_bytes=budget, bare=True, captioner="none", declared_size=(96, 64))
        return float(np.mean((np.asarray(pcimg.decode(data, bare=True), dtype=np.float64) - reference) ** 2))

    errors = [error(b) for b in (7, 12, 21, 40)]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 0.5 * errors[0]


def test_seven_bytes_hold_the_average_colour_and_the_aspect_ratio(photo):
    data = pcimg.encode(photo, max_bytes=7, bare=True, captioner="none", declared_size=(48, 32))
    assert len(data) <= 7
    decoded = np.asarray(pcimg.decode(data, bare=True, size=(3, 2)), dtype=np.float64)
    mean = np.asarray(photo, dtype=np.float64).reshape(-1, 3).mean(0)
    assert np.all(np.abs(decoded.reshape(-1, 3).mean(0) - mean) < 20)
    assert pcimg.read(data, bare=True).width * 2 == pcimg.read(data, bare=True).height * 3


def test_kind_3_still_wins_where_its_header_is_cheap(photo):
    assert pcimg.read(pcimg.encode(photo, max_bytes=300, captioner="none")).descriptors[0].kind == W.KIND


@pytest.mark.parametrize("size", [(0, 5), (5, 16385), (5.0, 4), "96x64", (True, 4), 0, 16385, True, 9.5])
def test_a_bad_declared_size_is_named(photo, size):
    with pytest.raises(PciError) as err:
        pcimg.encode(photo, max_bytes=40, declared_size=size)
    assert err.value.field == "declared_size"


def test_a_stream_that_breaks_the_coefficient_rules_is_a_payload_error():
    with pytest.raises(PciError) as err:
        pcimg.decode(pcimg.write(PciFile(4, 4, descriptors=(Descriptor(4, 1, 80, b"\xff" * 40),))))
    assert err.value.field == "descriptors.payload"


def test_placeholders_keep_the_colours_of_a_colourful_photo():
    """Squared error alone let the search round this face's chroma to grey: saturation 0.43 of
    the original's, 0.77 with the chroma term and the quant cap (codec v2 log, session 4)."""
    photo = Image.open(Path(__file__).parent / "data" / "kodim15-192x128.png").convert("RGB")
    data = pcimg.encode(photo, max_bytes=21, bare=True, captioner="none", declared_size=(96, 64))
    decoded = np.asarray(pcimg.decode(data, bare=True), dtype=np.float64)
    original = np.asarray(photo.resize((96, 64)), dtype=np.float64)

    def saturation(rgb: np.ndarray) -> float:
        return float((rgb.max(-1) - rgb.min(-1)).mean())

    assert saturation(decoded) > 0.6 * saturation(original)


def test_a_declared_long_side_keeps_the_aspect_ratio(photo):
    pci = pcimg.read(pcimg.encode(photo, max_bytes=30, bare=True, captioner="none", declared_size=96), bare=True)
    assert (pci.width, pci.height) == (96, 64)
    portrait = photo.transpose(2)  # rotated: 512x768
    pci = pcimg.read(pcimg.encode(portrait, max_bytes=30, bare=True, captioner="none", declared_size=96), bare=True)
    assert (pci.width, pci.height) == (64, 96)
