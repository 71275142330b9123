"""pcimg: the reference implementation of the .pci prompt-compressed image format."""

from .api import decode, encode, encode_file, preview
from .container import (
    DecodeDigest,
    Descriptor,
    EncoderInfo,
    ModelRef,
    PciFile,
    Prompt,
    RawPart,
    Recipe,
    SourceInfo,
    parse,
    read,
    save,
    write,
)
from .errors import PciError

__version__ = "0.1.0"

from . import PciImagePlugin as _plugin

_plugin.register()
configure_pillow = _plugin.configure


def configure_models(**changes):
    """Where model weights may be loaded from, and how models run (see pcimg.backends.store)."""
    from .backends.store import configure

    return configure(**changes)


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
    "encode_file",
    "parse",
    "preview",
    "read",
    "save",
    "write",
]
