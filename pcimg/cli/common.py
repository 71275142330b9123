"""What the sub-commands share: exit codes, progress, output naming, model options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from PIL import Image

from ..backends.store import configure
from ..primitives.atomic import atomic_open

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

T = TypeVar("T")


def progress(items: list[T], label: str) -> Iterator[T]:
    """tqdm when installed and there is more than one item; plain iteration otherwise."""
    if len(items) < 2:
        yield from items
        return
    try:
        from tqdm import tqdm  # optional: in the ml and bench extras
    except ImportError:
        for index, item in enumerate(items, 1):
            print(f"{label} {index}/{len(items)}", file=sys.stderr)
            yield item
        return
    yield from tqdm(items, desc=label, unit="img")


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


def outputs(inputs: list[Path], output: Path | None, suffix: str) -> list[tuple[Path, Path]]:
    """(input, output) pairs: one named output for one input, else a folder of ``stem + suffix``."""
    if len(inputs) == 1 and output is not None and not output.is_dir():
        return [(inputs[0], output)]
    folder = output or Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    return [(p, folder / (p.stem + suffix)) for p in inputs]


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
