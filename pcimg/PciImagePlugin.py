"""Pillow plugin for .pci: ``Image.open("x.pci")``, ``img.save("x.pci")``, ``draft`` previews.

``Image.open`` only parses the container (size, mode, info); pixels are generated on
``load()`` by the generator the file names, as configured with ``configure()``.
``draft(mode, size)`` switches to the embedded base layer at that size: the fast path
that ``Image.thumbnail`` takes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import IO, Any

from PIL import Image, ImageFile

from .container import PciFile, parse, read_bytes
from .registry import SIGNATURE

FORMAT = "PCI"
DESCRIPTION = "Prompt-compressed image"
MIME_TYPE = "image/x-pci"
EXTENSION = ".pci"


@dataclass(frozen=True)
class DecodeSettings:
    """How ``load()`` decodes. Model folders and device: ``pcimg.configure_models``."""

    generator: str | None = None  # None: the generator the file names


_settings = DecodeSettings()
_lock = threading.Lock()
_registered = False


def configure(**changes: Any) -> DecodeSettings:
    """Set how Pillow decodes .pci files (e.g. ``configure(generator="parametric")``)."""
    global _settings
    with _lock:
        _settings = replace(_settings, **changes)
        return _settings


def settings() -> DecodeSettings:
    return _settings


def _accept(prefix: bytes) -> bool:
    return prefix[: len(SIGNATURE)] == SIGNATURE


class PciImageFile(ImageFile.ImageFile):
    format = FORMAT
    format_description = DESCRIPTION

    def _open(self) -> None:
        assert self.fp is not None
        data = read_bytes(self.fp)
        if not _accept(data):
            raise SyntaxError("not a .pci file")
        pci = parse(data)  # a damaged .pci raises PciError, with its message, out of Image.open
        self._pci: PciFile = pci
        self._draft = False
        self._size = (pci.width, pci.height)
        self._mode = "RGB" if pci.colour == "rgb" else "L"
        self.info.update(info_for(pci))
        self.tile = []

    def draft(self, mode: str | None, size: tuple[int, int] | None) -> tuple[str, tuple[int, int, float, float]] | None:
        """Base layer at (about) ``size``; resolution independent, so any size is exact."""
        if self._im is not None or self._draft:
            return None
        self._draft = True
        if mode == "L" and self.mode == "RGB":
            self._mode = "L"
        if not size:
            return self.mode, (0, 0, self.size[0], self.size[1])
        width, height = self.size
        scale = min(1.0, max(size[0] / width, size[1] / height))
        self._size = (max(1, round(width * scale)), max(1, round(height * scale)))
        return self.mode, (0, 0, width * self._size[0] / width, height * self._size[1] / height)

    def load(self) -> Any:
        if self._im is None:
            from .api import decode, preview

            if self._draft:
                image = preview(self._pci, size=self.size)
            else:
                image = decode(self._pci, size=self.size, generator=_settings.generator)
            if image.mode != self.mode:
                image = image.convert(self.mode)
            self.im = image.im
            if self._exclusive_fp and self.fp:
                self.fp.close()
            self.fp = None
        return Image.Image.load(self)


def info_for(pci: PciFile) -> dict[str, Any]:
    """What ``Image.info`` exposes (untrusted text, as all of ``info``)."""
    info: dict[str, Any] = {
        "seed": pci.seed,
        "generator": pci.generator.id,
        "models": [(m.role, m.id, m.revision) for m in pci.models],
        "descriptor_kinds": [d.kind for d in pci.descriptors],
        "pci_version": f"1.{pci.minor_version}",
    }
    if pci.prompt is not None:
        info["prompt"] = pci.prompt.text
    info.update({f"pci:{k}": v for k, v in pci.metadata})
    return info


def _save(im: Image.Image, fp: IO[bytes], filename: str | bytes) -> None:
    from .api import encode

    options = {
        k: im.encoderinfo[k]
        for k in ("prompt", "captioner", "max_bytes", "seed", "seed_search", "texture", "digest")
        if k in im.encoderinfo
    }
    fp.write(encode(im, **options))


def register() -> None:
    """Register the format with Pillow; safe to call again and from several threads."""
    global _registered
    with _lock:
        if _registered:
            return
        Image.register_open(FORMAT, PciImageFile, _accept)
        Image.register_save(FORMAT, _save)
        Image.register_extension(FORMAT, EXTENSION)
        Image.register_mime(FORMAT, MIME_TYPE)
        _registered = True
