"""The `pcimg` command line. Exit codes: 0 ok, 1 invalid input, 2 usage."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from importlib.metadata import version

from ..errors import PciError
from ..primitives.printable import printable
from . import bench_command, codec_commands, inspect_commands
from .common import EXIT_INVALID, EXIT_USAGE, UsageError

EXIT_BROKEN_PIPE = 141  # what a shell reports for a process ended by SIGPIPE

Configure = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]

COMMANDS: dict[str, tuple[Configure, Run]] = {
    "encode": (codec_commands.encode_args, codec_commands.encode_images),
    "decode": (codec_commands.decode_args, codec_commands.decode_files),
    "rebudget": (codec_commands.rebudget_args, codec_commands.rebudget_files),
    "info": (inspect_commands.info_args, inspect_commands.info),
    "validate": (inspect_commands.validate_args, inspect_commands.validate_files),
    "bench": (bench_command.bench_args, bench_command.bench),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pcimg",
        description="Prompt-compressed images (.pci)",
        epilog="In Python, `import pcimg` registers .pci with Pillow: Image.open('x.pci') works after it.",
    )
    parser.add_argument("--version", action="version", version=f"pcimg {version('pcimg')}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (configure, run) in COMMANDS.items():
        p = sub.add_parser(name, help=(run.__doc__ or "").strip().splitlines()[0] if run.__doc__ else None)
        configure(p)
        p.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(printable(f"pcimg: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `pcimg info x.pci | head -1`: the reader is gone, stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not fail
        return EXIT_BROKEN_PIPE
    except PciError as exc:
        print(printable(f"pcimg: {exc}"), file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # an output that cannot be written, an input that cannot be read
        print(f"pcimg: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
