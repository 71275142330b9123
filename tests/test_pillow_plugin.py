"""The Pillow plugin against real Pillow behaviour."""

from __future__ import annotations

import io
import json
import pickle
import threading
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile, UnidentifiedImageError

import pcimg
from pcimg import PciError, PciImagePlugin
from pcimg.format.registry import SIGNATURE
from pcimg.format.schema import encode_varint


@pytest.fixture(scope="module")
def pci_path(tmp_path_factory, photo):
    path = tmp_path_factory.mktemp("pci") / "parrots.pci"
    path.write_bytes(pcimg.encode(photo, max_bytes=491, prompt="two parrots", seed=3))
    return path


def test_open_reads_the_container_without_decoding(pci_path):
    with Image.open(pci_path) as im:
        assert im.format == "PCI" and im.format_description == "Prompt-compressed image"
        assert im.size == (768, 512) and im.mode == "RGB"
        assert im.info["prompt"] == "two parrots" and im.info["seed"] == 3
        assert im.info["generator"] == "pcimg/parametric"
        assert im.info["descriptor_kinds"] == [3]
        assert im.info["models"] == []  # a person's prompt names no captioner (SPEC 6.1, format 1.4)
        assert im._im is None  # no pixels yet
        assert Image.MIME["PCI"] == "image/x-pci"


def test_load_equals_pcimg_decode_and_closes_the_file(pci_path):
    im = Image.open(pci_path)
    im.load()
    assert im.fp is None
    assert np.array_equal(np.asarray(im), np.asarray(pcimg.decode(pci_path)))


def test_copy_convert_and_file_objects(pci_path):
    data = pci_path.read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        assert im.copy().size == (768, 512)
        assert im.convert("L").mode == "L"


class OneWayStream(io.RawIOBase):
    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def seekable(self) -> bool:
        return False


def test_non_seekable_stream(pci_path):
    with Image.open(OneWayStream(pci_path.read_bytes())) as im:
        assert im.size == (768, 512)
        im.load()


def test_thumbnail_takes_the_draft_base_layer(pci_path):
    with Image.open(pci_path) as im:
        im.thumbnail((128, 128))
        assert im.size == (128, 85)
        assert im._draft is True
    full = pcimg.preview(pci_path, size=(256, 171)).resize((128, 85), Image.BICUBIC)
    assert np.abs(np.asarray(im, dtype=int) - np.asarray(full, dtype=int)).mean() < 4


def test_draft_gives_the_requested_size(pci_path):
    with Image.open(pci_path) as im:
        assert im.draft("RGB", (200, 100)) == ("RGB", (0, 0, 200, 133))
        assert im.size == (200, 133)
        im.load()
        assert im.size == (200, 133)


def test_save_by_extension_and_with_options(tmp_path, small_photo):
    small_photo.save(tmp_path / "a.pci")
    assert pcimg.read(tmp_path / "a.pci").width == 192
    buffer = io.BytesIO()
    small_photo.save(buffer, "PCI", prompt="parrots", max_bytes=200, seed=9)
    pci = pcimg.read(buffer.getvalue())
    assert len(buffer.getvalue()) <= 200 and pci.prompt.text == "parrots" and pci.seed == 9


def test_foreign_data_is_unidentified():
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(b"GIF89a" + bytes(40)))


def test_damaged_pci_raises_an_oserror_that_is_a_pci_error(pci_path):
    data = bytearray(pci_path.read_bytes())
    data[30] ^= 0xFF
    with pytest.raises(OSError, match="CRC-32 mismatch") as err:
        Image.open(io.BytesIO(bytes(data)))
    assert isinstance(err.value, PciError) and err.value.field == "crc" and err.value.offset == len(data) - 4


def test_a_damaged_part_behind_a_valid_crc_surfaces_on_first_use():
    # a model-coded prompt part whose declared length (5) differs from what the payload holds
    body = SIGNATURE + bytes([1, 0]) + encode_varint(8) + encode_varint(8) + bytes([0, 0])
    body += bytes([0x04, 4, 3, 5, 0x00, 0x11])
    data = body + zlib.crc32(body).to_bytes(4, "big")
    with pytest.raises(PciError):
        pcimg.read(data)
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (8, 8)  # open reads the header only
        assert im.info.get("icc_profile") is None  # a key no .pci holds: the parts stay unread
        with pytest.raises(OSError) as err:
            im.info["prompt"]
        assert isinstance(err.value, PciError) and err.value.field.startswith("prompt")
        with pytest.raises(OSError):
            dict(im.info)  # still unread: raises again
        with pytest.raises(OSError):
            im.load()


def test_info_reads_the_parts_once_on_first_use_and_equals_info_for(pci_path, monkeypatch):
    data = pci_path.read_bytes()
    expected = PciImagePlugin.info_for(pcimg.read(data))
    parses = []
    parse = PciImagePlugin.parse
    monkeypatch.setattr(PciImagePlugin, "parse", lambda d: parses.append(1) or parse(d))
    with Image.open(io.BytesIO(data)) as im:
        info = im.info
        assert info.get("icc_profile") is None and "exif" not in info and "transparency" not in info
        assert parses == []  # Pillow's generic keys: no parse
        assert info["prompt"] == "two parrots" and parses == [1]
        assert info == expected and dict(info) == expected and {**info} == expected and len(info) == len(expected)
        im.load()
        assert parses == [1]  # the image and its info share one parse
        assert im.copy().info == expected and type(im.copy().info) is dict
    with Image.open(io.BytesIO(data)) as im:  # the C json encoder reads a dict subclass's storage size first
        assert json.loads(json.dumps(im.info)) == json.loads(json.dumps(expected))
    for first_use in (len, list, repr, lambda i: i.items(), lambda i: i == {}, lambda i: i.copy()):
        with Image.open(io.BytesIO(data)) as im:
            first_use(im.info)
            assert dict.__len__(im.info) == len(expected)  # whatever the first use, the parts are in
    with Image.open(io.BytesIO(data)) as im:
        im.info["note"] = "mine"  # a change reads the parts first: they never overwrite it
        im.info["seed"] = 99
        assert im.info == {**expected, "seed": 99, "note": "mine"}
        assert pickle.loads(pickle.dumps(im.info)) == im.info


@pytest.mark.parametrize("chunk", [1, 50, 4096])
def test_incremental_parser_reads_a_pci_fed_in_chunks(pci_path, chunk):
    data = pci_path.read_bytes()
    parser = ImageFile.Parser()
    for start in range(0, len(data), chunk):
        parser.feed(data[start : start + chunk])
    image = parser.close()
    assert image.size == (768, 512) and image.info["prompt"] == "two parrots"
    assert np.array_equal(np.asarray(image), np.asarray(pcimg.decode(data)))


def test_incremental_parser_on_a_truncated_pci_raises_oserror(pci_path):
    parser = ImageFile.Parser()
    parser.feed(pci_path.read_bytes()[:-10])
    with pytest.raises(OSError):
        parser.close()


def test_huge_declared_size_trips_the_bomb_guard():
    body = SIGNATURE + bytes([1, 0]) + encode_varint(16384) + encode_varint(16384) + bytes([0, 0, 0x04, 2, 0, 120])
    data = body + zlib.crc32(body).to_bytes(4, "big")
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(data))


def test_configured_generator_is_used_on_load(tmp_path):
    pci = pcimg.PciFile(16, 8, models=(pcimg.ModelRef("generator", "acme/gen"),), prompt=pcimg.Prompt.from_text("x"))
    path = tmp_path / "g.pci"
    pcimg.save(pci, path)
    with Image.open(path) as im:
        im.load()  # by default a named model is not run: the embedded generator decodes
        assert np.array_equal(np.asarray(im), np.asarray(pcimg.decode(path, generator="parametric")))
    try:
        pcimg.configure_pillow(models=True)
        with Image.open(path) as im, pytest.raises(PciError, match="acme/gen"):
            im.load()
        pcimg.configure_pillow(generator="parametric")
        with Image.open(path) as im:
            im.load()
            assert im.size == (16, 8)
    finally:
        pcimg.configure_pillow(generator=None, models=False)


def _unregister() -> None:
    for table in (Image.OPEN, Image.SAVE, Image.MIME):
        table.pop("PCI", None)
    for extension in [e for e, f in Image.EXTENSION.items() if f == "PCI"]:
        del Image.EXTENSION[extension]
    while "PCI" in Image.ID:
        Image.ID.remove("PCI")
    PciImagePlugin._registered = False


def test_registration_from_scratch_is_idempotent_and_thread_safe(pci_path):
    _unregister()
    try:
        with pytest.raises(UnidentifiedImageError):
            Image.open(pci_path)
        barrier = threading.Barrier(8)

        def register() -> None:
            barrier.wait()
            PciImagePlugin.register()

        threads = [threading.Thread(target=register) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert Image.ID.count("PCI") == 1
        assert Image.EXTENSION[".pci"] == "PCI" and Image.MIME["PCI"] == "image/x-pci"
        with Image.open(pci_path) as im:
            assert im.format == "PCI"
    finally:
        PciImagePlugin.register()


def test_imageio_reads_pci(pci_path):
    import imageio.v3 as iio

    array = iio.imread(pci_path)
    assert array.shape == (512, 768, 3)
    assert np.array_equal(array, np.asarray(pcimg.decode(pci_path)))


def test_pillow_load_honours_max_image_pixels(pci_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)  # 768x512 is 3.9x this: Pillow refuses at open
    with pytest.raises(Image.DecompressionBombError):
        Image.open(pci_path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 300_000)  # within 2x: Pillow warns, pcimg decodes
    with pytest.warns(Image.DecompressionBombWarning), Image.open(pci_path) as im:
        im.load()
        assert im.size == (768, 512)
