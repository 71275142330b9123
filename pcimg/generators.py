"""Which generator decodes a file: the manifest names it, the user's configuration finds it.

A .pci may only *name* a generator. Names resolve to code that is already installed
(the embedded generator, or a back-end the user enabled); nothing is fetched.
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from .backends.diffusion import resolver as diffusers_resolver
from .codec.parametric import render
from .errors import PciError
from .format.container import ModelRef, PciFile


class Generator(Protocol):
    def __call__(self, pci: PciFile, size: tuple[int, int] | None, max_pixels: int | None) -> Image.Image: ...


def _embedded(ref: ModelRef) -> Generator | None:
    if ref.id != "pcimg/parametric":
        return None
    return lambda pci, size, max_pixels: render(pci, size, max_pixels=max_pixels)


def resolve(ref: ModelRef) -> Generator:
    """The embedded generator, or the diffusers back-end for a model id; PciError otherwise."""
    for resolver in (_embedded, diffusers_resolver):
        found = resolver(ref)
        if found is not None:
            return found
    raise PciError(f"no back-end can run generator {ref.id}", field="models.generator")
