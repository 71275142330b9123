"""Descriptor kind 5 (wavelet-embedded): kind 3's picture as a stream whose every prefix decodes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pcimg
from pcimg import Descriptor, PciError, PciFile
from pcimg.codec import lifting, wavelet_search
from pcimg.codec import wavelet_colour as W
from pcimg.codec import wavelet_embedded as E

VECTORS = Path(__file__).resolve().parents[1] / "spec" / "vectors" / "valid"


def random_indices(width: int, height: int, colour: str, data: st.DataObject, top: int = 40) -> list:
    planes = []
    for w, h in W.plane_sizes(width, height, colour):
        shapes = lifting.band_shapes(w, h, lifting.levels_for(w, h))

        def band(shape: tuple[int, int], top: int = top) -> list:
            rows, cols = shape
            values = data.draw(st.lists(st.integers(-top, top), min_size=rows * cols, max_size=rows * cols))
            sparse = [v if abs(v) > top // 2 or v % 3 == 0 else 0 for v in values]
            return [sparse[r * cols : (r + 1) * cols] for r in range(rows)]

        planes.append([band(shapes[0], 300)] + [tuple(band(s) for s in t) for t in shapes[1:]])
    return planes


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.sampled_from(["rgb", "grey"]), st.sampled_from(E.VERSIONS), st.data())
def test_a_whole_stream_decodes_to_kind_3s_picture(width, height, colour, version, data):
    indices = random_indices(width, height, colour, data)
    payload = E.encode_payload(width, height, indices, strength=5, version=version)
    expected = W.unsmoothed_picture(indices, 70, width, height, colour)
    decoded = E.decode_payload(payload, colour, version)
    assert (decoded.width, decoded.height, decoded.strength) == (width, height, 5)
    q4 = [lifting.inverse(b) for b in E.dequantised(decoded, 70)]
    assert np.array_equal(W.picture_from_planes(q4, width, height, colour), expected)
    assert decoded.lls == [p[0] for p in indices] and not any(v for ll in decoded.ll_open for row in ll for v in row)


def test_version_2_leaves_the_ll_values_lowest_bits_for_last():
    """The same indices in both versions: a cut of version 1 knows its LL values exactly, one of
    version 2 knows each to within its lowest bit (decoded at the middle of the two), for fewer bytes."""
    rng = np.random.default_rng(5)
    ll_shape, *levels = lifting.band_shapes(48, 32, lifting.levels_for(48, 32))
    indices = [[rng.integers(-90, 90, ll_shape).tolist()] + [tuple(
        np.where(rng.random(s) < 0.3, rng.integers(-20, 21, s), 0).tolist() for s in triple
    ) for triple in levels]]  # fmt: skip
    one, two = (E.encode_payload(48, 32, indices, version=v) for v in (1, 2))
    truth = indices[0][0]
    for size in (len(one) // 2, len(one) - 4):
        exact = E.decode_payload(E.cut(one, size), "grey", 1)
        assert exact.lls[0] == truth and not any(v for row in exact.ll_open[0] for v in row)
    halved = E.decode_payload(E.cut(two, len(two) // 2), "grey", 2)
    assert all(row == [1] * 6 for row in halved.ll_open[0])
    assert halved.lls[0] == [[v & ~1 for v in row] for row in truth]  # the lowest bit not known: 0 here
    step = W.plane_step(70, 0)
    ll = E.dequantised(halved, 70)[0][0]
    assert np.array_equal(ll, ((2 * (np.asarray(truth) & ~1) + 1) * step) >> 1)  # (q - q mod 2 + 1/2) * S
    whole = E.decode_payload(two, "grey", 2)
    assert whole.lls[0] == truth and not any(v for row in whole.ll_open[0] for v in row)
    with pytest.raises(PciError, match="version 4"):
        E.encode_payload(48, 32, indices, version=4)


@pytest.fixture(scope="module")
def stream(photo):
    src = wavelet_search.source(np.asarray(photo), "rgb")
    work = wavelet_search.analyse(src, 120, 80)
    indices = [W.quantise(b, 60, plane) for plane, b in enumerate(work.bands)]
    return indices, E.encode_payload(120, 80, indices)


def known_intervals(decoded: E.Decoded) -> list:
    """Per detail band: for each coefficient, (sign, low, high) of what the decoder knows."""
    out = []
    for band in decoded.bands:
        rows = []
        for y in range(band.rows):
            for x in range(band.cols):
                m, k = band.mag[y][x], band.plane[y][x]
                rows.append((-1 if band.negative[y][x] else 1, m, m + (1 << k)) if m else (0, 0, None))
        out.append(rows)
    return out


def test_every_cut_knows_only_true_things_and_more_with_more_bytes(stream):
    indices, payload = stream
    lists = [W.as_lists(p) for p in indices]
    truth = [v for b in E.detail_bands([E._shapes(p) for p in lists], lists) for row in b.values for v in row]
    previous = -1
    for size in (3, 4, 8, 20, 60, 150, 400, len(payload) - 1, len(payload)):
        decoded = E.decode_payload(E.cut(payload, size), "rgb", E.VERSION)
        for ll, still_open, index in zip(decoded.lls, decoded.ll_open, indices, strict=True):
            for row, open_row, true_row in zip(ll, still_open, index[0].tolist(), strict=True):
                for value, unknown, true in zip(row, open_row, true_row, strict=True):
                    assert value == true - (true & 1) if unknown else value in (0, true)  # 0: not read yet
        flat = [c for band in known_intervals(decoded) for c in band]
        significant = 0
        for (sign, low, high), value in zip(flat, truth, strict=True):
            if low:
                significant += 1
                assert sign * value > 0 and low <= abs(value) < high
        assert significant >= previous
        previous = significant
    assert previous == sum(1 for v in truth if v)  # the whole stream knows every coefficient
    whole = E.decode_payload(payload, "rgb", E.VERSION)
    assert [v for b in whole.bands for row in b.mag for v in row] == [abs(v) for v in truth]


def test_a_cut_is_marked_and_decodes_as_far_as_it_goes(stream, photo):
    indices, payload = stream
    cut = E.cut(payload, 200)
    assert len(cut) == 200 and cut[2] & E.CUT and cut[3:] == payload[3:200]
    assert E.cut(payload, len(payload)) == payload  # a payload that fits is not cut
    with pytest.raises(PciError, match="header"):
        E.cut(payload, 2)
    errors = []
    for size in (200, 400, len(payload)):
        picture = E.working_image(E.cut(payload, size), 60, "rgb", E.VERSION)
        reference = W.unsmoothed_picture(indices, 60, 120, 80, "rgb")
        errors.append(float(np.mean((picture.astype(float) - reference) ** 2)))
    assert errors[0] > errors[1] > errors[2] == 0.0
    # the same bytes without the mark are read as a whole stream, zeros past the end: a different picture
    unmarked = cut[:2] + bytes((cut[2] & E.STRENGTH_MASK,)) + cut[3:]
    pictures = [E.working_image(payload, 60, "rgb", E.VERSION) for payload in (unmarked, cut)]
    assert not np.array_equal(*pictures)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 255), st.sampled_from(["rgb", "grey"]), st.sampled_from(E.VERSIONS))
def test_any_payload_decodes_or_is_a_pci_error(payload, quant, colour, version):
    data = pcimg.write(PciFile(16, 12, colour=colour, descriptors=(Descriptor(5, version, quant, payload),)))
    try:
        pcimg.decode(data, size=(8, 6))
    except PciError as exc:
        assert exc.field in {"descriptors.payload", "descriptors.quant"}


@pytest.mark.parametrize(
    "payload, quant, match",
    [
        (b"\x03\x03", 80, "header"),
        (
            b"\x03\x03\x00\xff\xff\xff\xff",
            80,
            r"^wavelet-embedded plane count 31 above 20 \(field descriptors.payload, offset 21\)$",
        ),
        (b"\x03\x03\x00", 192, "quant 192"),
    ],
)
def test_bad_payloads_are_pci_errors_naming_the_field(payload, quant, match):
    data = pcimg.write(PciFile(4, 4, descriptors=(Descriptor(5, 1, quant, payload),)))
    with pytest.raises(PciError, match=match):
        pcimg.decode(data)


def test_the_encoder_writes_kind_5_on_request_and_rebudget_cuts_it(photo):
    data = pcimg.encode(photo, captioner="none", max_bytes=983, base="embedded")
    pci = pcimg.read(data)
    assert (
        [(d.kind, d.version) for d in pci.descriptors] == [(5, E.VERSION)]
        and pci.minor_version == 7
        and len(data) <= 983
    )
    kind3 = pcimg.read(pcimg.encode(photo, captioner="none", max_bytes=983))
    ours = pci.descriptors[0]
    assert ours.payload[:2] == kind3.descriptors[0].payload[:2]  # the same search: the same working size
    for budget in (700, 491, 200):
        small = pcimg.rebudget(data, budget, method="cut")
        entry = pcimg.read(small).descriptors[0]
        assert len(small) <= budget and len(small) >= budget - 2
        assert entry.kind == 5 and entry.payload[2] & E.CUT
        assert entry.payload[3:] == ours.payload[3 : len(entry.payload)]  # a prefix: nothing re-encoded
        assert pcimg.read(small).seed == pci.seed and pcimg.read(small).width == pci.width
        reference = np.asarray(photo, dtype=np.float64)
        error = np.mean((np.asarray(pcimg.decode(small), dtype=np.float64) - reference) ** 2)
        assert 10 * np.log10(255**2 / error) > 20.0
    with pytest.raises(PciError, match="too small"):
        pcimg.rebudget(data, 20)


def test_auto_cuts_from_a_third_of_the_size_and_re_encodes_below_it(photo):
    from pcimg.codec import rebudget as R

    data = pcimg.encode(photo, captioner="none", max_bytes=983, base="embedded")
    ours = pcimg.read(data).descriptors[0]
    third = int(R.EMBEDDED_CUT_SHARE * len(data))
    for budget, method, kind in [(third + 1, "auto", 5), (third - 1, "auto", 3), (147, "auto", 3), (147, "cut", 5),
                                 (700, "encode", 3), (700, "cut", 5)]:  # fmt: skip
        small = pcimg.rebudget(data, budget, method=method)
        entry = pcimg.read(small).descriptors[0]
        assert len(small) <= budget and entry.kind == kind, (budget, method)
        if kind == 5:  # a prefix of the stream
            assert entry.payload[2] & E.CUT and entry.payload[3:] == ours.payload[3 : len(entry.payload)]
    reference = np.asarray(photo, dtype=np.float64)
    smaller = [pcimg.rebudget(data, 147, method=method) for method in ("auto", "cut")]
    errors = [np.mean((np.asarray(pcimg.decode(f), dtype=np.float64) - reference) ** 2) for f in smaller]
    assert errors[0] < errors[1]  # at 15% of the size the re-encode is the better picture
    with pytest.raises(PciError, match="method must be one of") as err:
        pcimg.rebudget(data, 491, method="fast")
    assert err.value.field == "method"


def test_a_budget_below_the_ll_bands_is_re_encoded_not_cut(photo):
    data = pcimg.encode(photo, captioner="none", max_bytes=983, base="embedded")
    payload = pcimg.read(data).descriptors[0].payload
    assert E.carries_ll(payload, "rgb", E.VERSION) and E.carries_ll(E.cut(payload, 200), "rgb", E.VERSION)
    assert not E.carries_ll(E.cut(payload, 12), "rgb", E.VERSION) and not E.carries_ll(payload[:2], "rgb", E.VERSION)
    small = pcimg.rebudget(data, 60, method="cut")
    assert len(small) <= 60 and pcimg.read(small).descriptors[0].kind == 4  # a placeholder, re-encoded
    reference = np.asarray(photo, dtype=np.float64)
    whole = pcimg.read(data)
    cut = E.cut(payload, 60 - (len(data) - len(payload)))
    naive = whole.replace(descriptors=(Descriptor(5, E.VERSION, whole.descriptors[0].quant, cut),))
    errors = [np.mean((np.asarray(pcimg.decode(f), dtype=np.float64) - reference) ** 2) for f in (small, naive)]
    assert errors[0] < errors[1]


def test_rebudget_of_kind_5_keeps_a_machine_prompts_first_words(photo):
    data = pcimg.encode(photo, max_bytes=983, base="embedded")
    pci = pcimg.read(data)
    assert pci.prompt is not None
    small = pcimg.read(pcimg.rebudget(data, 600))
    assert small.prompt is not None and small.prompt.text == pci.prompt.text
    tiny = pcimg.read(pcimg.rebudget(data, 120, method="cut"))
    assert tiny.prompt is None and tiny.model("captioner") is None  # the colour words take over 10%


def test_cli_writes_kind_5(tmp_path, photo):
    from pcimg.cli import main

    source = tmp_path / "a.png"
    photo.save(source)
    assert main(["encode", str(source), "--base", "embedded", "--max-bytes", "400", "--captioner", "none"]) == 0
    assert pcimg.read((tmp_path / "a.pci").read_bytes()).descriptors[0].kind == 5


def test_codec_worked_example_is_the_vector():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = (root / "spec" / "CODEC.md").read_text("utf-8")
    section = spec[spec.index("### 11.5 Worked example") :]
    shown = bytes.fromhex(section.split("```")[1])
    pci = pcimg.read((root / "spec" / "vectors" / "valid" / "embedded-tiny.pci").read_bytes())
    assert shown == pci.descriptors[0].payload
    decoded = E.decode_payload(shown, "rgb", pci.descriptors[0].version)
    hl = [
        [-m if n else m for m, n in zip(r, s, strict=True)]
        for r, s in zip(decoded.bands[0].mag, decoded.bands[0].negative, strict=True)
    ]
    assert f"Y  LL = {decoded.lls[0]}" in section and f"HL = {hl}" in section
    first = np.asarray(pcimg.decode(pci))[0, :3].tolist()
    assert all(f"({r}, {g}, {b})" in section for r, g, b in first)


def worked_example(heading: str, vector: str) -> tuple[str, bytes, PciFile]:
    """CODEC.md from ``heading`` on, the payload its second code block shows, and the vector."""
    spec = (Path(__file__).resolve().parents[1] / "spec" / "CODEC.md").read_text("utf-8")
    section = spec[spec.index(heading) :]
    return section, bytes.fromhex(section.split("```")[3]), pcimg.read((VECTORS / f"{vector}.pci").read_bytes())


def test_codec_version_2_worked_example_is_the_vector():
    section, shown, pci = worked_example("### 11.7 Version 2", "embedded-v2-tiny")
    entry = pci.descriptors[0]
    assert shown == entry.payload and entry.version == 2
    decoded = E.decode_payload(shown, "rgb", 2)
    halved = [[v >> 1 for v in row] for row in decoded.lls[0]]
    hl = [
        [-m if n else m for m, n in zip(r, s, strict=True)]
        for r, s in zip(decoded.bands[0].mag, decoded.bands[0].negative, strict=True)
    ]
    assert f"Y  h = {halved}" in section and f"Y  LL = {decoded.lls[0]}" in section and f"HL = {hl}" in section
    assert f"`{[[v & 1 for v in row] for row in decoded.lls[0]]}`" in section
    first = np.asarray(pcimg.decode(pci))[0, :3].tolist()
    assert all(f"({r}, {g}, {b})" in section for r, g, b in first)
    cut = E.decode_payload(E.cut(shown, 18), "rgb", 2)  # "cut to 18 payload bytes"
    assert all(v == 1 for ll in cut.ll_open for row in ll for v in row)


def test_codec_version_3_worked_example_is_the_vector():
    """CODEC.md 11.8: the payload, the first two decisions' contexts, and the same picture as
    version 2's example (the same indices)."""
    section, shown, pci = worked_example("### 11.8 Version 3", "embedded-v3-tiny")
    entry = pci.descriptors[0]
    assert shown == entry.payload and entry.version == 3
    two = pcimg.read((VECTORS / "embedded-v2-tiny.pci").read_bytes()).descriptors[0]
    three, older = E.decode_payload(shown, "rgb", 3), E.decode_payload(two.payload, "rgb", 2)
    assert three.lls == older.lls and [b.mag for b in three.bands] == [b.mag for b in older.bands]
    decisions: list = []

    class Recording(E.Stream):
        def decision(self, probs: list[int], index: int, bit: int) -> int:
            decisions.append((probs is self.ctx[0].sig, index, super().decision(probs, index, bit)))
            return decisions[-1][2]

    original = E.Stream
    E.Stream = Recording  # type: ignore[misc]
    try:
        E.decode_payload(shown, "rgb", 3)
    finally:
        E.Stream = original  # type: ignore[misc]
    sig = [(index, bit) for is_sig, index, bit in decisions if is_sig]
    assert sig[:2] == [(2917, 1), (2972, 0)] and "context 2917" in section and "context 2972" in section
    first = np.asarray(pcimg.decode(pci))[0, :3].tolist()
    assert all(f"({r}, {g}, {b})" in section for r, g, b in first)


def test_version_3_implies_a_flagged_blocks_last_decision():
    """CODEC.md 11.8 point 3: the Kodak vector has flagged blocks whose only significant
    coefficient is the last position, decided by no sig decision; version 3's stream of the same
    indices is shorter than version 2's."""
    pci = pcimg.read((VECTORS / "embedded-v3-kodak-983.pci").read_bytes())
    entry = pci.descriptors[0]
    sig_decisions: list = []
    implied: list = []

    class Recording(E.Stream):
        def significance(self, band, y, x, p, pass_index, block=0):  # type: ignore[no-untyped-def]
            sig_decisions.append((id(band), y, x, p))
            return super().significance(band, y, x, p, pass_index, block)

        def sign(self, band, y, x, p):  # type: ignore[no-untyped-def]
            if (id(band), y, x, p) not in sig_decisions[-1:]:
                implied.append((band, y, x))
            super().sign(band, y, x, p)

    original = E.Stream
    E.Stream = Recording  # type: ignore[misc]
    try:
        decoded = E.decode_payload(entry.payload, pci.colour, 3)
    finally:
        E.Stream = original  # type: ignore[misc]
    assert implied  # each at the last position of its 4x4 block
    assert all(y == min(y // 4 * 4 + 4, b.rows) - 1 and x == min(x // 4 * 4 + 4, b.cols) - 1 for b, y, x in implied)
    planes = [[decoded.lls[i]] for i in range(len(decoded.lls))]
    for band in decoded.bands:
        values = [
            [-m if n else m for m, n in zip(r, s, strict=True)] for r, s in zip(band.mag, band.negative, strict=True)
        ]
        planes[band.index].append(values)
    indices = [[plane[0]] + [tuple(plane[i : i + 3]) for i in range(1, len(plane), 3)] for plane in planes]
    width, height = entry.payload[0] + 1, entry.payload[1] + 1
    assert E.encode_payload(width, height, indices, entry.payload[2], version=3) == entry.payload
    assert len(entry.payload) < len(E.encode_payload(width, height, indices, entry.payload[2], version=2))


def test_partial_decoding_reads_the_start_of_a_bare_form(photo):
    whole = pcimg.encode(photo, captioner="none", max_bytes=600, base="embedded", bare=True)
    pci = pcimg.read(whole, bare=True)
    payload = pci.descriptors[0].payload
    head = len(whole) - len(payload)
    reference = np.asarray(photo, dtype=np.float64)
    errors = []
    for length in (head + 3, head + 60, head + 200, len(whole) - 1):
        image = np.asarray(pcimg.decode(whole[:length], bare=True, partial=True))
        cut = pci.replace(
            descriptors=(Descriptor(5, E.VERSION, pci.descriptors[0].quant, E.cut(payload, length - head)),)
        )
        assert np.array_equal(image, np.asarray(pcimg.decode(cut)))  # a download so far is a cut file
        errors.append(float(np.mean((image.astype(np.float64) - reference) ** 2)))
    assert errors == sorted(errors, reverse=True) and errors[0] > 2 * errors[-1]
    with pytest.raises(PciError, match="bare form"):
        pcimg.decode(pcimg.encode(photo, captioner="none", max_bytes=600, base="embedded"), partial=True)
    with pytest.raises(PciError, match="kind 5"):
        pcimg.decode(pcimg.encode(photo, captioner="none", max_bytes=600, bare=True), bare=True, partial=True)
    with pytest.raises(PciError, match="header have arrived"):
        pcimg.decode(whole[: head + 2], bare=True, partial=True)


def test_pillow_saves_kind_5_on_request(tmp_path, photo):
    from PIL import Image

    path = tmp_path / "a.pci"
    photo.save(path, max_bytes=400, captioner="none", base="embedded")
    assert pcimg.read(path.read_bytes()).descriptors[0].kind == 5
    with Image.open(path) as im:
        assert im.size == photo.size and np.asarray(im.convert("RGB")).shape == (photo.height, photo.width, 3)


@pytest.mark.parametrize("budget", range(150, 175))
def test_a_cut_never_overshoots_where_length_fields_change_size(photo, budget):
    """Payload and part lengths cross the one-byte varint limit (127) around these budgets."""
    data = pcimg.encode(photo, captioner="none", max_bytes=983, base="embedded")
    small = pcimg.rebudget(data, budget, method="cut")
    assert budget - 2 <= len(small) <= budget and pcimg.read(small).descriptors[0].kind == 5


@pytest.mark.parametrize("name", ["embedded-kodak-983", "embedded-kodak-cut-491", "embedded-tiny"])
def test_block_flags_kept_by_the_bands_are_what_reading_the_band_gives(name):
    # a cut stream's bands are as far as it went, a whole one's complete: both must agree
    """The decoder keeps per 4x4 block whether a coefficient in it, around it (one position out)
    or in its parent region (spec/CODEC.md 11.2) is significant; checked against the bands."""
    pci = pcimg.read((VECTORS / f"{name}.pci").read_bytes())
    entry = pci.descriptors[0]
    decoded = E.decode_payload(entry.payload, pci.colour, entry.version)
    checked = 0
    for band in decoded.bands:
        for by, y0 in enumerate(range(0, band.rows, 4)):
            for bx, x0 in enumerate(range(0, band.cols, 4)):
                y1, x1 = min(y0 + 4, band.rows), min(x0 + 4, band.cols)
                inside = [band.plane[y][x] >= 0 for y in range(y0, y1) for x in range(x0, x1)]
                around = [band.plane[y][x] >= 0 for y in range(max(0, y0 - 1), min(band.rows, y1 + 1))
                          for x in range(max(0, x0 - 1), min(band.cols, x1 + 1))]  # fmt: skip
                assert band.block_sig[by][bx] == sum(inside)
                assert band.block_near[by][bx] == any(around)
                parent = band.parent
                expected = 0
                if parent is not None and parent.rows and parent.cols:
                    r0, r1 = min(y0 >> 1, parent.rows - 1), min((y1 + 1) >> 1, parent.rows)
                    c0, c1 = min(x0 >> 1, parent.cols - 1), min((x1 + 1) >> 1, parent.cols)
                    expected = sum(parent.plane[r][c] >= 0 for r in range(r0, r1) for c in range(c0, c1))
                assert band.block_parent[by][bx] == expected
                checked += (expected > 0) + any(around)
    assert checked > 0  # each vector has significant coefficients to check
