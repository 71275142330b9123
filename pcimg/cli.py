"""The `pcimg` command line. Exit codes: 0 ok, 1 invalid input, 2 usage."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import PciError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Command]] = {}


def command(name: str, configure: Callable[[argparse.ArgumentParser], None]):
    """Register a sub-command: ``configure`` adds its arguments, the function runs it."""

    def wrap(run: Command) -> Command:
        _COMMANDS[name] = (configure, run)
        return run

    return wrap


def _info_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help=".pci files")
    p.add_argument("--json", action="store_true", help="print JSON")


@command("info", _info_args)
def _info(args: argparse.Namespace) -> int:
    """Print every field of .pci files and the size of every part."""
    from .container import parse, read_bytes
    from .inspect import describe, render_text

    status = EXIT_OK
    results = []
    for path in args.files:
        try:
            data = read_bytes(path)
            info = describe(parse(data), file_size=len(data))
        except PciError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            status = EXIT_INVALID
            continue
        results.append({"file": str(path), **info})
        if not args.json:
            print(f"{path}:\n" + render_text(info))
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 and len(args.files) == 1 else results, indent=2))
    return status


def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help=".pci files")
    p.add_argument("--quiet", action="store_true", help="print only invalid files")


@command("validate", _validate_args)
def _validate(args: argparse.Namespace) -> int:
    """Check files against the spec; exit 0 when all are valid."""
    from .validate import validate

    verdicts = [validate(path) for path in args.files]
    for verdict in verdicts:
        if not (args.quiet and verdict.valid):
            print(verdict.render())
    bad = sum(not v.valid for v in verdicts)
    print(f"{len(verdicts) - bad} valid, {bad} invalid")
    return EXIT_OK if bad == 0 else EXIT_INVALID


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    _load_commands()
    parser = argparse.ArgumentParser(prog="pcimg", description="Prompt-compressed images (.pci)")
    parser.add_argument("--version", action="version", version=f"pcimg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (configure, run) in _COMMANDS.items():
        p = sub.add_parser(name, help=(run.__doc__ or "").strip().splitlines()[0] if run.__doc__ else None)
        configure(p)
        p.set_defaults(run=run)
    return parser


def _load_commands() -> None:
    """Import the modules that register further sub-commands."""
    from . import cli_codec  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except PciError as exc:
        print(f"pcimg: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # an output that cannot be written, an input that cannot be read
        print(f"pcimg: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
