"""Descriptor kind 3 (wavelet-colour): transform, resampler, coder and payload, against the spec."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import pcimg
from pcimg import Descriptor, PciError, PciFile
from pcimg.codec import lifting, resample, wavelet_coder2, wavelet_search
from pcimg.codec import wavelet_colour as W
from pcimg.codec.wavelet_coder import Contexts, code_plane
from pcimg.primitives import rangecoder as rc


# --- straight from spec/CODEC.md 8.4 and 9, in Python integers (a second implementation) ---
def spec_merge(s: list[int], d: list[int]) -> list[int]:
    ns, nd = len(s), len(d)
    if nd == 0:
        return list(s)

    def lift(c: int, a: int, b: int) -> int:
        return (c * (a + b) + 8192) >> 14

    def dd(i: int) -> int:
        return d[min(max(i, 0), nd - 1)]

    def ss(i: int) -> int:
        return s[min(i, ns - 1)]

    s = [(v * 14252 + 8192) >> 14 for v in s]
    d = [(v * 18835 + 8192) >> 14 for v in d]
    s = [s[i] - lift(7266, dd(i - 1), dd(i)) for i in range(ns)]
    d = [d[i] - lift(14466, ss(i), ss(i + 1)) for i in range(nd)]
    s = [s[i] - lift(-868, dd(i - 1), dd(i)) for i in range(ns)]
    d = [d[i] - lift(-25987, ss(i), ss(i + 1)) for i in range(nd)]
    out = [0] * (ns + nd)
    out[0::2], out[1::2] = s, d
    return out


def spec_inverse(bands: list) -> list[list[int]]:
    ll = [list(r) for r in bands[0]]
    for hl, lh, hh in bands[1:]:
        cols = lambda m: [list(c) for c in zip(*m, strict=True)]
        lo = cols([spec_merge(a, b) for a, b in zip(cols(ll), cols(lh), strict=True)])
        hi = cols([spec_merge(a, b) for a, b in zip(cols(hl), cols(hh), strict=True)])
        ll = [[min(max(v, -(1 << 20)), 1 << 20) for v in spec_merge(a, b)] for a, b in zip(lo, hi, strict=True)]
    return ll


def spec_taps(n_in: int, n_out: int, i: int) -> tuple[list[int], list[int]]:
    num, den = (2 * i + 1) * n_in - n_out, 2 * n_out
    base = num // den
    t = ((num - base * den) << 16) // den
    wm1 = (-(t**3) + (t**2 << 17) - (t << 32) + (1 << 34)) >> 35
    wp1 = (-3 * t**3 + (t**2 << 18) + (t << 32) + (1 << 34)) >> 35
    wp2 = (t**3 - (t**2 << 16) + (1 << 34)) >> 35
    return [min(max(base + j, 0), n_in - 1) for j in (-1, 0, 1, 2)], [wm1, 16384 - wm1 - wp1 - wp2, wp1, wp2]


@pytest.mark.parametrize("size", [(24, 24), (13, 7), (40, 27), (6, 6)])
def test_integer_synthesis_is_the_spec_even_at_the_limits(size):
    width, height = size
    rng = np.random.default_rng(width * height)
    shapes = lifting.band_shapes(width, height, lifting.levels_for(width, height))
    extreme = lambda s: rng.choice([-(1 << 20), 1 << 20, 0, 12345], size=s).astype(np.int64)
    bands = [extreme(shapes[0])] + [tuple(extreme(s) for s in t) for t in shapes[1:]]
    ours = lifting.inverse(bands)
    assert ours.tolist() == spec_inverse([bands[0].tolist()] + [tuple(b.tolist() for b in t) for t in bands[1:]])
    assert np.abs(ours).max() <= 1 << 20


def test_band_geometry():
    assert [lifting.levels_for(w, h) for w, h in [(5, 100), (6, 6), (11, 12), (12, 12), (256, 256), (256, 24)]] == [
        0, 1, 1, 2, 6, 3]  # fmt: skip
    shapes = lifting.band_shapes(77, 45, lifting.levels_for(77, 45))
    bands = lifting.forward(np.zeros((45, 77)), lifting.levels_for(77, 45))
    assert [bands[0].shape] + [tuple(b.shape for b in t) for t in bands[1:]] == shapes


@pytest.mark.parametrize("size", [(40, 27), (77, 45), (256, 171), (5, 3)])
def test_float_analysis_and_integer_synthesis_agree(size):
    width, height = size
    rng = np.random.default_rng(1)
    plane = rng.normal(0, 40, (height, width)).cumsum(1).clip(-128, 127)
    bands = lifting.forward(plane, lifting.levels_for(width, height))
    assert np.abs(lifting.inverse_float(bands) - plane).max() < 1e-9
    q4 = [np.round(bands[0] * 16).astype(np.int64)] + [tuple(np.round(b * 16).astype(np.int64) for b in t)
                                                       for t in bands[1:]]  # fmt: skip
    assert np.abs(lifting.inverse(q4) / 16 - plane).max() < 0.6


@pytest.mark.parametrize("n_in, n_out", [(3, 5), (5, 9), (40, 768), (100, 37), (7, 7), (1, 4)])
def test_resampler_taps_are_the_spec(n_in, n_out):
    table = resample.taps(n_in, n_out)
    for i in range(n_out):
        index, weights = spec_taps(n_in, n_out, i)
        assert table[i, 0].tolist() == index and table[i, 1].tolist() == weights
    assert (table[:, 1].sum(1) == 16384).all()
    if n_in == n_out:
        assert (table[:, 1] == [0, 16384, 0, 0]).all()


def test_resampler_paths_agree_and_keep_flat_areas_flat():
    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (17, 23, 3), dtype=np.uint8)
    unclipped = resample.resize(image, 101, 67)
    whole = np.clip(unclipped, 0, 255)
    rows = resample.horizontal(image, 101)
    banded = np.concatenate([resample.vertical_band(rows, 67, top, min(67, top + 10)) for top in range(0, 67, 10)])
    assert np.array_equal(whole, banded)
    assert np.abs(resample.resize_float(image.astype(float), 101, 67) - unclipped).max() < 1.5
    flat = np.full((9, 9), 77, dtype=np.uint8)
    assert (resample.resize(flat, 31, 5) == 77).all()
    assert np.array_equal(resample.resize(image, 23, 17), image)


band_values = st.integers(-40, 40) | st.just(0) | st.just(0) | st.integers(-(1 << 20), 1 << 20)


CODERS = {1: (Contexts, code_plane), 2: (wavelet_coder2.Contexts, wavelet_coder2.code_plane)}


@pytest.mark.parametrize("version", [1, 2])
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.data())
def test_coder_round_trips_any_bands(version, width, height, data):
    make, code = CODERS[version]
    template = W.empty_bands(width, height)

    def fill(band: list, values: st.SearchStrategy[int] = band_values) -> list:
        return [[data.draw(values) for _ in row] for row in band]

    # LL residuals are bounded by 2**20 too: LL values within +-2**19 keep them so
    ll_values = st.integers(-40, 40) | st.integers(-(1 << 19), 1 << 19)
    bands = [fill(template[0], ll_values)] + [tuple(fill(b) for b in t) for t in template[1:]]
    enc = rc.Encoder()
    code(enc, make("luma"), bands, decoding=False)
    decoded = W.empty_bands(width, height)
    code(rc.Decoder(enc.finish()), make("luma"), decoded, decoding=True)
    assert decoded == bands


@pytest.mark.parametrize("colour", ["rgb", "grey"])
def test_the_encoder_predicts_the_decoders_picture_exactly(photo, colour):
    image = photo if colour == "rgb" else photo.convert("L")
    src = wavelet_search.source(np.asarray(image), colour)
    work = wavelet_search.analyse(src, 72, 48)
    entry = wavelet_search.descriptor(work, 70)
    assert entry is not None
    indices = wavelet_search.quantised(work, 70)
    predicted = wavelet_search.picture(work, indices, 70, colour)
    decoded = W.working_image(entry.payload, entry.quant, colour, entry.version)
    assert decoded.shape == ((48, 72, 3) if colour == "rgb" else (48, 72))
    assert np.array_equal(predicted, decoded)
    width, height, planes = W.decode_payload(entry.payload, colour, entry.version)
    assert (width, height) == (72, 48) and planes == [W.as_lists(b) for b in indices]


def test_quality_and_exact_budgets_on_a_photograph(photo):
    ref = np.asarray(photo, dtype=np.float64)
    scores = []
    for budget in (80, 147, 491, 983, 3000):
        data = pcimg.encode(photo, captioner="none", max_bytes=budget)
        assert 0.95 * budget - 10 <= len(data) <= budget
        out = np.asarray(pcimg.decode(data), dtype=np.float64)
        scores.append(10 * np.log10(255**2 / np.mean((out - ref) ** 2)))
    assert scores == sorted(scores) and scores[1] > 19.0 and scores[3] > 23.0


def rgb_file(payload: bytes, quant: int = 80, colour: str = "rgb") -> bytes:
    return pcimg.write(PciFile(16, 16, colour=colour, descriptors=(Descriptor(W.KIND, W.VERSION, quant, payload),)))


@pytest.mark.parametrize(
    "payload, quant, match, field",
    [
        (b"\x03\x03", 80, "shorter than its 3-byte header", "descriptors.payload"),
        (b"\x03\x03\x00", 192, "quant 192 above 191", "descriptors.quant"),
        (b"\x03\x03\x00" + b"\xff" * 40, 80, "prefix longer than 24", "descriptors.payload"),
    ],
)
def test_bad_payloads_are_pci_errors_naming_the_field(payload, quant, match, field):
    with pytest.raises(PciError, match=match) as err:
        pcimg.decode(rgb_file(payload, quant), size=(8, 8))
    offsets = {"descriptors.quant": 19, "descriptors.payload": 21}  # 14-byte header, part, count, entry
    assert (err.value.field, err.value.offset) == (field, offsets[field])


def test_dequantised_coefficients_are_bounded():
    ll = [[0] * 4 for _ in range(4)]
    ll[1][2] = 1 << 16  # 2**16 levels at quant 0 (step 16 in Q4) -> 2**20: the limit, accepted
    ok = W.encode_payload(4, 4, [[ll]])
    assert pcimg.decode(rgb_file(ok, 0, "grey"), size=(4, 4)).size == (4, 4)
    ll[1][2] += 1
    with pytest.raises(PciError, match="exceeds 2\\*\\*20"):
        pcimg.decode(rgb_file(W.encode_payload(4, 4, [[ll]]), 0, "grey"))


@pytest.mark.parametrize("kinds", [(1, 3), (1, 4), (3, 4)])
def test_one_base_layer_per_file(kinds):
    payloads = {1: bytes([1, 1, 1, 1]), 3: b"\x03\x03\x00", 4: b""}
    both = PciFile(8, 8, descriptors=tuple(Descriptor(k, 1, 40, payloads[k]) for k in kinds))
    with pytest.raises(PciError, match="two base layers") as err:
        pcimg.decode(both)
    assert err.value.field == "descriptors.kind"


def test_decoded_picture_is_cached_read_only(photo):
    pci = pcimg.read(pcimg.encode(photo, max_bytes=300))
    entry = pci.descriptor(W.KIND)
    first = W.working_image(entry.payload, entry.quant, pci.colour, entry.version)
    assert W.working_image(entry.payload, entry.quant, pci.colour, entry.version) is first
    with pytest.raises(ValueError):
        first[0, 0, 0] = 1


def test_large_jpeg_is_draft_decoded_but_keeps_its_size_and_orientation(photo, tmp_path):
    big = photo.resize((2400, 1600), Image.Resampling.BICUBIC)
    plain, rotated = tmp_path / "big.jpg", tmp_path / "rotated.jpg"
    big.save(plain, quality=90)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display: width and height swap
    big.save(rotated, quality=90, exif=exif)
    from_path = pcimg.read(pcimg.encode(plain, captioner="none", max_bytes=491))
    assert (from_path.width, from_path.height) == (2400, 1600)
    upright = pcimg.read(pcimg.encode(rotated, max_bytes=491))
    assert (upright.width, upright.height) == (1600, 2400)
    full = pcimg.read(pcimg.encode(Image.open(plain), captioner="none", max_bytes=491))  # loaded whole: no draft
    ref = np.asarray(photo, dtype=np.float64)

    def quality(pci: PciFile) -> float:
        out = np.asarray(pcimg.decode(pci, size=(768, 512)), dtype=np.float64)
        return float(10 * np.log10(255**2 / np.mean((out - ref) ** 2)))

    assert abs(quality(from_path) - quality(full)) < 0.3
    textured = pcimg.read(pcimg.encode(plain, captioner="none", max_bytes=600, texture=True))
    assert (textured.width, textured.height) == (2400, 1600) and textured.descriptor(2) is not None


@pytest.mark.parametrize("version", [1, 2])
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 48), st.integers(1, 48), st.data())
def test_array_encoder_writes_the_same_bytes_as_the_traversal(version, width, height, data):
    from pcimg.codec.wavelet_encode import encode_plane

    make, code = CODERS[version]
    template = W.empty_bands(width, height)
    sparse = st.integers(-3, 3) | st.just(0) | st.just(0) | st.just(0) | st.integers(-500, 500)

    def fill(band: list) -> np.ndarray:
        return np.array([[data.draw(sparse) for _ in row] for row in band], dtype=np.int64).reshape(len(band), -1)

    bands = [fill(template[0])] + [tuple(fill(b) for b in t) for t in template[1:]]
    reference, fast = rc.Encoder(), rc.Encoder()
    code(reference, make("chroma"), W.as_lists(bands), decoding=False)
    encode_plane(fast, make("chroma"), bands, version)
    assert fast.finish() == reference.finish()


def spec_smooth(picture: np.ndarray, strength: int) -> list:
    """spec/CODEC.md 8.5, one pixel at a time in Python integers."""
    h, w = picture.shape[:2]
    spatial = {0: 256, 1: 205, 2: 164, 4: 105, 5: 84, 8: 43}
    px = picture.astype(int).tolist()
    lum = [[p[0] + 2 * p[1] + p[2] for p in row] for row in px]
    out = []
    for y in range(h):
        row = []
        for x in range(w):
            total, weights = [0, 0, 0], 0
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    yy, xx = min(max(y + dy, 0), h - 1), min(max(x + dx, 0), w - 1)
                    d = lum[yy][xx] - lum[y][x]
                    weight = spatial[dy * dy + dx * dx] * max(0, 4096 - (64 * d * d) // (strength * strength))
                    weights += weight
                    total = [t + weight * v for t, v in zip(total, px[yy][xx], strict=True)]
            row.append([(t + weights // 2) // weights for t in total])
        out.append(row)
    return out


@pytest.mark.parametrize("strength", [1, 4, 12, 255])
def test_smoothing_is_the_spec_and_keeps_edges(strength):
    from pcimg.codec import smoothing

    rng = np.random.default_rng(strength)
    picture = rng.integers(0, 256, (9, 11, 3), dtype=np.uint8)
    assert smoothing.smooth(picture, strength).tolist() == spec_smooth(picture, strength)
    edge = np.zeros((8, 8, 3), dtype=np.uint8)
    edge[:, 4:] = 200
    assert np.array_equal(smoothing.smooth(edge, 12), edge)  # a step of 200 levels is left alone
    assert smoothing.smooth(picture, 0) is picture
    grey = picture[..., 1]
    assert np.array_equal(smoothing.smooth(grey, strength), smoothing.smooth(np.repeat(grey[..., None], 3, -1),
                                                                             strength)[..., 0])  # fmt: skip


def test_smoothing_in_bands_is_the_spec(monkeypatch):
    """Pictures wider than a band's pixels are smoothed a few rows at a time: same values."""
    from pcimg.codec import smoothing

    monkeypatch.setattr(smoothing, "BAND_PIXELS", 24)  # 13 columns: one row per band (24 // 13)
    rng = np.random.default_rng(7)
    picture = rng.integers(0, 256, (6, 13, 3), dtype=np.uint8)
    assert smoothing.smooth(picture, 6).tolist() == spec_smooth(picture, 6)
    monkeypatch.setattr(smoothing, "BAND_PIXELS", 30)  # two rows per band, the last band one row (5 rows)
    assert smoothing.smooth(picture[:5], 6).tolist() == spec_smooth(picture[:5], 6)


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("budget", [150, 480, 960])
def test_the_rate_estimate_is_within_five_percent_of_the_coded_size(photo, budget, version, monkeypatch):
    from pcimg.codec import wavelet_coder, wavelet_rate

    monkeypatch.setattr(W, "VERSION", version)
    priors = wavelet_coder2.PRIORS_FILE if version == 2 else wavelet_coder.PRIORS_FILE
    src = wavelet_search.source(np.asarray(photo), "rgb")
    for width, height in wavelet_search.working_sizes(src, budget):
        work = wavelet_search.analyse(src, width, height)
        exact = wavelet_search.fit_quant(work, lambda d: len(d.payload) <= budget, budget, 90)
        assert exact is not None
        indices = wavelet_search.quantised(work, exact.quant)
        assert exact.version == version
        estimate = wavelet_rate.payload_bytes(indices, priors, W.HEADER_BYTES, version)
        assert abs(estimate - len(exact.payload)) <= 0.05 * len(exact.payload)
        assert abs(wavelet_search.estimated_quant(work, budget, 90) - exact.quant) <= 2


def test_the_fill_ladder_counts_and_dead_zones_are_exact(photo):
    from pcimg.codec import wavelet_fill

    src = wavelet_search.source(np.asarray(photo), "rgb")
    work = wavelet_search.analyse(src, 120, 80)
    for extra in (0.0, wavelet_search.CHROMA_DEADZONE_EXTRA):
        counts = wavelet_fill._nonzero_counts(work.bands, 60, wavelet_fill.LADDER, extra)
        for rung, zones in enumerate([W.DEADZONE, *wavelet_fill.LADDER]):
            indices = [W.quantise(b, 60, p, deadzone=zones, chroma_extra=extra) for p, b in enumerate(work.bands)]
            nonzero = sum(int(np.count_nonzero(b)) for plane in indices for triple in plane[1:] for b in triple)
            assert nonzero == counts[rung]
        assert list(counts) == sorted(counts) and counts[-1] > counts[0]  # the ladder grows
    assert wavelet_search.CHROMA_DEADZONE_EXTRA > 0  # so the loop above checked a wider chroma dead zone
    # a tuple of dead zones applies per level group: finest, next, coarser
    levels = len(work.bands[0]) - 1
    mixed = W.quantise(work.bands[0], 60, 0, deadzone=(0.9, 0.62, 0.3))
    for index, triple in enumerate(work.bands[0][1:], 1):
        zone = (0.9, 0.62, 0.3)[min(levels - index, 2)]
        for band, got in zip(triple, mixed[index], strict=True):
            assert np.array_equal(got, W.quantise([band * 0, (band, band, band)], 60, 0, deadzone=zone)[1][0])


@pytest.mark.parametrize("budget", [150, 480, 960])
def test_the_fill_spends_slack_and_never_overshoots(photo, budget):
    from pcimg.codec import wavelet_fill

    src = wavelet_search.source(np.asarray(photo), "rgb")
    width, height = wavelet_search.working_sizes(src, budget)[1]
    work = wavelet_search.analyse(src, width, height)

    def fits(d):
        return len(d.payload) <= budget

    entry = wavelet_search.fit_quant(work, fits, budget, 90)
    assert entry is not None and budget - len(entry.payload) > 0
    built = []

    def build(zones):
        built.append(zones)
        return wavelet_search.descriptor(work, entry.quant, zones)

    filled, zones = wavelet_fill.fill(work.bands, entry, budget, fits, build)
    assert len(built) <= wavelet_fill.MAX_PASSES
    assert len(entry.payload) <= len(filled.payload) <= budget and filled.quant == entry.quant
    assert filled.payload == wavelet_search.descriptor(work, entry.quant, zones).payload  # the zones it reports
    assert (budget - len(filled.payload)) < (budget - len(entry.payload)) / 2 or zones == wavelet_fill.LADDER[-1]


def test_version_2_worked_example_is_the_vector():
    """spec/CODEC.md 8.8's worked example: its payload, bands and first row are the vector's."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = (root / "spec" / "CODEC.md").read_text("utf-8")
    pci = pcimg.read(root / "spec" / "vectors" / "valid" / "wavelet-v2-tiny.pci")
    entry = pci.descriptors[0]
    assert (entry.kind, entry.version, entry.quant) == (3, 2, 96)
    assert entry.payload.hex(" ") in spec
    _, _, planes = W.decode_payload(entry.payload, "grey", 2)
    ll, (hl, lh, hh) = planes[0]
    assert f"LL = {ll}" in spec and f"HL = {hl}" in spec and f"LH = {lh}" in spec
    assert not any(v for row in hh for v in row)
    first_row = " ".join(str(v) for v in np.asarray(pcimg.decode(pci))[0])
    assert f"`{first_row}`" in spec


def test_the_search_error_is_numpys_gradient_and_resampler_in_reused_arrays(photo):
    """``picture_error`` computes in the source's scratch arrays: the same value as the plain
    numpy formula, on every call (nothing left over from the last)."""
    src = wavelet_search.source(np.asarray(photo), "rgb")
    rng = np.random.default_rng(5)

    def plain(picture: np.ndarray) -> float:
        h, w = src.reference.shape[:2]
        up = np.clip(resample.resize_float(picture.astype(np.float64), w, h), 0, 255)
        luma = (up[..., 0] + up[..., 1] + up[..., 2]) / 3
        gradient = np.hypot(np.gradient(luma, axis=1), np.gradient(luma, axis=0))
        weight = wavelet_search.GRADIENT_WEIGHT
        return float(np.mean((up - src.reference) ** 2)) + weight * float(np.mean((gradient - src.gradient) ** 2))

    for size in ((91, 136), (40, 61), (91, 136)):
        picture = rng.integers(0, 256, (*size, 3)).astype(np.uint8)
        assert wavelet_search.picture_error(src, picture) == plain(picture)
    for shape in ((1, 7, 3), (6, 1, 3), (2, 2), (9, 5)):
        image = rng.random(shape) * 255
        luma = image.mean(-1) if image.ndim == 3 else image
        expected = np.hypot(*(np.gradient(luma, axis=a) if luma.shape[a] > 1 else np.zeros_like(luma) for a in (1, 0)))
        assert np.array_equal(wavelet_search._gradient(image), expected)


def test_the_float_resampler_in_bands_is_the_two_pass_sum():
    rng = np.random.default_rng(6)
    for shape, (width, height) in (((91, 136, 3), (384, 256)), ((300, 7), (5, 700)), ((1, 1), (3, 2))):
        plane = rng.random(shape) * 255
        across, down = resample.taps(shape[1], width), resample.taps(shape[0], height)
        rows = resample._pass(plane, across[:, 0], across[:, 1] / 16384.0, 1)
        expected = resample._pass(rows, down[:, 0], down[:, 1] / 16384.0, 0)
        assert np.array_equal(resample.resize_float(plane, width, height), expected)
        out = np.full(expected.shape, np.nan)
        assert resample.resize_float(plane, width, height, out=out) is out and np.array_equal(out, expected)


@pytest.mark.parametrize("falls_to", ["largest", "smallest"])
def test_the_search_tries_sizes_largest_first_and_stops_when_the_error_rises(photo, monkeypatch, falls_to):
    src = wavelet_search.source(np.asarray(photo), "rgb")
    sizes = wavelet_search.working_sizes(src, 900)
    assert len(sizes) == 3
    analysed = []
    analyse = wavelet_search.analyse

    def counting(src, width, height):
        analysed.append((width, height))
        return analyse(src, width, height)

    def error(src, work, quant, strengths, *weights, **options):  # falls towards one end of the sizes
        return [float(work.width if falls_to == "smallest" else -work.width)] * len(strengths)

    monkeypatch.setattr(wavelet_search, "analyse", counting)
    monkeypatch.setattr(wavelet_search, "errors_at", error)
    monkeypatch.setattr(wavelet_search, "SIZE_SEARCH_MAX_PAYLOAD", 900)  # 900 bytes still search sizes
    entry = wavelet_search.search(src, 900, lambda d: len(d.payload) <= 900)
    assert entry is not None and len(entry.payload) <= 900
    kept = W.decode_payload(entry.payload, "rgb", entry.version)[:2]
    if falls_to == "largest":  # the second error is higher: the smallest size is never analysed
        assert analysed == sorted(sizes, reverse=True)[:2] and kept == max(sizes)
    else:
        assert analysed == sorted(sizes, reverse=True) and kept == min(sizes)
    monkeypatch.setattr(wavelet_search, "FAST_SEARCH", False)  # session 7's order: every size, smallest first
    analysed.clear()
    wavelet_search.search(src, 900, lambda d: len(d.payload) <= 900)
    assert analysed == sizes


def test_above_the_size_search_payload_the_largest_size_is_coded_without_comparing(photo, monkeypatch):
    src = wavelet_search.source(np.asarray(photo), "rgb")
    payload = wavelet_search.SIZE_SEARCH_MAX_PAYLOAD + 1
    analysed, judged = [], []
    analyse, errors_at = wavelet_search.analyse, wavelet_search.errors_at

    def counting(src, width, height):
        analysed.append((width, height))
        return analyse(src, width, height)

    def judging(src, work, quant, strengths, *weights, **options):
        judged.append(strengths)
        return errors_at(src, work, quant, strengths, *weights, **options)

    monkeypatch.setattr(wavelet_search, "analyse", counting)
    monkeypatch.setattr(wavelet_search, "errors_at", judging)
    entry = wavelet_search.search(src, payload, lambda d: len(d.payload) <= payload)
    assert entry is not None and len(entry.payload) <= payload
    assert analysed == [max(wavelet_search.working_sizes(src, payload))]
    assert judged == [(0, *(s for s in wavelet_search.STRENGTHS if s))]  # only the smoothing strength
    analysed.clear()
    wavelet_search.search(src, payload - 1, lambda d: len(d.payload) <= payload - 1)
    assert len(analysed) > 1  # at the threshold the sizes are still compared


@pytest.mark.parametrize("budget", [300, 960])
def test_fitting_not_finest_stops_where_a_finer_step_would_not_fit_by_the_model(photo, budget):
    src = wavelet_search.source(np.asarray(photo), "rgb")
    work = wavelet_search.analyse(src, *max(wavelet_search.working_sizes(src, budget)))

    def fits(entry: Descriptor) -> bool:
        return len(entry.payload) <= budget

    finest = wavelet_search.fit_quant(work, fits, budget, 90)
    quick = wavelet_search.fit_quant(work, fits, budget, 90, finest=False)
    assert finest is not None and quick is not None and fits(quick)
    assert quick.quant >= finest.quant
    finer = wavelet_search.descriptor(work, quick.quant - 1)
    assert finer is not None and (
        not fits(finer) or len(quick.payload) * wavelet_search.BYTES_PER_QUANT > budget
    )  # it stopped for a reason


class StaticPricing:
    """A coder that adds up each decision's price under the contexts' starting probabilities."""

    def __init__(self) -> None:
        self.bits = 0.0

    def bit(self, probs: list[int], index: int, bit: int) -> None:
        zero = probs[index] / rc.PROB_ONE
        self.bits -= np.log2(1.0 - zero if bit else zero)

    def direct(self, value: int, nbits: int) -> None:
        self.bits += nbits


@pytest.mark.parametrize("plane_type", ["luma", "chroma"])
@settings(max_examples=30, deadline=None)
@given(st.integers(1, 70), st.integers(1, 70), st.floats(0.02, 0.9), st.integers(0, 2**32 - 1))
def test_the_rate_estimate_prices_exactly_the_traversals_decisions(plane_type, width, height, density, seed):
    """``wavelet_rate.plane_bits2`` (contexts of a whole plane at once, ``wavelet_plane``) is the
    sum of the normative coder's decisions priced at the starting probabilities: any context
    the fast path got wrong would price differently."""
    from pcimg.codec import wavelet_rate

    rng = np.random.default_rng(seed)
    shapes = lifting.band_shapes(width, height, lifting.levels_for(width, height))

    def band(shape: tuple[int, int]) -> np.ndarray:
        return (rng.integers(-40, 41, shape) * (rng.random(shape) < density)).astype(np.int64)

    bands = [band(shapes[0])] + [tuple(band(s) for s in triple) for triple in shapes[1:]]
    traversal = StaticPricing()
    wavelet_coder2.code_plane(traversal, wavelet_coder2.Contexts(plane_type), W.as_lists(bands), decoding=False)
    estimate = wavelet_rate.plane_bits2(wavelet_rate.prices(plane_type, wavelet_coder2.PRIORS_FILE, 2), bands)
    assert estimate == pytest.approx(traversal.bits, rel=1e-9, abs=1e-6)


def test_plane_layouts_are_cached_within_their_byte_bound():
    """Encoding photos of many sizes keeps at most ``GEOMETRY_CACHE_BYTES`` of plane layouts."""
    from pcimg.codec import wavelet_plane

    wavelet_plane.geometry.cache_clear()
    made = 0
    for width in range(160, 257, 8):
        for height in (120, 171):
            shapes = lifting.band_shapes(width, height, lifting.levels_for(width, height))
            made += wavelet_plane.geometry(tuple(tuple(t) for t in shapes[1:])).nbytes
            assert wavelet_plane.geometry.cache_bytes() <= wavelet_plane.GEOMETRY_CACHE_BYTES
    assert made > 2 * wavelet_plane.GEOMETRY_CACHE_BYTES  # so the bound was what held it
    wavelet_plane.geometry.cache_clear()
