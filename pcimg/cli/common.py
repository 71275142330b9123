"""What the sub-commands share: exit codes, progress, output naming, model options."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PIL import Image

from ..backends.store import configure
from ..errors import PciError
from ..format.container import from_text, to_text
from ..primitives.atomic import atomic_open

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

T = TypeVar("T")


STDIO = "-"
_write_line: Callable[[str], None] | None = None  # set while a progress bar is drawn


class UsageError(Exception):
    """A command line that cannot be carried out as given (exit 2)."""


def progress_of(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """tqdm over ``total`` items when installed and there is more than one; plain iteration
    (with a count on standard error) otherwise."""
    global _write_line
    if total < 2:
        yield from items
        return
    try:
        from tqdm import tqdm  # optional: in the ml and bench extras
    except ImportError:
        for index, item in enumerate(items, 1):
            print(f"{label} {index}/{total}", file=sys.stderr)
            yield item
        return
    _write_line = tqdm.write
    try:
        yield from tqdm(items, desc=label, unit="img", total=total)
    finally:
        _write_line = None


def add_batch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=bounded_int(1), help="worker processes (default: all cores; 1 with - "
                   "for standard input or output)")  # fmt: skip
    p.add_argument("--skip-existing", action="store_true", help="leave outputs that already exist alone (resume)")
    p.add_argument("--engine", choices=("local", "ray"), default="local", help="local worker processes (default) "
                   "or Ray tasks (the ray extra); with ray, paths must be visible to every node")  # fmt: skip
    p.add_argument("--address", help="with --engine ray: a running cluster (default: start a local one)")


def say(line: str, *, to_stderr: bool = False) -> None:
    """A result line, written through the progress bar when one is drawn (no bar fragments)."""
    stream = sys.stderr if to_stderr else sys.stdout
    if _write_line is not None:
        _write_line(line, file=stream)  # type: ignore[call-arg]
    else:
        print(line, file=stream)


def bounded_int(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer in lo..hi (a usage error, exit 2, otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < lo or (hi is not None and value > hi):
            raise argparse.ArgumentTypeError(f"{value} outside {lo}..{'' if hi is None else hi}")
        return value

    return parse


def bounded_float(lo: float, hi: float) -> Callable[[str], float]:
    """An argparse type: a finite number in lo..hi."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not lo <= value <= hi:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{value} outside {lo}..{hi}")
        return value

    return parse


def parse_colour(text: str) -> tuple[int, int, int]:
    """``RRGGBB`` (or ``#RRGGBB``) hex -> (r, g, b)."""
    digits = text.removeprefix("#")
    if len(digits) != 6 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise argparse.ArgumentTypeError(f"colour must look like ffffff or #00ff80, not {text!r}")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 768x512, not {text!r}") from None
    return width, height


def save_image(image: Image.Image, path: Path) -> None:
    """Atomic save; the format follows the extension (PNG when unknown)."""
    fmt = Image.registered_extensions().get(path.suffix.lower(), "PNG")
    with atomic_open(path) as handle:
        image.save(handle, format=fmt)


def outputs(inputs: list[Path], output: str | None, suffix: str) -> list[tuple[Path, Path]]:
    """(input, output) pairs, or UsageError. ``-`` is standard input or output.

    Without ``-o`` each output goes beside its input (``photos/a.png`` -> ``photos/a.pci``), as
    gzip does; standard input goes to standard output. With ``-o``: an existing folder or a path
    ending in ``/`` is a folder (created when missing); otherwise one input writes that file, and
    several inputs are a usage error. Two inputs never map to one output.
    """
    if sum(str(p) == STDIO for p in inputs) > 1:
        raise UsageError("standard input (-) can be read once")
    if output is None:
        pairs = [(p, Path(STDIO) if str(p) == STDIO else p.with_name(p.stem + suffix)) for p in inputs]
    elif output == STDIO:
        if len(inputs) > 1:
            raise UsageError("one input only when writing to standard output (-o -)")
        pairs = [(inputs[0], Path(STDIO))]
    elif output.endswith(("/", os.sep)) or Path(output).is_dir():
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        pairs = [(p, folder / (("stdin" if str(p) == STDIO else p.stem) + suffix)) for p in inputs]
    elif len(inputs) == 1:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        pairs = [(inputs[0], Path(output))]
    else:
        raise UsageError(f"{len(inputs)} inputs need a folder for -o (an existing one, or end it with /), not {output}")
    seen: dict[Path, Path] = {}
    for source, target in pairs:
        if str(target) == STDIO:
            continue
        key = target.resolve()
        if key in seen:
            raise UsageError(f"{seen[key]} and {source} would both be written to {target}; rename one or use "
                             "separate runs")  # fmt: skip
        seen[key] = source
    return pairs


def add_form_args(p: argparse.ArgumentParser, verb: str) -> None:
    p.add_argument("--bare", action="store_true", help=f"{verb} the bare form (no signature, no CRC: spec/SPEC.md "
                   "5.5) for a host that keeps identity and integrity itself")  # fmt: skip
    p.add_argument("--text", action="store_true", help="with --bare: as base64url text (one line)")


@dataclass(frozen=True)
class Form:
    """The file form, the bare form, or the bare form as base64url text: how bytes go in and out."""

    bare: bool = False
    text: bool = False

    @classmethod
    def of(cls, args: argparse.Namespace) -> Form:
        if args.text and not args.bare:
            raise UsageError("--text needs --bare (a .pci file is binary)")
        return cls(args.bare, args.text)

    @property
    def suffix(self) -> str:
        return ".bare.txt" if self.text else ".bare" if self.bare else ".pci"

    def dump(self, data: bytes) -> bytes:
        return (to_text(data) + "\n").encode("ascii") if self.text else data

    def load(self, stored: bytes) -> bytes:
        """Bytes as stored -> the form's bytes; text may carry surrounding whitespace."""
        if not self.text:
            return stored
        try:
            return from_text(stored.decode("ascii").strip())
        except UnicodeDecodeError as exc:
            raise PciError("base64url text holds a non-ASCII byte", field="text", offset=exc.start) from None


def add_model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model-dir", type=Path, action="append", help="folder of models laid out by id (repeatable)")
    p.add_argument("--device", help="cpu, cuda, mps ... for model back-ends")
    p.add_argument("--dtype", choices=("float32", "float16", "bfloat16"), help="model precision")
    p.add_argument("--no-hf-cache", action="store_true", help="do not look in the Hugging Face cache")
    p.add_argument("--max-steps", type=bounded_int(1), help="most denoising steps a file may ask for (default 50)")
    p.add_argument("--max-work-pixels", type=bounded_int(1), help="largest model working size in pixels (default 1 MP)")


def configure_models(args: argparse.Namespace) -> None:
    changes: dict[str, object] = {}
    if args.model_dir:
        changes["model_dirs"] = args.model_dir
    if args.device:
        changes["device"] = args.device
    if args.dtype:
        changes["dtype"] = args.dtype
    if args.no_hf_cache:
        changes["use_hf_cache"] = False
    if args.max_steps:
        changes["max_steps"] = args.max_steps
    if args.max_work_pixels:
        changes["max_work_pixels"] = args.max_work_pixels
    if changes:
        configure(**changes)
