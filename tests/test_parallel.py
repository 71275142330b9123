"""`--jobs`: the same bytes and the same report as one process, failures named, resumable."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image

from pcimg.cli import main
from pcimg.cli.parallel import ordered_map

ROOT = Path(__file__).resolve().parents[1]


def _square(x: int) -> int:
    return x * x


def test_ordered_map_keeps_input_order_with_a_bounded_window():
    assert list(ordered_map(_square, range(23), jobs=2)) == [x * x for x in range(23)]
    assert list(ordered_map(_square, [], jobs=4)) == []
    assert list(ordered_map(_square, [3], jobs=4)) == [9]  # one item: no pool


def _images(folder: Path, photo: Image.Image, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(count):
        path = folder / f"img{i}.png"
        photo.crop((40 * i, 0, 40 * i + 256, 192)).save(path)
        paths.append(path)
    return paths


def _digests(folder: Path, suffix: str) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob(f"*{suffix}"))}


def _neutral(text: str, folders: dict[str, str]) -> str:
    for folder, name in folders.items():
        text = text.replace(folder, name)
    return text


def test_encode_and_decode_with_jobs_match_one_process(tmp_path, photo, capsys):
    inputs = _images(tmp_path / "in", photo, 4)
    runs = {}
    for jobs in ("1", "2"):
        pci_dir, png_dir = tmp_path / f"pci{jobs}", tmp_path / f"png{jobs}"
        assert main(["encode", *map(str, inputs), "-o", f"{pci_dir}/", "--max-bytes", "300", "--jobs", jobs]) == 0
        encoded = capsys.readouterr().out
        assert main(["decode", *map(str, sorted(pci_dir.glob("*.pci"))), "-o", f"{png_dir}/", "-j", jobs]) == 0
        decoded = capsys.readouterr().out
        folders = {str(pci_dir): "PCI", str(png_dir): "PNG"}
        runs[jobs] = (_digests(pci_dir, ".pci"), _digests(png_dir, ".png"), _neutral(encoded, folders),
                      _neutral(decoded, folders))  # fmt: skip
    assert len(runs["1"][0]) == 4 and runs["1"] == runs["2"]
    assert [line.split(" -> ")[0] for line in runs["2"][2].splitlines()] == [str(p) for p in inputs]  # input order


def test_a_failing_input_is_named_and_the_others_finish(tmp_path, photo, capsys):
    inputs = _images(tmp_path / "in", photo, 3)
    broken = tmp_path / "in" / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    out = tmp_path / "out"
    assert main(["encode", str(inputs[0]), str(broken), *map(str, inputs[1:]), "-o", f"{out}/", "--jobs", "2"]) == 1
    assert "broken.png: cannot read the input image" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["img0.pci", "img1.pci", "img2.pci"]


def test_skip_existing_resumes_a_run(tmp_path, photo, capsys):
    inputs = _images(tmp_path / "in", photo, 3)
    out = tmp_path / "out"
    out.mkdir()
    (out / "img1.pci").write_bytes(b"left alone")
    assert main(["encode", *map(str, inputs), "-o", f"{out}/", "--skip-existing", "-j", "2"]) == 0
    assert "img1.pci (exists, skipped)" in capsys.readouterr().out
    assert (out / "img1.pci").read_bytes() == b"left alone"
    assert (out / "img0.pci").read_bytes()[:4] == b"\x8aPCI"


def test_validate_with_jobs_prints_the_same_report(capsys):
    files = sorted((ROOT / "spec" / "vectors" / "valid").glob("*.pci"))[:6] + sorted(
        (ROOT / "spec" / "vectors" / "invalid").glob("*.pci"))[:6]  # fmt: skip
    reports = []
    for jobs in ("1", "2"):
        assert main(["validate", *map(str, files), "--jobs", jobs]) == 1
        reports.append(capsys.readouterr().out)
    assert reports[0] == reports[1] and "6 valid, 6 invalid" in reports[0]
    assert np.all([str(f) in reports[0] for f in files])


def test_workers_share_the_cores_among_math_libraries():
    import os

    from pcimg.cli.parallel import default_jobs

    expected = os.environ.get("OMP_NUM_THREADS", str(max(1, default_jobs() // 2)))
    assert list(ordered_map(os.getenv, ["OMP_NUM_THREADS"] * 3, jobs=2)) == [expected] * 3
