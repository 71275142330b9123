"""pcimg on a local Ray cluster: the CLI's --engine ray and the ray.data batch functions."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest
import ray
import ray.data

import pcimg
from pcimg.cli import main
from pcimg.distributed import DecodeBatch, EncodeBatch, decode_dataset, encode_dataset, ray_ordered_map


@pytest.fixture(scope="module", autouse=True)
def local_cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_tasks_come_back_in_input_order():
    # a function the workers can import (this test module is not on their path)
    assert list(ray_ordered_map(math.factorial, range(9), window=3)) == [math.factorial(x) for x in range(9)]


def test_cli_engine_ray_writes_the_bytes_of_one_process(tmp_path, photo, capsys):
    inputs = []
    for i in range(3):
        inputs.append(tmp_path / f"img{i}.png")
        photo.crop((50 * i, 0, 50 * i + 256, 192)).save(inputs[-1])
    digests = []
    for engine in (["--engine", "ray"], ["--jobs", "1"]):
        out = tmp_path / engine[-1]
        assert main(["encode", *map(str, inputs), "-o", f"{out}/", "--max-bytes", "300", *engine]) == 0
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())})
    assert len(digests[0]) == 3 and digests[0] == digests[1]
    lines = [line for line in capsys.readouterr().out.splitlines() if "/ray/" in line]
    assert [line.split(" -> ")[0] for line in lines] == [str(p) for p in inputs]


def test_dataset_encode_and_decode_in_actor_pools(photo):
    arrays = [np.asarray(photo.crop((60 * i, 0, 60 * i + 128, 96))) for i in range(4)]
    dataset = ray.data.from_items([{"image": a} for a in arrays])
    rows = encode_dataset(dataset, concurrency=2, batch_size=2, captioner="none", max_bytes=200).take_all()
    assert [r["error"] for r in rows] == [""] * 4
    expected = {pcimg.encode(a, captioner="none", max_bytes=200) for a in arrays}
    assert {bytes(r["pci"]) for r in rows} == expected  # same bytes as one process (order may differ)
    decoded = decode_dataset(ray.data.from_items([{"pci": r["pci"]} for r in rows]), concurrency=2,
                             size=(64, 48)).take_all()  # fmt: skip
    for row in decoded:
        assert row["error"] == "" and np.array_equal(row["image"], np.asarray(pcimg.decode(bytes(row["pci"]),
                                                                                          size=(64, 48))))  # fmt: skip


def test_rows_of_paths_and_of_file_bytes(tmp_path, photo):
    path = tmp_path / "p.png"
    photo.resize((96, 64)).save(path)
    by_path = EncodeBatch(captioner="none", max_bytes=150)({"path": np.array([str(path)], dtype=object)})
    by_bytes = EncodeBatch(captioner="none", max_bytes=150)({"bytes": np.array([path.read_bytes()], dtype=object)})
    assert by_path["pci"][0] == by_bytes["pci"][0] == pcimg.encode(path, captioner="none", max_bytes=150)


def test_a_bad_row_is_reported_not_raised():
    encoded = EncodeBatch(captioner="none")({"bytes": np.array([b"not an image"], dtype=object)})
    assert encoded["pci"][0] == b"" and "cannot read the input image" in encoded["error"][0]
    decoded = DecodeBatch()({"pci": np.array([b"\x8aPCI junk"], dtype=object)})
    assert decoded["image"][0].size == 0 and "field" in decoded["error"][0]


def test_model_captioner_runs_in_the_actor_pool(tmp_path, photo, monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from tiny_models import BLIP_ID, build_blip

    from pcimg.backends import store

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    build_blip(tmp_path)
    models = {"model_dirs": [str(tmp_path)], "use_hf_cache": False, "progress": False}
    small = np.asarray(photo.resize((96, 64)))
    rows = encode_dataset(ray.data.from_items([{"image": small}] * 2), concurrency=1, models=models,
                          captioner="transformers", captioner_model=BLIP_ID, max_bytes=400).take_all()  # fmt: skip
    previous = store.settings()
    try:
        store.configure(**models)
        expected = pcimg.encode(small, captioner="transformers", captioner_model=BLIP_ID, max_bytes=400)
    finally:
        store.configure(**previous.__dict__)
    assert [r["error"] for r in rows] == ["", ""]
    assert [bytes(r["pci"]) for r in rows] == [expected, expected]
    assert pcimg.read(expected).prompt is not None  # the model's caption, not the embedded one


def test_model_generator_runs_in_the_actor_pool(tmp_path, photo, monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from tiny_models import SD_ID, build_sd

    from pcimg import Recipe
    from pcimg.backends import store

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    build_sd(tmp_path)
    models = {"model_dirs": [str(tmp_path)], "use_hf_cache": False, "progress": False}
    previous = store.settings()
    try:
        store.configure(**models)
        data = pcimg.encode(photo.resize((96, 64)), prompt="two parrots", generator=SD_ID, max_bytes=300,
                            recipe=Recipe(steps=2, strength_permille=1000))  # fmt: skip
        expected = np.asarray(pcimg.decode(data))
        assert not np.array_equal(expected, np.asarray(pcimg.decode(data, generator="parametric")))
    finally:
        store.configure(**previous.__dict__)
    rows = decode_dataset(ray.data.from_items([{"pci": data}] * 2), concurrency=1, models=models).take_all()
    assert [r["error"] for r in rows] == ["", ""]
    assert all(np.array_equal(r["image"], expected) for r in rows)  # the generator's pixels, in the actor
