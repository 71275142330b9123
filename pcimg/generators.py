"""Which generator decodes a file: the manifest names it, the user's configuration finds it.

A .pci may only *name* a generator. Names resolve to code that is already installed
(the embedded generator, or a back-end the user enabled); nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PIL import Image

from .container import ModelRef, PciFile
from .errors import PciError


class Generator(Protocol):
    def __call__(self, pci: PciFile, size: tuple[int, int] | None) -> Image.Image: ...


Resolver = Callable[[ModelRef], Generator | None]
_RESOLVERS: list[Resolver] = []


def _embedded(ref: ModelRef) -> Generator | None:
    if ref.id != "pcimg/parametric":
        return None
    from .codec.parametric import render

    return lambda pci, size: render(pci, size)


def add_resolver(resolver: Resolver) -> None:
    """Let a back-end claim model ids (e.g. the diffusers back-end for hub ids)."""
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)


def resolve(ref: ModelRef) -> Generator:
    from .backends.diffusion import resolver as diffusers_resolver

    for resolver in (_embedded, *_RESOLVERS, diffusers_resolver):
        found = resolver(ref)
        if found is not None:
            return found
    raise PciError(f"no back-end can run generator {ref.id}", field="models.generator")
