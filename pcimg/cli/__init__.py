"""The `pcimg` command line: one module per group of sub-commands, the table in ``main``."""

from .common import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from .main import build_parser, main

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]
