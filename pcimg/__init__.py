"""pcimg: the reference implementation of the .pci prompt-compressed image format."""

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
from .api import decode, encode, encode_file, preview
from .errors import PciError

__version__ = "0.1.0"

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
    "decode",
    "encode",
    "encode_file",
    "parse",
    "preview",
    "read",
    "save",
    "write",
    "__version__",
]
