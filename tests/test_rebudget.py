"""Re-budget: a smaller .pci from a larger one, without the original image."""

from __future__ import annotations

import numpy as np
import pytest

import pcimg
from pcimg import ModelRef, PciError, Prompt
from pcimg.cli import main


def psnr(a, b) -> float:
    err = np.mean((np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) ** 2)
    return float(10 * np.log10(255**2 / err))


@pytest.fixture(scope="module")
def big(photo) -> bytes:
    return pcimg.encode(photo, max_bytes=983, captioner="none", seed=9)


def test_a_file_that_fits_comes_back_unchanged(big):
    assert pcimg.rebudget(big, 983) == big
    assert pcimg.rebudget(big, len(big)) == big


@pytest.mark.parametrize("budget", [491, 147, 60, 30])
def test_smaller_files_fit_keep_the_header_and_stay_close_to_a_direct_encode(photo, big, budget):
    small = pcimg.rebudget(big, budget)
    assert len(small) <= budget
    pci, original = pcimg.read(small), pcimg.read(big)
    assert (pci.width, pci.height, pci.colour, pci.seed) == (original.width, original.height, original.colour, 9)
    direct = pcimg.decode(pcimg.encode(photo, max_bytes=budget, captioner="none", seed=9))
    assert psnr(photo, pcimg.decode(small)) > psnr(photo, direct) - 0.6


def test_the_bare_form_rebudgets_to_bare_bytes(big):
    bare = pcimg.write(pcimg.read(big), bare=True)
    small = pcimg.rebudget(bare, 21, bare=True)
    assert len(small) <= 21 and pcimg.read(small, bare=True).descriptors[0].kind == 4


def test_a_persons_prompt_is_kept_whole_or_dropped_whole(photo):
    words = "two macaws, one red and one blue and yellow, on a branch in front of green leaves"
    data = pcimg.encode(photo, max_bytes=983, prompt=words)
    assert pcimg.read(pcimg.rebudget(data, 300)).prompt.text == words
    tiny = pcimg.read(pcimg.rebudget(data, 40))
    assert tiny.prompt is None and tiny.model("captioner") is None


def test_a_machine_prompt_may_lose_trailing_words(photo):
    words = "a red and blue parrot sitting next to a yellow and blue parrot on a branch near leaves"
    pci = pcimg.encode_pci(photo, max_bytes=983, captioner="none").replace(
        prompt=Prompt.smallest(words), models=(ModelRef("captioner", "acme/captioner"),)
    )
    kept = pcimg.read(pcimg.rebudget(pci, 60)).prompt
    assert kept is not None and words.startswith(kept.text) and len(kept.text) < len(words)


def test_safe_ancillary_parts_stay_while_they_fit_and_the_digest_goes(photo):
    pci = pcimg.encode_pci(photo, max_bytes=983, captioner="none", digest=True).replace(
        metadata=(("title", "parrots"),)
    )
    assert pci.digest is not None
    small = pcimg.read(pcimg.rebudget(pci, 491))
    assert small.metadata == (("title", "parrots"),) and small.digest is None


def test_a_kind_1_file_is_rebudgeted_from_its_base_layer(photo):
    data = pcimg.encode(photo, max_bytes=983, captioner="none", base="dct")
    small = pcimg.rebudget(data, 300)
    assert len(small) <= 300 and pcimg.read(small).descriptors
    assert psnr(photo, pcimg.decode(small)) > 18


@pytest.mark.parametrize("budget", [0, -5, 2.5, True])
def test_a_bad_budget_is_named(big, budget):
    with pytest.raises(PciError) as err:
        pcimg.rebudget(big, budget)
    assert err.value.field == "max_bytes"


def test_too_small_a_budget_is_named(big):
    with pytest.raises(PciError) as err:
        pcimg.rebudget(big, 10)  # a file needs at least 21 bytes
    assert err.value.field == "max_bytes"


def test_cli_names_outputs_by_budget_and_reads_text(tmp_path, big, capsys):
    source = tmp_path / "p.pci"
    source.write_bytes(big)
    assert main(["rebudget", str(source), "--max-bytes", "491"]) == 0
    assert len((tmp_path / "p.491.pci").read_bytes()) <= 491
    text = tmp_path / "p.txt"
    text.write_text(pcimg.to_text(pcimg.write(pcimg.read(big), bare=True)))
    assert main(["rebudget", str(text), "--bare", "--text", "--max-bytes", "21", "-o", str(tmp_path / "s.txt")]) == 0
    assert len(pcimg.from_text((tmp_path / "s.txt").read_text().strip())) <= 21


def test_cli_method_chooses_cut_or_re_encode(tmp_path, big, capsys):
    source = tmp_path / "p.pci"
    source.write_bytes(big)
    kinds = {}
    for method in ("auto", "encode"):
        out = tmp_path / f"{method}.pci"
        assert main(["rebudget", str(source), "--max-bytes", "600", "--method", method, "-o", str(out)]) == 0
        kinds[method] = pcimg.read(out.read_bytes()).descriptors[0].kind
    assert kinds == {"auto": 5, "encode": 3}  # a kind-3 file kept above two fifths is re-coded and cut
    with pytest.raises(SystemExit):
        main(["rebudget", str(source), "--max-bytes", "600", "--method", "fast"])


def test_a_file_without_a_picture_gets_none():
    """A prompt alone: ancillary parts go, then a machine prompt's words; a person's prompt is never cut."""
    from pcimg import DecodeDigest, PciFile

    words = "a red barn in a snowy field under a pale blue sky at dawn"
    person = PciFile(16, 16, prompt=Prompt.smallest(words), digest=DecodeDigest.of(b"x"))
    plain = pcimg.write(person.replace(digest=None))
    lean = pcimg.read(pcimg.rebudget(person, len(plain)))
    assert lean.descriptors == () and lean.digest is None and lean.prompt.text == words
    with pytest.raises(PciError) as err:
        pcimg.rebudget(person, len(plain) - 1)
    assert err.value.field == "max_bytes"
    machine = person.replace(models=(ModelRef("captioner", "acme/captioner"),))
    cut = pcimg.read(pcimg.rebudget(machine, len(pcimg.write(machine.replace(digest=None))) - 5))
    assert cut.descriptors == () and words.startswith(cut.prompt.text) and cut.prompt.text != words


def test_a_kind_3_file_kept_above_two_fifths_is_recoded_as_kind_5_and_cut(photo, big):
    from pcimg.codec import rebudget as R
    from pcimg.codec import wavelet_embedded as E

    recoded = R._as_embedded(pcimg.read(big))
    assert recoded is not None
    whole, original = recoded.descriptors[0], pcimg.read(big).descriptors[0]
    assert np.array_equal(  # the same picture, re-coded: nothing decoded to pixels and encoded again
        E.working_image(whole.payload, whole.quant, "rgb", whole.version),
        pcimg.codec.wavelet_colour.working_image(original.payload, whole.quant, "rgb", original.version),
    )
    share = int(R.TRANSCODE_SHARE * len(big))
    for budget in (len(big) - 100, share + 1):
        entry = pcimg.read(pcimg.rebudget(big, budget)).descriptors[0]
        assert entry.kind == 5 and entry.payload[2] & E.CUT
        assert entry.payload[3:] == whole.payload[3 : len(entry.payload)]  # a cut of the re-coded stream
    assert pcimg.read(pcimg.rebudget(big, share - 10)).descriptors[0].kind == 3  # re-encoded below the share
    cut = pcimg.read(pcimg.rebudget(big, share - 10, method="cut")).descriptors[0]  # unless asked to cut
    assert cut.kind == 5 and cut.payload[3:] == whole.payload[3 : len(cut.payload)]
    assert pcimg.read(pcimg.rebudget(big, len(big) - 100, method="encode")).descriptors[0].kind == 3
