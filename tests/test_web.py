"""web/pci.mjs, the JavaScript decoder written from the spec: pixel-identical to pcimg under node."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import pcimg

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "web" / "pci.mjs"
VECTORS = ROOT / "spec" / "vectors"
NODE = shutil.which("node")


def node_decode(path: Path, out: Path, size: tuple[int, int] | None = None, *flags: str) -> subprocess.CompletedProcess:
    assert NODE is not None, "node is needed for the browser decoder's tests (CI has it)"
    command = [NODE, str(MODULE), str(path), str(out)] + ([f"{size[0]}x{size[1]}"] if size else []) + list(flags)
    if path.suffix == ".bare" and "--bare" not in flags:
        command.append("--bare")
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def pixels(ppm: Path) -> bytes:
    return ppm.read_bytes().split(b"\n", 3)[3]


def kinds(path: Path) -> set[int]:
    return {d.kind for d in pcimg.read(path.read_bytes()).descriptors}


DECODABLE = [
    p for p in sorted((VECTORS / "valid").glob("*.pci"))
    if "decoded_sha256" in json.loads(p.with_suffix(".json").read_text("utf-8"))
]  # fmt: skip
DECODE_STAGE = [
    p for p in sorted((VECTORS / "invalid").glob("*.pci"))
    if json.loads(p.with_suffix(".json").read_text("utf-8"))["stage"] == "decode"
]  # fmt: skip
BARE_DECODABLE = [
    p for p in sorted((VECTORS / "bare" / "valid").glob("*.bare"))
    if "decoded_sha256" in json.loads(p.with_suffix(".json").read_text("utf-8"))
]  # fmt: skip
# every invalid bare vector: pci.mjs reads the bare framing itself, so it must name each defect
BARE_INVALID = sorted((VECTORS / "bare" / "invalid").glob("*.bare"))


def test_the_vectors_it_covers():
    covered = set().union(*(kinds(p) for p in DECODABLE))
    assert covered == {1, 2, 3, 4, 5} and any(not kinds(p) for p in DECODABLE)  # every kind, and prompt-only files
    assert len(DECODABLE) >= 25 and len(DECODE_STAGE) >= 10
    assert len(BARE_DECODABLE) >= 5 and len(BARE_INVALID) >= 12


@pytest.mark.parametrize("vector", DECODABLE + BARE_DECODABLE, ids=lambda p: p.name)
def test_valid_vectors_decode_to_the_recorded_pixels(vector, tmp_path):
    record = json.loads(vector.with_suffix(".json").read_text("utf-8"))
    out = tmp_path / "out.ppm"
    assert node_decode(vector, out).returncode == 0
    assert hashlib.sha256(pixels(out)).hexdigest() == record["decoded_sha256"]
    assert node_decode(vector, out, tuple(record["decoded_at"]["size"])).returncode == 0
    assert hashlib.sha256(pixels(out)).hexdigest() == record["decoded_at"]["sha256"]


@pytest.mark.parametrize("vector", DECODE_STAGE + BARE_INVALID, ids=lambda p: p.name)
def test_decode_stage_vectors_are_rejected_at_the_recorded_field_and_offset(vector, tmp_path):
    record = json.loads(vector.with_suffix(".json").read_text("utf-8"))
    result = node_decode(vector, tmp_path / "out.ppm")
    assert result.returncode == 1
    assert f"(field {record['field']}, offset {record['offset']})" in result.stderr


@pytest.mark.parametrize(
    "size, mode, budget, out_size",
    [((768, 512), "RGB", 983, None), ((96, 64), "L", 200, (33, 21)), ((77, 45), "RGB", 300, (400, 250)),
     ((40, 90), "RGB", 120, None), ((256, 171), "RGB", 4000, (32, 32))],
)  # fmt: skip
@pytest.mark.parametrize("base", ["wavelet", "dct"])
def test_files_the_encoder_makes_decode_identically(photo, tmp_path, size, mode, budget, out_size, base):
    path = tmp_path / "x.pci"
    image = photo.convert(mode).resize(size, Image.Resampling.LANCZOS)
    path.write_bytes(pcimg.encode(image, max_bytes=budget, base=base, texture=True, seed=7))
    out = tmp_path / "x.ppm"
    result = node_decode(path, out, out_size)
    assert result.returncode == 0, result.stderr
    expected = np.asarray(pcimg.decode(path.read_bytes(), size=out_size)).tobytes()
    assert pixels(out) == expected


def test_bare_text_decodes_like_the_bytes_and_bad_text_is_named(tmp_path):
    vector = VECTORS / "bare" / "valid" / "placeholder-24.bare"
    text = tmp_path / "x.txt"
    text.write_text(pcimg.to_text(vector.read_bytes()) + "\n")
    from_bytes, from_text = tmp_path / "a.ppm", tmp_path / "b.ppm"
    assert node_decode(vector, from_bytes).returncode == 0
    assert node_decode(text, from_text, None, "--bare", "--text").returncode == 0
    assert pixels(from_text) == pixels(from_bytes)
    text.write_text("CIAGgAQZ=")  # padding is not base64url text here
    result = node_decode(text, from_text, None, "--bare", "--text")
    assert result.returncode == 1 and "(field text, offset 8)" in result.stderr


def test_embedded_priors_are_the_normative_ones():
    result = subprocess.run(["python3", str(ROOT / "web" / "build.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.fixture(scope="module")
def served():
    """ROOT over HTTP on localhost (a module script and fetch() need http, and crypto.subtle a secure
    context, which localhost is)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *args: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name, size", [("wavelet-kodak-491", None), ("wavelet-grey", None),
                                        ("wavelet-portrait", (37, 23)), ("bare/placeholder-24", (37, 23))])  # fmt: skip
def test_the_page_shows_the_same_pixels_in_headless_chromium(served, name, size):
    """Files load by URL; the bare placeholder is pasted as base64url text (?text=)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is needed for the browser test (.ci/run installs the Debian package)"
    folder, stem = (VECTORS / "bare" / "valid", name[5:]) if name.startswith("bare/") else (VECTORS / "valid", name)
    record = json.loads((folder / f"{stem}.json").read_text("utf-8"))
    if folder.parent.name == "bare":
        query = f"text={pcimg.to_text((folder / f'{stem}.bare').read_bytes())}"
    else:
        query = f"src=/spec/vectors/valid/{stem}.pci"
    query += f"&width={size[0]}&height={size[1]}" if size else ""
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000", "--dump-dom",
         f"{served}/web/index.html?{query}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    expected = record["decoded_at"]["sha256"] if size else record["decoded_sha256"]
    assert f"sha256 {expected}" in result.stdout, result.stdout[-2000:]


@pytest.mark.parametrize(
    "name", ["embedded-kodak-983", "embedded-v2-kodak-983", "embedded-v3-kodak-983"]
)  # versions 1-3
def test_a_download_in_progress_decodes_like_pcimg(tmp_path, name):
    """The first bytes of a bare kind-5 form (``partial``): pci.mjs and pcimg agree at every length."""
    whole = pcimg.write(pcimg.read((VECTORS / "valid" / f"{name}.pci").read_bytes()), bare=True)
    for length in (12, 40, 200, 500, len(whole)):
        prefix = tmp_path / f"p{length}.bare"
        prefix.write_bytes(whole[:length])
        result = node_decode(prefix, tmp_path / "out.ppm", (96, 64), "--partial")
        assert result.returncode == 0, result.stderr
        ours = np.asarray(pcimg.decode(whole[:length], bare=True, partial=True, size=(96, 64))).tobytes()
        assert pixels(tmp_path / "out.ppm") == ours, length
    result = node_decode(prefix, tmp_path / "out.ppm", None)  # without --partial: a whole bare form
    assert pixels(tmp_path / "out.ppm") == np.asarray(pcimg.decode(whole, bare=True)).tobytes()
    prefix.write_bytes(whole[:4])  # the head and sizes, no descriptor yet
    assert "pci.mjs:" in node_decode(prefix, tmp_path / "out.ppm", None, "--partial").stderr


def test_the_page_shows_a_download_as_it_arrives_in_headless_chromium(served):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is needed for the browser test (.ci/run installs the Debian package)"
    whole = pcimg.write(pcimg.read((VECTORS / "valid" / "embedded-kodak-983.pci").read_bytes()), bare=True)
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000", "--dump-dom",
         f"{served}/web/index.html?text={pcimg.to_text(whole)}&steps=4"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    lengths = [len(whole) * i // 4 for i in range(1, 5)]
    painted = f"painted at {', '.join(map(str, lengths))}, {len(whole)} (whole) bytes"
    assert painted in result.stdout, result.stdout[-2000:]
    expected = hashlib.sha256(np.asarray(pcimg.decode(whole, bare=True)).tobytes()).hexdigest()
    assert f"sha256 {expected}" in result.stdout


@pytest.mark.parametrize("name", ["embedded-kodak-983", "embedded-v2-kodak-983", "embedded-v3-kodak-983"])
def test_the_page_streams_a_bare_download_in_headless_chromium(served, name):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is needed for the browser test (.ci/run installs the Debian package)"
    path = VECTORS / "bare" / "valid" / f"{name}.bare"
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000", "--dump-dom",
         f"{served}/web/index.html?src=/spec/vectors/bare/valid/{name}.bare&progressive=1"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    record = json.loads(path.with_suffix(".json").read_text("utf-8"))
    assert f"sha256 {record['decoded_sha256']}" in result.stdout, result.stdout[-2000:]
    assert f"{path.stat().st_size} (whole) bytes" in result.stdout
