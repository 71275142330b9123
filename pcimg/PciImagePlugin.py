"""Pillow plugin for .pci: ``Image.open("x.pci")``, ``img.save("x.pci")``, ``draft`` previews.

``Image.open`` checks signature, version, CRC and header (size, mode) and nothing more, as
Pillow's own plugins read only a header there. The parts are parsed on first use of ``info``
or on ``load()``; pixels are generated on ``load()`` by the generator the file names, as
configured with ``configure()``. ``draft(mode, size)`` switches to the embedded base layer at
that size: the fast path that ``Image.thumbnail`` takes.

Errors follow Pillow's split: SyntaxError for "not a .pci", ``PciImageError`` (an ``OSError``
that is also a ``pcimg.PciError``) for a damaged one, so ``ImageFile.Parser`` waits for more
data and services that catch ``OSError`` catch it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import IO, Any

from PIL import Image, ImageFile

from .api import decode, encode, preview
from .errors import PciError
from .format.container import PciFile, parse, parse_header, read_bytes
from .format.registry import SIGNATURE

FORMAT = "PCI"
DESCRIPTION = "Prompt-compressed image"
MIME_TYPE = "image/x-pci"
EXTENSION = ".pci"


@dataclass(frozen=True)
class DecodeSettings:
    """How ``load()`` decodes. Model folders and device: ``pcimg.configure_models``."""

    generator: str | None = None  # None: the generator the file names (see ``models``)
    # Run a model generator a file names? Off by default: a thumbnailing service that opens
    # untrusted files must not start model inference (minutes, GBs) for each; such files then
    # load with the embedded generator, which every .pci carries a base layer for.
    models: bool = False


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


class PciImageError(PciError, OSError):
    """A damaged .pci met through Pillow: Pillow's OSError and pcimg's PciError at once."""


def _as_image_error(exc: PciError) -> PciImageError:
    return PciImageError(exc.reason, field=exc.field, offset=exc.offset)


def _accept(prefix: bytes) -> bool:
    return prefix[: len(SIGNATURE)] == SIGNATURE


class PciImageFile(ImageFile.ImageFile):
    format = FORMAT
    format_description = DESCRIPTION
    _pci: PciFile | None = None
    _data: bytes = b""

    def _open(self) -> None:
        assert self.fp is not None
        data = read_bytes(self.fp)
        if not _accept(data):
            raise SyntaxError("not a .pci file")
        try:
            width, height, colour = parse_header(data)
        except PciError as exc:
            raise _as_image_error(exc) from None
        self._data = data
        self._draft = False
        self._size = (width, height)
        self._mode = "RGB" if colour == "rgb" else "L"
        self.tile = []

    @property  # type: ignore[override]
    def info(self) -> dict[str, Any]:
        """Pillow's ``info``, filled from the parts on first use (prompt, seed, models, metadata)."""
        if self._data and self._pci is None:
            self.pci  # noqa: B018 (parsing fills info)
        return self._info

    @info.setter
    def info(self, value: dict[str, Any]) -> None:
        self._info = value

    @property
    def pci(self) -> PciFile:
        """The parsed file; a damaged part raises ``PciImageError`` here."""
        if self._pci is None:
            try:
                self._pci = parse(self._data)
            except PciError as exc:
                raise _as_image_error(exc) from None
            self._info.update(info_for(self._pci))
        return self._pci

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
            pci = self.pci
            try:
                generator = _settings.generator
                if generator is None and not _settings.models and not pci.generator.id.startswith("pcimg/"):
                    generator = "parametric"
                # Pillow's own limit (checked at open on the file's size) bounds the decode too
                limit = 2 * Image.MAX_IMAGE_PIXELS if Image.MAX_IMAGE_PIXELS else None
                if self._draft:
                    image = preview(pci, size=self.size, max_pixels=limit)
                else:
                    image = decode(pci, size=self.size, generator=generator, max_pixels=limit)
            except PciError as exc:
                raise _as_image_error(exc) from None
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
    options = {
        k: im.encoderinfo[k]
        for k in ("prompt", "captioner", "max_bytes", "seed", "seed_search", "texture", "digest", "base")
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
