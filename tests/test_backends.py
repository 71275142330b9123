"""Real model back-ends on tiny models built in code and loaded through from_pretrained.

Covers: encode with a transformers captioner and a diffusers generator, deterministic
decodes (two runs, two processes), model resolution as a security boundary, no network.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("diffusers", reason="the ml extra is part of the test install (.ci/run)")

from tiny_models import BLIP_ID, CONTROLNET_ID, SD_ID, build_blip, build_controlnet, build_sd

import pcimg
from pcimg import ModelRef, PciError, Recipe
from pcimg.backends import store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("models")
    sd = build_sd(root)
    build_sd(root, SD_ID + "@v2", seed=1)
    build_controlnet(root, sd)
    build_blip(root)
    return root


@pytest.fixture(autouse=True)
def models_configured(model_dir, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    previous = store.settings()
    store.configure(model_dirs=[model_dir], use_hf_cache=False, progress=False)
    yield
    store.configure(**previous.__dict__)


@pytest.fixture()
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def pixels_sha(image) -> str:
    return hashlib.sha256(np.asarray(image).tobytes()).hexdigest()


RECIPE = Recipe(steps=2, strength_permille=600, guidance_tenths=0, scheduler="euler")


def test_encode_with_models_records_the_manifest(small_photo, no_network):
    pci = pcimg.encode_pci(small_photo, captioner="transformers", captioner_model=BLIP_ID, generator=SD_ID,
                            recipe=RECIPE, max_bytes=400)  # fmt: skip
    assert pci.prompt and pci.prompt.text.strip()
    assert pci.model("captioner") == ModelRef("captioner", BLIP_ID)
    assert pci.model("captioner").code == 32
    assert pci.generator == ModelRef("generator", SD_ID) and pci.generator.code == 16
    assert pci.recipe == RECIPE
    assert len(pcimg.write(pci)) <= 400
    assert no_network == []


def test_caption_length_and_beams_are_honoured(small_photo):
    short = pcimg.encode_pci(small_photo, captioner="transformers", captioner_model=BLIP_ID, caption_max_tokens=2,
                              caption_beams=1, max_bytes=300)  # fmt: skip
    assert 1 <= len(short.prompt.text.split()) <= 2
    with pytest.raises(PciError, match="caption options"):
        pcimg.encode_pci(small_photo, captioner="transformers", captioner_model=BLIP_ID, caption_beams=0)


def test_decode_is_deterministic_and_differs_from_the_embedded_decoder(small_photo, model_dir, tmp_path, no_network):
    pci = pcimg.encode_pci(small_photo, prompt="two red parrots", generator=SD_ID, recipe=RECIPE, max_bytes=300)
    first, second = pcimg.decode(pci), pcimg.decode(pci)
    assert first.size == (192, 128)
    assert pixels_sha(first) == pixels_sha(second)
    assert pixels_sha(first) != pixels_sha(pcimg.decode(pci, generator="parametric"))
    path = tmp_path / "m.pci"
    pcimg.save(pci, path)
    code = ("import hashlib, sys, numpy, pcimg;"
            "print(hashlib.sha256(numpy.asarray(pcimg.decode(sys.argv[1])).tobytes()).hexdigest())")  # fmt: skip
    env = {**os.environ, "PCIMG_MODEL_DIR": str(model_dir), "HF_HUB_OFFLINE": "1"}
    other = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                           check=True).stdout.strip().splitlines()[-1]  # fmt: skip
    assert other == pixels_sha(first)
    assert no_network == []


def test_text_to_image_without_descriptors(no_network):
    pci = pcimg.PciFile(48, 32, seed=3, models=(ModelRef("generator", SD_ID),), recipe=RECIPE,
                        prompt=pcimg.Prompt.from_text("a blue sky"))  # fmt: skip
    image = pcimg.decode(pci)
    assert image.size == (48, 32)
    assert pixels_sha(image) == pixels_sha(pcimg.decode(pci))


def test_controlnet_named_in_the_manifest_conditions_the_decode(small_photo):
    pci = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=RECIPE, max_bytes=300)
    controlled = pci.replace(models=(*pci.models, ModelRef("controlnet", CONTROLNET_ID)))
    assert pixels_sha(pcimg.decode(controlled)) != pixels_sha(pcimg.decode(pci))


def test_revision_selects_its_own_folder_and_missing_ones_say_what_to_install(small_photo):
    pci = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID + "@v2", recipe=RECIPE, max_bytes=300)
    assert pci.generator == ModelRef("generator", SD_ID, "v2")
    assert pixels_sha(pcimg.decode(pci)) != pixels_sha(
        pcimg.decode(pci.replace(models=(ModelRef("generator", SD_ID),)))
    )
    missing = pci.replace(models=(ModelRef("generator", SD_ID, "v9"),))
    with pytest.raises(PciError, match=r"stabilityai/sd-turbo@v9 is not installed.*hf download"):
        pcimg.decode(missing)


def test_unknown_model_id_is_a_clear_error():
    pci = pcimg.PciFile(8, 8, models=(ModelRef("generator", "nobody/nothing"),), prompt=pcimg.Prompt.from_text("x"))
    with pytest.raises(PciError, match="nobody/nothing is not installed"):
        pcimg.decode(pci)


@pytest.mark.parametrize("bad", ["../escape", "/etc/passwd", "a/../../b", "org/name/extra"])
def test_ids_that_escape_are_refused_even_when_built_in_code(bad):
    with pytest.raises(PciError, match="not a plain org/name id"):
        store.locate(ModelRef("generator", bad))


def test_symlink_out_of_the_model_directory_is_refused(model_dir, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "model.safetensors").write_bytes(b"x")
    (model_dir / "evil").mkdir(exist_ok=True)
    link = model_dir / "evil" / "linked"
    if not link.exists():
        link.symlink_to(outside, target_is_directory=True)
    with pytest.raises(PciError, match="outside"):
        store.locate(ModelRef("generator", "evil/linked"))
    inner = model_dir / "evil" / "inner"
    inner.mkdir(exist_ok=True)
    (inner / "model.safetensors").write_bytes(b"x")
    if not (inner / "escape.safetensors").exists():
        (inner / "escape.safetensors").symlink_to(outside / "model.safetensors")
    with pytest.raises(PciError, match="links outside"):
        store.locate(ModelRef("generator", "evil/inner"))


def test_pickle_only_weights_are_refused(model_dir):
    folder = model_dir / "pickles" / "model"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytorch_model.bin").write_bytes(b"\x80\x04not loaded")
    (folder / "config.json").write_text("{}")
    with pytest.raises(PciError, match=r"only pickle weights \(pytorch_model.bin\).*safetensors"):
        store.locate(ModelRef("generator", "pickles/model"))


def test_pinned_weights_digest_is_verified(small_photo, model_dir):
    pci = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=RECIPE, pin_digest=True,
                            max_bytes=400)  # fmt: skip
    assert len(pci.generator.digest) == 32 and pci.generator.code is None
    assert pcimg.read(pcimg.write(pci)).generator == pci.generator
    assert pcimg.decode(pci).size == (192, 128)
    tampered = pci.replace(models=(ModelRef("generator", SD_ID, "", bytes(32)),))
    with pytest.raises(PciError, match="weights digest"):
        pcimg.decode(tampered)


def test_seed_search_decodes_candidates_with_the_model(small_photo):
    pci = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=RECIPE, max_bytes=300, seed=40,
                            seed_search=3)  # fmt: skip
    assert 40 <= pci.seed < 43


def test_pillow_load_uses_the_named_model(small_photo, tmp_path):
    from PIL import Image

    path = tmp_path / "p.pci"
    pcimg.save(pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=RECIPE, max_bytes=300), path)
    with Image.open(path) as im:
        im.load()  # default: no model inference from Pillow
        assert pixels_sha(im) == pixels_sha(pcimg.decode(path, generator="parametric"))
    pcimg.configure_pillow(models=True)
    try:
        with Image.open(path) as im:
            im.load()
            assert pixels_sha(im) == pixels_sha(pcimg.decode(path))
    finally:
        pcimg.configure_pillow(models=False)


def test_cli_encode_and_decode_with_models(model_dir, tmp_path):
    from pcimg.cli import main

    out, png = tmp_path / "c.pci", tmp_path / "c.png"
    example = Path(__file__).resolve().parents[1] / "examples" / "kodim23.png"
    assert main(["encode", str(example), "-o", str(out), "--captioner", "transformers", "--captioner-model", BLIP_ID,
                 "--generator", "diffusers", "--generator-model", SD_ID, "--model-dir", str(model_dir),
                 "--steps", "2", "--strength", "0.6", "--max-bytes", "400"]) == 0  # fmt: skip
    pci = pcimg.read(out)
    assert pci.generator.id == SD_ID and pci.recipe.steps == 2 and pci.recipe.strength_permille == 600
    assert main(["decode", str(out), "-o", str(png), "--model-dir", str(model_dir), "--size", "96x64"]) == 0
    assert main(["decode", str(out), "-o", str(tmp_path / "p.png"), "--generator", "parametric"]) == 0


MIXED_SCHEDULERS = ("default", "ddim", "default", "lcm", "euler", "default")
FRESH_DECODES = """
import hashlib, sys, numpy, pcimg
from pcimg.backends import diffusion
for path in sys.argv[1:]:
    diffusion._load.cache_clear()  # every file on a freshly loaded pipeline
    print(hashlib.sha256(numpy.asarray(pcimg.decode(path)).tobytes()).hexdigest())
"""


def test_decodes_do_not_depend_on_what_ran_before_or_beside(small_photo, model_dir, tmp_path):
    base = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=RECIPE, max_bytes=300)
    files = []
    for index, scheduler in enumerate(MIXED_SCHEDULERS):
        path = tmp_path / f"{index}-{scheduler}.pci"
        pcimg.save(base.replace(recipe=Recipe(4, 500, 0, scheduler)), path)
        files.append(path)
    env = {**os.environ, "PCIMG_MODEL_DIR": str(model_dir), "HF_HUB_OFFLINE": "1"}
    fresh = subprocess.run([sys.executable, "-c", FRESH_DECODES, *map(str, files)], capture_output=True, text=True,
                           env=env, check=True).stdout.split()  # fmt: skip
    assert len(set(fresh)) == 3  # the tiny model's default scheduler is euler
    assert [pixels_sha(pcimg.decode(path)) for path in files] == fresh  # one after another
    results: dict[int, str] = {}

    def work(offset: int) -> None:
        for step in range(len(files)):
            index = (offset + step) % len(files)
            results[index * 10 + offset] = pixels_sha(pcimg.decode(files[index]))

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 * len(files)
    assert all(sha == fresh[key // 10] for key, sha in results.items())  # side by side in threads


@pytest.mark.parametrize(
    ("recipe", "field"),
    [
        (Recipe(1, 1, 0, "euler"), "recipe.strength_permille"),  # 0.001 x 1 step: no denoising step
        (Recipe(2, 600, 0, "pndm"), "recipe.steps"),  # PNDM needs 3 steps
    ],
)
def test_recipes_a_scheduler_cannot_run_are_refused_before_loading(small_photo, recipe, field, monkeypatch):
    from pcimg.backends import diffusion

    def no_load(*args):
        raise AssertionError("loaded a model for a recipe that cannot run")

    monkeypatch.setattr(diffusion, "load", no_load)
    pci = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=recipe, max_bytes=300)
    with pytest.raises(PciError) as err:
        pcimg.decode(pci)
    assert err.value.field == field


def test_model_failures_are_pci_errors_naming_the_model(model_dir, small_photo):
    broken = model_dir / "broken" / "pipe"
    broken.mkdir(parents=True, exist_ok=True)
    (broken / "model_index.json").write_text("{not json")
    (broken / "model.safetensors").write_bytes(b"x")
    pci = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=RECIPE, max_bytes=300)
    with pytest.raises(PciError, match="model broken/pipe failed to decode") as err:
        pcimg.decode(pci.replace(models=(ModelRef("generator", "broken/pipe"),)))
    assert err.value.field == "models.generator"


def test_pinned_digest_hashes_each_loaded_file_once(small_photo, model_dir, monkeypatch):
    pci = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=RECIPE, pin_digest=True,
                            max_bytes=400)  # fmt: skip
    folder = model_dir / SD_ID
    variant = folder / "unet" / "diffusion_pytorch_model.fp16.safetensors"
    variant.write_bytes(b"a variant the loader never reads")
    try:
        hashed = []
        original = hashlib.sha256

        def counting(*args):
            hashed.append(1)
            return original(*args)

        store._file_digests.clear()
        monkeypatch.setattr(store.hashlib, "sha256", counting)
        pcimg.decode(pci)
        first = len(hashed)
        pcimg.decode(pci)
        assert first == len(store.loaded_weights(folder)) + 1  # each loaded file once, plus the outer digest
        assert len(hashed) == first + 1  # the second decode re-hashes no file
        assert variant not in store.loaded_weights(folder)
    finally:
        variant.unlink()


def test_a_symlink_loop_in_a_model_folder_is_a_pci_error(model_dir):
    folder = model_dir / "loops" / "model"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.safetensors").write_bytes(b"x")
    loop = folder / "loop"
    if not loop.is_symlink():
        loop.symlink_to(loop)
    with pytest.raises(PciError, match="cannot be resolved"):
        store.locate(ModelRef("generator", "loops/model"))


def test_a_fifo_among_pinned_weights_is_refused_not_waited_on(model_dir, tmp_path):
    folder = tmp_path / "fifo-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"x")
    os.mkfifo(folder / "shard.safetensors")
    with pytest.raises(PciError, match="not a regular file"):
        store.weights_digest(folder)


@pytest.mark.parametrize(
    ("recipe", "limits", "field"),
    [
        (Recipe(1000, 600, 0, "euler"), {}, "recipe.steps"),
        (Recipe(2, 600, 0, "euler", 16384, 16384), {}, "recipe.work_width"),
        (Recipe(8, 600, 0, "euler"), {"max_steps": 4}, "recipe.steps"),
    ],
)
def test_a_file_cannot_set_unbounded_model_compute(small_photo, recipe, limits, field, monkeypatch):
    from pcimg.backends import diffusion

    monkeypatch.setattr(diffusion, "load", lambda *a: (_ for _ in ()).throw(AssertionError("loaded a model")))
    store.configure(**limits)
    pci = pcimg.encode_pci(small_photo, prompt="parrots", generator=SD_ID, recipe=recipe, max_bytes=300)
    with pytest.raises(PciError, match="max_") as err:
        pcimg.decode(pci)
    assert err.value.field == field
