"""The embedded codec: exact budgets, deterministic decoding, inputs of every kind."""

from __future__ import annotations

import contextlib
import hashlib
import io
import subprocess
import sys
import warnings

import numpy as np
import pytest
from PIL import Image

import pcimg
from pcimg import Descriptor, PciError, PciFile, Prompt
from pcimg.bench.metrics import psnr
from pcimg.codec.prepare import AlphaFlattenedWarning


def pixels_hash(image: Image.Image) -> str:
    return hashlib.sha256(np.asarray(image).tobytes()).hexdigest()


@pytest.mark.parametrize("budget", [60, 147, 491, 983, 2000])
def test_whole_file_fits_the_budget_exactly(photo, budget):
    data = pcimg.encode(photo, max_bytes=budget)
    assert len(data) <= budget
    assert len(data) >= 0.85 * budget  # the budget is used, not wasted


def test_machine_prompt_is_left_out_over_its_share_and_a_persons_kept(photo):
    person = "two macaws on a branch"
    small = pcimg.read(pcimg.encode(photo, max_bytes=147))
    assert small.prompt is None and small.models == ()  # 32 bytes of colour words: over 10% of 147
    labels = pcimg.read(pcimg.encode(photo, max_bytes=147, captioner="efficientnet"))
    assert labels.prompt is not None  # a model's words are not redundant with the descriptors
    assert pcimg.read(pcimg.encode(photo, max_bytes=400)).prompt is not None
    assert pcimg.read(pcimg.encode(photo, prompt=person, max_bytes=147)).prompt.text == person


def test_machine_prompt_is_trimmed_to_fit_but_never_a_persons(photo, monkeypatch):
    from pcimg.codec import encoder

    monkeypatch.setattr(encoder, "PROMPT_SHARE", 1.0)  # the share rule off: the budget alone trims
    tight = pcimg.read(pcimg.encode(photo, max_bytes=45))
    roomy = pcimg.read(pcimg.encode(photo, max_bytes=400))
    assert roomy.prompt is not None
    assert tight.prompt is not None and 0 < len(tight.prompt.text) < len(roomy.prompt.text)
    assert roomy.prompt.text.startswith(tight.prompt.text + " ")  # whole words dropped from the end


def test_prompt_counts_against_the_budget(photo):
    long_prompt = "two macaws, one red and one blue and yellow, perched side by side against green leaves"
    with_prompt = pcimg.read(pcimg.encode(photo, prompt=long_prompt, max_bytes=200))
    without = pcimg.read(pcimg.encode(photo, captioner="none", max_bytes=200))
    assert with_prompt.prompt.text == long_prompt
    assert len(with_prompt.descriptor(3).payload) < len(without.descriptor(3).payload)


def test_budget_too_small_is_a_clear_error(photo):
    with pytest.raises(PciError, match="too small") as err:
        pcimg.encode(photo, prompt=" ".join(f"w{i}q{i * 7 % 13}" for i in range(25)), max_bytes=80)
    assert err.value.field == "max_bytes"


def test_quality_improves_with_budget(photo):
    ref = np.asarray(photo)
    scores = [
        psnr(ref, np.asarray(pcimg.decode(pcimg.encode(photo, captioner="none", max_bytes=b)))) for b in (147, 491, 983)
    ]
    assert scores[0] > 18.0
    assert scores[0] < scores[1] < scores[2]


def test_decode_is_deterministic_across_runs_and_processes(photo, tmp_path):
    data = pcimg.encode(photo, max_bytes=491, seed=7)
    path = tmp_path / "x.pci"
    path.write_bytes(data)
    first, second = pixels_hash(pcimg.decode(data)), pixels_hash(pcimg.decode(data))
    code = (
        "import hashlib, sys, numpy, pcimg;"
        "print(hashlib.sha256(numpy.asarray(pcimg.decode(sys.argv[1])).tobytes()).hexdigest())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert first == second == other


def test_decodes_at_any_size(photo):
    pci = pcimg.read(pcimg.encode(photo, max_bytes=491))
    full = pcimg.decode(pci)
    half = pcimg.decode(pci, size=(384, 256))
    odd = pcimg.decode(pci, size=(101, 33))
    assert half.size == (384, 256) and odd.size == (101, 33)
    base_full = pcimg.preview(pci).resize((384, 256), Image.BOX)
    assert psnr(np.asarray(base_full), np.asarray(pcimg.preview(pci, size=(384, 256)))) > 35
    assert full.size == (768, 512)


@pytest.mark.parametrize("bad", [(5,), (5.5, 4), "64x48", (0, 5), (16385, 1)])
def test_bad_output_sizes_are_pci_errors(photo, bad):
    data = pcimg.encode(photo, max_bytes=200)
    with pytest.raises(PciError) as err:
        pcimg.decode(data, size=bad)
    assert err.value.field == "size"
    assert pcimg.decode(data, size=(np.int64(12), np.int32(8))).size == (12, 8)


@pytest.mark.parametrize("base", ["dct", "wavelet"])
def test_seed_changes_detail_and_search_keeps_the_closest(photo, base):
    a = pcimg.read(pcimg.encode(photo, max_bytes=600, seed=1, texture=True, base=base))
    b = a.replace(seed=2)
    assert pixels_hash(pcimg.decode(a)) != pixels_hash(pcimg.decode(b))
    assert pixels_hash(pcimg.preview(a)) == pixels_hash(pcimg.preview(b))  # the base layer has no noise
    searched = pcimg.read(pcimg.encode(photo, max_bytes=600, seed=10, seed_search=4, texture=True, base=base))
    assert 10 <= searched.seed < 14


def test_base_layer_and_texture_defaults(photo):
    assert [d.kind for d in pcimg.read(pcimg.encode(photo, max_bytes=600)).descriptors] == [3]
    assert [d.kind for d in pcimg.read(pcimg.encode(photo, max_bytes=600, base="dct")).descriptors] == [1, 2]
    assert [d.kind for d in pcimg.read(pcimg.encode(photo, max_bytes=600, texture=True)).descriptors] == [2, 3]
    pci = pcimg.read(pcimg.encode(photo, max_bytes=600, texture=False, base="dct"))
    assert [d.kind for d in pci.descriptors] == [1]
    with pytest.raises(PciError, match="base must be one of") as err:
        pcimg.encode(photo, base="jpeg")
    assert err.value.field == "base"


@pytest.mark.parametrize(
    "make, colour",
    [
        (lambda im: im.convert("L"), "grey"),
        (lambda im: im.convert("RGBA"), "rgb"),
        (lambda im: im.convert("LA"), "grey"),
        (lambda im: im.convert("P"), "rgb"),
        (lambda im: im.convert("1"), "grey"),
        (lambda im: im.convert("CMYK"), "rgb"),
        (lambda im: im.convert("I;16"), "grey"),
        (lambda im: Image.fromarray(np.asarray(im.convert("L"), dtype=np.uint16) * 257), "grey"),
    ],
)
def test_input_modes(small_photo, make, colour):
    image = make(small_photo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AlphaFlattenedWarning)  # tested below
        pci = pcimg.read(pcimg.encode(image, max_bytes=300))
    assert pci.colour == colour
    assert pcimg.decode(pci).mode == ("RGB" if colour == "rgb" else "L")


def test_sixteen_bit_input_is_scaled_not_clipped(small_photo):
    grey8 = small_photo.convert("L")
    grey16 = Image.fromarray(np.asarray(grey8, dtype=np.uint16) * 257)
    a = np.asarray(pcimg.decode(pcimg.encode(grey8, max_bytes=400, captioner="none")), dtype=float)
    b = np.asarray(pcimg.decode(pcimg.encode(grey16, max_bytes=400, captioner="none")), dtype=float)
    assert np.abs(a - b).mean() < 2


def test_alpha_is_flattened_on_white_with_a_warning_or_on_a_chosen_background(small_photo):
    rgba = small_photo.convert("RGBA")
    rgba.putalpha(0)
    with pytest.warns(AlphaFlattenedWarning, match="transparency"):
        out = np.asarray(pcimg.decode(pcimg.encode(rgba, max_bytes=300, captioner="none")))
    assert out.mean() > 240
    with pytest.warns(AlphaFlattenedWarning, match=r"\(0, 0, 64\)"):
        blue = np.asarray(pcimg.decode(pcimg.encode(rgba, max_bytes=300, captioner="none", background=(0, 0, 64))))
    assert blue[..., 2].mean() > 50 and blue[..., 0].mean() < 15


def test_image_bytes_and_arrays_are_accepted_and_other_types_named(small_photo):
    png = io.BytesIO()
    small_photo.save(png, "PNG")
    from_bytes = pcimg.read(pcimg.encode(png.getvalue(), max_bytes=300, captioner="none"))
    array = np.asarray(small_photo)
    from_array = pcimg.read(pcimg.encode(array, max_bytes=300, captioner="none"))
    assert from_bytes.descriptors == from_array.descriptors and from_array.width == 192
    assert pcimg.read(pcimg.encode(array[..., 0], max_bytes=300, captioner="none")).colour == "grey"
    with pytest.warns(AlphaFlattenedWarning):
        rgba = np.dstack([array, np.full(array.shape[:2], 255, np.uint8)])
        assert pcimg.read(pcimg.encode(rgba, max_bytes=300, captioner="none")).colour == "rgb"
    for bad in (array.astype(np.float32), array[..., :2], 3.5, [1, 2]):
        with pytest.raises(PciError, match=r"uint8|PIL image") as err:
            pcimg.encode(bad)
        assert err.value.field == "image"


def test_float_images_are_refused_clearly(small_photo):
    with pytest.raises(PciError, match="float") as err:
        pcimg.encode(small_photo.convert("F"))
    assert err.value.field == "image.mode"


def test_exif_orientation_is_respected(small_photo):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    buffer = io.BytesIO()
    small_photo.save(buffer, "JPEG", exif=exif.tobytes())
    pci = pcimg.read(pcimg.encode(io.BytesIO(buffer.getvalue()), max_bytes=300))
    assert (pci.width, pci.height) == (128, 192)


def test_unknown_descriptor_kind_is_reported(photo):
    pci = PciFile(8, 8, descriptors=(Descriptor(9, 1, 0, b""),))
    with pytest.raises(PciError, match="descriptor kind 9 is unknown"):
        pcimg.decode(pcimg.write(pci))


def test_unknown_generator_is_reported_with_what_to_install():
    pci = PciFile(8, 8, models=(pcimg.ModelRef("generator", "acme/gen", "r1"),), prompt=Prompt.from_text("x"))
    with pytest.raises(PciError, match="generator model acme/gen@r1 is not installed"):
        pcimg.decode(pci)
    assert pcimg.decode(pci, generator="parametric").size == (8, 8)


@pytest.mark.parametrize("base, kind, max_quant", [("dct", 1, 120), ("wavelet", 3, 191)])
def test_corrupt_descriptor_payloads_only_raise_pci_error(photo, base, kind, max_quant):
    pci = pcimg.read(pcimg.encode(photo, max_bytes=300, base=base))
    rng = np.random.default_rng(1)
    payload = pci.descriptor(kind).payload
    for _ in range(200):
        damaged = bytearray(payload)
        for _ in range(3):
            damaged[rng.integers(len(damaged))] = rng.integers(256)
        bad = pci.replace(descriptors=(Descriptor(kind, 1, int(rng.integers(0, max_quant + 1)), bytes(damaged)),))
        with contextlib.suppress(PciError):  # anything else escaping fails the test
            pcimg.decode(bad, size=(64, 48))


def test_digest_verifies_the_reference_decode(photo):
    pci = pcimg.read(pcimg.encode(photo, max_bytes=600, digest=True))
    pixels = np.asarray(pcimg.decode(pci)).tobytes()
    assert hashlib.sha256(pixels).digest()[:8] == pci.digest.value


def test_descriptor_captioner_names_colours():
    sky = Image.new("RGB", (64, 64), (70, 130, 220))
    sky.paste((60, 160, 60), (0, 42, 64, 64))
    text = pcimg.read(pcimg.encode(sky, max_bytes=600)).prompt.text
    assert "blue at the top" in text and "green at the bottom" in text


def test_colour_names_at_once_equal_one_at_a_time():
    """The captioner names a thumbnail's pixels in one numpy pass; each name is colorsys's."""
    from pcimg.codec.captioners import colour_name, colour_names

    rng = np.random.default_rng(5)
    levels = np.arange(0, 256, 17)
    edges = np.stack(np.meshgrid(levels, levels, levels), -1).reshape(-1, 3)  # greys, primaries, ties
    colours = np.concatenate([edges, rng.integers(0, 256, (20000, 3))]).astype(np.float64)
    assert colour_names(colours) == [colour_name(c) for c in colours]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("size", [(1, 1), (2, 2), (7, 1), (1, 7), (3, 500), (500, 3), (16384, 2)])
@pytest.mark.parametrize("budget", [40, 400, 983])
def test_extreme_shapes_encode_and_decode(size, budget):
    rng = np.random.default_rng(size[0] * 31 + size[1])
    image = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    data = pcimg.encode(image, max_bytes=budget)
    assert len(data) <= budget
    assert pcimg.decode(data).size == size


def test_decode_memory_follows_the_output_not_the_work(photo):
    import tracemalloc

    pci = pcimg.encode_pci(photo, max_bytes=983)
    size = (4096, 2730)  # 11.2 MP from a 983-byte file
    pcimg.decode(pci, size=(64, 64))  # tables for small sizes, not the ones measured
    tracemalloc.start()
    try:
        pcimg.decode(pci, size=size)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 8 * size[0] * size[1] + (40 << 20)  # ~6 bytes per pixel (array + image) + bands and tables


def test_banded_decode_equals_whole_decode(photo, monkeypatch):
    from pcimg.codec import parametric

    pci = pcimg.encode_pci(photo, max_bytes=491)
    monkeypatch.setattr(parametric, "WORKING_BAND_BYTES", 1 << 30)  # one band
    whole = np.asarray(pcimg.decode(pci, size=(300, 200)))
    monkeypatch.setattr(parametric, "WORKING_BAND_BYTES", 4 * 300 * 3 * 7)  # 7-row bands, a partial one at the end
    assert np.array_equal(np.asarray(pcimg.decode(pci, size=(300, 200))), whole)
    dct = pcimg.encode_pci(photo, max_bytes=491, base="dct")
    whole = np.asarray(pcimg.decode(dct, size=(300, 200)))
    monkeypatch.setattr(parametric, "BAND_PIXELS", 300 * 7)
    assert np.array_equal(np.asarray(pcimg.decode(dct, size=(300, 200))), whole)


def test_output_pixel_limit_and_memory_errors_are_pci_errors(photo, monkeypatch):
    from pcimg.codec import parametric

    pci = pcimg.read(pcimg.encode(photo, max_bytes=147))
    with pytest.raises(PciError, match="max_pixels") as err:
        pcimg.decode(pci, size=(16384, 16384))
    assert err.value.field == "size"
    assert pcimg.decode(pci, size=(100, 100), max_pixels=10_000).size == (100, 100)
    with pytest.raises(PciError, match="max_pixels"):
        pcimg.preview(pci, size=(101, 100), max_pixels=10_000)

    def exhausted(*args):
        raise MemoryError

    monkeypatch.setattr(parametric, "_render", exhausted)
    with pytest.raises(PciError, match="not enough memory"):
        pcimg.decode(pci, size=(64, 64))
