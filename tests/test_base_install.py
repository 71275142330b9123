"""Without the ml extra, model features fail with PciError saying what to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = "import sys\nfor m in ('torch', 'diffusers', 'transformers'):\n    sys.modules[m] = None\n"


def run_blocked(code: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-c", BLOCK + code], capture_output=True, text=True, env=env)


def test_model_generator_without_torch_is_a_pci_error(tmp_path):
    folder = tmp_path / "stabilityai" / "sd-turbo"
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"{}")
    vector = ROOT / "spec" / "vectors" / "valid" / "hub-generator.pci"
    code = f"from pcimg.cli import main; sys.exit(main(['decode', {str(vector)!r}, '-o', {str(tmp_path / 'x.png')!r}]))"
    result = run_blocked(code, {"PCIMG_MODEL_DIR": str(tmp_path)})
    assert result.returncode == 1, result.stderr
    assert "needs torch" in result.stderr and "Traceback" not in result.stderr
    assert "pcimg[ml]" in result.stderr and "PCIMG_MODEL_DIR" in result.stderr  # what to install, where weights go


def test_efficientnet_captioner_without_torch_is_a_pci_error():
    code = (
        "import pcimg\nfrom PIL import Image\n"
        "try:\n    pcimg.encode(Image.new('RGB', (8, 8)), captioner='efficientnet')\n"
        "except pcimg.PciError as e:\n    print('PciError:', e)\n"
    )
    result = run_blocked(code)
    assert "PciError: the efficientnet captioner needs torch" in result.stdout, result.stderr


def test_embedded_codec_works_without_the_ml_stack(tmp_path):
    code = (
        "import pcimg\nfrom PIL import Image\n"
        f"data = pcimg.encode(Image.open({str(ROOT / 'examples' / 'kodim23.png')!r}), max_bytes=300)\n"
        "print(len(data), pcimg.decode(data).size)\n"
    )
    result = run_blocked(code)
    assert result.returncode == 0, result.stderr
    size, rest = result.stdout.split(" ", 1)
    assert int(size) <= 300 and "(768, 512)" in rest


def test_bench_without_its_extra_says_what_to_install(tmp_path):
    code = (
        "import sys\nsys.modules['scipy'] = None\nsys.modules['matplotlib'] = None\n"
        f"from pcimg.cli import main; sys.exit(main(['bench', '--images', {str(tmp_path)!r}]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1 and "pip install 'pcimg[bench]'" in result.stderr
    assert "Traceback" not in result.stderr
