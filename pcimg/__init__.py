"""pcimg: the reference implementation of the .pci prompt-compressed image format.

``import pcimg`` registers the format with Pillow: ``Image.open("x.pci")`` (and imageio, which
uses Pillow) reads .pci files only after it. Pillow has no plugin discovery, so there is no
safe automatic registration; one ``import pcimg`` is the whole setup.
Layers, each importing only those above it in this list:
``errors``, ``primitives`` (range coder, PRNG, atomic writes), ``format`` (registries, the
construct schema, prompt coding, ``PciFile``), ``codec`` (the embedded image codec),
``backends`` (transformers, diffusers), ``generators`` and ``api``, ``validate``,
``PciImagePlugin``, ``cli`` and ``bench``.
"""

from . import PciImagePlugin as _plugin
from .api import decode, encode, encode_pci, preview, rebudget
from .backends.store import configure as configure_models
from .errors import PciError
from .format.container import (
    DecodeDigest,
    Descriptor,
    EncoderInfo,
    ModelRef,
    PciFile,
    Prompt,
    RawPart,
    Recipe,
    SourceInfo,
    from_text,
    parse,
    read,
    save,
    to_text,
    write,
)

__version__ = "0.1.0"

_plugin.register()
configure_pillow = _plugin.configure

__all__ = [
    "DecodeDigest",
    "Descriptor",
    "EncoderInfo",
    "ModelRef",
    "PciError",
    "PciFile",
    "Prompt",
    "RawPart",
    "Recipe",
    "SourceInfo",
    "__version__",
    "configure_models",
    "configure_pillow",
    "decode",
    "encode",
    "encode_pci",
    "from_text",
    "parse",
    "preview",
    "read",
    "rebudget",
    "save",
    "to_text",
    "write",
]
