"""Benchmark metrics against reference values, and the benchmark runner end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from pcimg.bench.metrics import all_metrics, haarpsi, ms_ssim, psnr

# Computed on pair() with the HaarPSI authors' NumPy reference (rgcda/haarpsi, haarPsi.py)
# and with piq's multi_scale_ssim on the BT.601 luma planes.
HAARPSI_REFERENCE = 0.8370673686090383
MS_SSIM_REFERENCE = 0.9296983743899148


def pair() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2026)
    y, x = np.mgrid[0:192, 0:256]
    ref = np.stack(
        [128 + 80 * np.sin(x / 17.0) * np.cos(y / 23.0), 100 + 60 * np.cos((x + y) / 31.0), 90 + 0.3 * x], -1
    )
    ref = np.clip(ref + rng.normal(0, 6, ref.shape), 0, 255).astype(np.uint8)
    test = np.clip(ref.astype(float) + rng.normal(0, 12, ref.shape) + 5, 0, 255).astype(np.uint8)
    return ref, test


def test_metrics_match_reference_implementations():
    ref, test = pair()
    assert haarpsi(ref, test) == pytest.approx(HAARPSI_REFERENCE, abs=1e-9)
    assert ms_ssim(ref, test) == pytest.approx(MS_SSIM_REFERENCE, abs=1e-9)


def test_ms_ssim_is_nan_below_its_smallest_size():
    assert np.isnan(ms_ssim(np.zeros((175, 300, 3), np.uint8), np.zeros((175, 300, 3), np.uint8)))
    flat = np.full((176, 300, 3), 9, np.uint8)
    assert ms_ssim(flat, flat) == pytest.approx(1.0)


def test_metrics_on_identical_and_degraded_images():
    ref, test = pair()
    assert psnr(ref, ref) == float("inf")
    assert ms_ssim(ref, ref) == pytest.approx(1.0) and haarpsi(ref, ref) == pytest.approx(1.0)
    worse = np.clip(test.astype(int) + np.random.default_rng(1).integers(-40, 40, test.shape), 0, 255).astype(np.uint8)
    a, b = all_metrics(ref, test), all_metrics(ref, worse)
    assert all(a[k] > b[k] for k in a)


def test_benchmark_runner_writes_tables_plots_and_sheet(tmp_path, photo):
    from pcimg.bench.run import run
    from pcimg.codec.wavelet_coder import trained_on

    images = tmp_path / "images"
    images.mkdir()
    design_name = sorted(trained_on())[0]  # one image the codec's tables were trained on, one other
    photo.crop((0, 0, 384, 256)).save(images / design_name)
    photo.crop((384, 256, 768, 512)).resize((264, 176)).save(images / "other.jpg", quality=95)
    table = run(images, tmp_path / "out", budgets=(300,), workers=1)
    assert "pcimg (descriptors)" in table and "webp" in table and "best classical" in table
    assert "## held out" in table and "## trained on" in table
    # bits per pixel follow each image's own size: 300 bytes over 384x256 and over 264x176
    assert f"mean {np.mean([2400 / (384 * 256), 2400 / (264 * 176)]):.4f} bpp" in table
    rows = json.loads((tmp_path / "out" / "results.json").read_text())
    ours = [r for r in rows if r["method"] == "pcimg (descriptors)"]
    assert len(ours) == 2 and all(r["size"] <= 300 and r["metrics"]["psnr"] > 15 for r in ours)
    assert sorted(r["pixels"] for r in ours) == [264 * 176, 384 * 256]
    assert all(np.isfinite(r["metrics"]["ms_ssim"]) for r in rows)
    for name in ("results.md", "rd-psnr.png", "rd-ms_ssim.png", "rd-haarpsi.png", "contact-sheet.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    with Image.open(tmp_path / "out" / "contact-sheet.png") as sheet:
        assert sheet.size[0] == 3 * 192  # original, pcimg, webp
    assert "| wins of pcimg against |" in table and "| best classical | " in table


def test_benchmark_without_images_is_a_pci_error(tmp_path):
    from pcimg import PciError
    from pcimg.bench.run import run

    with pytest.raises(PciError, match="no images"):
        run(tmp_path, tmp_path / "out")
    with pytest.raises(PciError, match="not a folder"):
        run(tmp_path / "missing", tmp_path / "out")
