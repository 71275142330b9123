"""`pcimg encode` and `pcimg decode`: images to .pci files and back."""

from __future__ import annotations

import argparse
import functools
import io
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np
from PIL import Image, ImageDraw

from ..api import decode, encode, preview, rebudget
from ..codec.parametric import DEFAULT_MAX_PIXELS
from ..codec.prepare import AlphaFlattenedWarning
from ..codec.rebudget import METHODS
from ..distributed import ray_ordered_map
from ..errors import PciError
from ..format.container import PciFile, Recipe, parse, read_bytes
from ..primitives.atomic import atomic_open
from ..primitives.printable import printable
from .common import (
    EXIT_INVALID,
    EXIT_OK,
    STDIO,
    Form,
    add_batch_args,
    add_form_args,
    add_model_args,
    bounded_float,
    bounded_int,
    configure_models,
    outputs,
    parse_colour,
    parse_size,
    progress_of,
    save_image,
    say,
)
from .parallel import default_jobs, ordered_map


def encode_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", type=Path, help="images to encode; - reads standard input")
    p.add_argument("-o", "--output", help="output .pci (one input), a folder (existing, or ending in /), or - for "
                   "standard output; default: beside each input")  # fmt: skip
    p.add_argument("--max-bytes", type=bounded_int(1), help="ceiling for the whole file, prompt included (default "
                   "600); the file is smaller when the descriptors run out of detail to code or the prompt is "
                   "short")  # fmt: skip
    p.add_argument("--prompt", help="use this prompt instead of a captioner")
    p.add_argument(
        "--captioner",
        default="descriptor",
        help="descriptor (default), efficientnet, transformers (with --captioner-model) or none",
    )
    p.add_argument("--captioner-model", metavar="ID_OR_DIR", help="image-to-text model for --captioner transformers")
    p.add_argument("--caption-max-tokens", type=bounded_int(1, 512), default=30, help="longest caption, in tokens")
    p.add_argument("--caption-beams", type=bounded_int(1, 64), default=3, help="beam search width for the captioner")
    p.add_argument("--generator", default="parametric", help="parametric (default) or diffusers")
    p.add_argument("--generator-model", metavar="ID_OR_DIR", help="diffusers model that must decode the file")
    p.add_argument("--steps", type=bounded_int(1, 1000), help="recipe: denoising steps")
    p.add_argument("--strength", type=bounded_float(0.0, 1.0), help="recipe: img2img strength, 0..1")
    p.add_argument("--guidance", type=bounded_float(0.0, 100.0), help="recipe: guidance scale")
    p.add_argument("--scheduler", help="recipe: scheduler name (see spec/SPEC.md)")
    p.add_argument("--pin-digest", action="store_true", help="store the SHA-256 of the model weights")
    add_model_args(p)
    add_batch_args(p)
    p.add_argument("--seed", type=bounded_int(0, 2**64 - 1), help="seed for the decoder's detail noise")
    p.add_argument("--seed-search", type=bounded_int(1, 4096), default=1, metavar="N",
                   help="try N seeds, keep the closest decode")  # fmt: skip
    texture = p.add_mutually_exclusive_group()
    texture.add_argument("--texture", dest="texture", action="store_true", default=None,
                         help="add the texture descriptor (default: only with --base dct)")  # fmt: skip
    texture.add_argument("--no-texture", dest="texture", action="store_false", help="leave out the texture descriptor")
    p.add_argument("--base", choices=("wavelet", "embedded", "dct"), default="wavelet",
                   help="base layer: wavelet (descriptor kind 3, default), embedded (kind 5: progressive, "
                   "'pcimg rebudget' cuts it in microseconds) or dct (kind 1, pcimg 0.x)")  # fmt: skip
    p.add_argument("--digest", action="store_true", help="store a digest of the reference decode")
    p.add_argument("--alternates", type=parse_sizes, default=(), metavar="N[,N...]",
                   help="also store a smaller encode's base layer for each whole-file size N, so that "
                   "'pcimg rebudget' to N re-frames instead of re-encoding (SPEC.md 6.9)")  # fmt: skip
    add_form_args(p, "write")
    p.add_argument("--declared-size", type=parse_declared, metavar="WxH|N", help="the size the file states "
                   "(default: the image's), or a long side N with its aspect ratio; a placeholder can state a "
                   "small one, e.g. 96")  # fmt: skip
    p.add_argument(
        "--background",
        type=parse_colour,
        default=(255, 255, 255),
        metavar="RRGGBB",
        help="colour transparent images are flattened onto (.pci has no alpha; default ffffff)",
    )


def parse_sizes(text: str) -> tuple[int, ...]:
    """``147,21`` -> (147, 21)."""
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes in bytes separated by commas, not {text!r}") from None


def parse_declared(text: str) -> tuple[int, int] | int:
    return int(text) if text.isdigit() else parse_size(text)


def _recipe(args: argparse.Namespace) -> Recipe | None:
    if all(v is None for v in (args.steps, args.strength, args.guidance, args.scheduler)):
        return None
    return Recipe(
        steps=args.steps or 0,
        strength_permille=round(1000 * args.strength) if args.strength is not None else 0,
        guidance_tenths=round(10 * args.guidance) if args.guidance is not None else 0,
        scheduler=args.scheduler or "default",
    )


def encode_images(args: argparse.Namespace) -> int:
    """Encode images into .pci files."""
    configure_models(args)
    if args.generator not in ("parametric", "diffusers"):
        raise PciError(f"--generator must be parametric or diffusers, not {args.generator!r}", field="generator")
    if args.generator == "diffusers" and not args.generator_model:
        raise PciError("--generator diffusers needs --generator-model ID_OR_DIR", field="generator")
    options = {
        "prompt": args.prompt,
        "captioner": args.captioner,
        "max_bytes": args.max_bytes,
        "seed": args.seed,
        "seed_search": args.seed_search,
        "texture": args.texture,
        "base": args.base,
        "digest": args.digest,
        "background": args.background,
        "captioner_model": args.captioner_model,
        "caption_max_tokens": args.caption_max_tokens,
        "caption_beams": args.caption_beams,
        "generator": args.generator_model if args.generator == "diffusers" else None,
        "recipe": _recipe(args),
        "pin_digest": args.pin_digest,
        "bare": args.bare,
        "declared_size": args.declared_size,
        "alternates": args.alternates,
    }
    form = Form.of(args)
    pairs = outputs(args.inputs, args.output, form.suffix)
    return run_batch(pairs, "encode", EncodeJob(options, form), args)


@dataclass(frozen=True)
class EncodeJob:
    """Encode one input and write its .pci: picklable, so worker processes can run it."""

    options: dict
    form: Form = field(default_factory=Form)

    def __call__(self, pair: tuple[Path, Path]) -> Outcome:
        source, target = pair
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AlphaFlattenedWarning)
            try:
                data = encode(open_input(source), **self.options)
            except PciError as exc:
                return Outcome.failed(f"{source}: {exc}")
        notes = [(f"{source}: warning: {w.message}", True) for w in caught]
        written = _store(target, lambda: write_output(target, self.form.dump(data)))
        return written if written else Outcome(EXIT_OK, [*notes, _done(source, target, f"{len(data)} bytes")])


def decode_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", type=Path, help=".pci files; - reads standard input")
    p.add_argument("-o", "--output", help="output image (one input), a folder (existing, or ending in /), or - for "
                   "standard output (PNG); default: beside each input")  # fmt: skip
    p.add_argument("--size", type=parse_size, help="output size WxH (default: the file's)")
    p.add_argument("--generator", help="override the generator, e.g. parametric for a preview")
    p.add_argument("--draft", action="store_true", help="base layer only (fast preview)")
    p.add_argument("--compare", type=Path, help="also write a side-by-side picture here")
    p.add_argument("--original", type=Path, help="original image for --compare")
    p.add_argument("--verify", action="store_true", help="check the decode against the file's digest")
    p.add_argument("--max-pixels", type=bounded_int(0), default=DEFAULT_MAX_PIXELS,
                   help=f"largest output in pixels, 0 for no limit (default {DEFAULT_MAX_PIXELS})")  # fmt: skip
    add_form_args(p, "read")
    add_model_args(p)
    add_batch_args(p)


def decode_files(args: argparse.Namespace) -> int:
    """Decode .pci files into images."""
    configure_models(args)
    job = DecodeJob(args.size, args.generator, args.draft, args.verify, args.compare, args.original,
                    args.max_pixels or None, Form.of(args))  # fmt: skip
    return run_batch(outputs(args.inputs, args.output, ".png"), "decode", job, args)


@dataclass(frozen=True)
class DecodeJob:
    """Decode one .pci and write its image: picklable, so worker processes can run it."""

    size: tuple[int, int] | None
    generator: str | None
    draft: bool
    verify: bool
    compare: Path | None
    original: Path | None
    max_pixels: int | None
    form: Form = field(default_factory=Form)

    def __call__(self, pair: tuple[Path, Path]) -> Outcome:
        source, target = pair
        try:
            data = self.form.load(read_bytes(open_input(source)))
            pci = parse(data, bare=self.form.bare)
            if self.draft:
                image = preview(pci, size=self.size, max_pixels=self.max_pixels)
            else:
                image = decode(pci, size=self.size, generator=self.generator, max_pixels=self.max_pixels)
            if self.verify:
                verify_digest(pci, image)
        except PciError as exc:
            return Outcome.failed(f"{source}: {exc}")

        def store() -> None:
            if str(target) == STDIO:
                buffer = io.BytesIO()
                image.save(buffer, "PNG")
                write_output(target, buffer.getvalue())
            else:
                save_image(image, target)
            if self.compare:
                original = Image.open(self.original) if self.original else None
                save_image(side_by_side(original, image, len(data)), self.compare)

        failed = _store(target, store)
        return failed if failed else Outcome(EXIT_OK, [_done(source, target, f"{image.width}x{image.height}")])


def rebudget_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "inputs", nargs="+", type=Path, help=".pci files (or bare forms with --bare); - reads standard input"
    )
    p.add_argument("-o", "--output", help="output (one input), a folder (existing, or ending in /), or - for standard "
                   "output; default: beside each input, named NAME.N.pci for --max-bytes N")  # fmt: skip
    p.add_argument("--max-bytes", type=bounded_int(1), required=True, help="ceiling for the new file")
    p.add_argument("--method", choices=METHODS, default="auto",
                   help="auto (default): cut an embedded stream, or re-encode well below the file's size where "
                   "that measured better; cut: always cut (under a millisecond); encode: always re-encode")  # fmt: skip
    add_form_args(p, "read and write")
    add_batch_args(p)


def rebudget_files(args: argparse.Namespace) -> int:
    """Make smaller .pci files from larger ones, without the original images."""
    form = Form.of(args)
    pairs = outputs(args.inputs, args.output, f".{args.max_bytes}{form.suffix}")
    return run_batch(pairs, "rebudget", RebudgetJob(args.max_bytes, form, args.method), args)


@dataclass(frozen=True)
class RebudgetJob:
    """Re-budget one file and write the result: picklable, so worker processes can run it."""

    max_bytes: int
    form: Form = field(default_factory=Form)
    method: str = "auto"

    def __call__(self, pair: tuple[Path, Path]) -> Outcome:
        source, target = pair
        try:
            data = self.form.load(read_bytes(open_input(source)))
            smaller = rebudget(data, self.max_bytes, bare=self.form.bare, method=self.method)
        except PciError as exc:
            return Outcome.failed(f"{source}: {exc}")
        written = _store(target, lambda: write_output(target, self.form.dump(smaller)))
        return written if written else Outcome(EXIT_OK, [_done(source, target, f"{len(data)} -> {len(smaller)} bytes")])


class Outcome(NamedTuple):
    """What one job reports: its exit status and the lines to print (text, to standard error)."""

    status: int
    lines: list[tuple[str, bool]]

    @classmethod
    def failed(cls, message: str) -> Outcome:
        return cls(EXIT_INVALID, [(printable(message), True)])


def _store(target: Path, store: Callable[[], None]) -> Outcome | None:
    """Run ``store``; an OSError becomes a failed outcome naming the output."""
    try:
        store()
    except OSError as exc:
        return Outcome.failed(f"{target}: cannot write: {exc.strerror or exc}")
    return None


def _done(source: Path, target: Path, summary: str) -> tuple[str, bool]:
    return f"{source} -> {target} ({summary})", str(target) == STDIO


def run_batch(
    pairs: list[tuple[Path, Path]], label: str, job: Callable[[tuple[Path, Path]], Outcome], args: argparse.Namespace
) -> int:
    """Run ``job`` on each (input, output) pair, on ``--jobs`` processes (or Ray tasks with
    ``--engine ray``), reporting in input order;
    a failing input or output is reported by name and the batch goes on; exit 1 at the end if
    anything failed. ``--skip-existing`` leaves outputs that exist alone (to resume a run)."""
    status = EXIT_OK
    if args.skip_existing:
        kept = [(s, t) for s, t in pairs if str(t) == STDIO or not t.exists()]
        for source, target in pairs:
            if (source, target) not in kept:
                say(f"{source} -> {target} (exists, skipped)")
        pairs = kept
    uses_stdio = any(STDIO in (str(s), str(t)) for s, t in pairs)
    if args.engine == "ray" and not uses_stdio:
        results = ray_ordered_map(job, pairs, args.address, setup=functools.partial(configure_models, args))
    else:
        jobs = 1 if uses_stdio else (args.jobs or default_jobs())
        results = ordered_map(job, pairs, jobs, initializer=configure_models, initargs=(args,))
    for outcome in progress_of(results, len(pairs), label):
        for line, to_stderr in outcome.lines:
            say(line, to_stderr=to_stderr)
        status = max(status, outcome.status)
    return status


def open_input(source: Path) -> Path | BinaryIO:
    """The path, or standard input's bytes for ``-``."""
    return io.BytesIO(sys.stdin.buffer.read()) if str(source) == STDIO else source


def write_output(target: Path, data: bytes) -> None:
    """Atomically to a file, or to standard output for ``-``."""
    if str(target) == STDIO:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with atomic_open(target) as handle:
        handle.write(data)


def verify_digest(pci: PciFile, image: Image.Image) -> None:
    """PciError unless the decode's pixels hash to the file's digest."""
    if pci.digest is None:
        raise PciError("file has no digest to verify against", field="digest")
    verdict = pci.digest.matches(np.asarray(image).tobytes())
    if verdict is None:
        raise PciError(f"digest algorithm {pci.digest.algorithm} is unknown to this reader", field="digest.algorithm")
    if not verdict:
        raise PciError(f"decode differs from the reference digest {pci.digest.value.hex()}", field="digest")


def side_by_side(original: Image.Image | None, decoded: Image.Image, size_bytes: int) -> Image.Image:
    """Original (if any) | decoded, with the byte count and bits per pixel written under it."""
    panels = [p.convert("RGB").resize(decoded.size) for p in ((original,) if original else ())] + [
        decoded.convert("RGB")
    ]
    bpp = 8 * size_bytes / (decoded.width * decoded.height)
    canvas = Image.new("RGB", (decoded.width * len(panels), decoded.height + 24), "white")
    for index, panel in enumerate(panels):
        canvas.paste(panel, (index * decoded.width, 0))
    draw = ImageDraw.Draw(canvas)
    if original:
        draw.text((6, decoded.height + 6), "original", fill="black")
    draw.text(
        ((len(panels) - 1) * decoded.width + 6, decoded.height + 6),
        f"pcimg: {size_bytes} bytes, {bpp:.4f} bpp",
        fill="black",
    )
    return canvas
