"""`pcimg encode` and `pcimg decode`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from PIL import Image, ImageDraw

from .atomic import atomic_open
from .cli import EXIT_INVALID, EXIT_OK, command
from .errors import PciError

T = TypeVar("T")


def progress(items: list[T], label: str) -> Iterator[T]:
    """tqdm when installed and there is more than one item; plain iteration otherwise."""
    if len(items) < 2:
        yield from items
        return
    try:
        from tqdm import tqdm
    except ImportError:
        for index, item in enumerate(items, 1):
            print(f"{label} {index}/{len(items)}", file=sys.stderr)
            yield item
        return
    yield from tqdm(items, desc=label, unit="img")


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


def _outputs(inputs: list[Path], output: Path | None, suffix: str) -> list[tuple[Path, Path]]:
    if len(inputs) == 1 and output is not None and not output.is_dir():
        return [(inputs[0], output)]
    folder = output or Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    return [(p, folder / (p.stem + suffix)) for p in inputs]


def _encode_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", type=Path, help="images to encode")
    p.add_argument("-o", "--output", type=Path, help="output .pci (one input) or folder")
    p.add_argument("--max-bytes", type=int, help="exact budget for the whole file (default 600)")
    p.add_argument("--prompt", help="use this prompt instead of a captioner")
    p.add_argument(
        "--captioner",
        default="descriptor",
        help="descriptor (default), efficientnet, transformers (with --captioner-model) or none",
    )
    p.add_argument("--captioner-model", metavar="ID_OR_DIR", help="image-to-text model for --captioner transformers")
    p.add_argument("--caption-max-tokens", type=int, default=30, help="longest caption, in tokens")
    p.add_argument("--caption-beams", type=int, default=3, help="beam search width for the captioner")
    p.add_argument("--generator", default="parametric", help="parametric (default) or diffusers")
    p.add_argument("--generator-model", metavar="ID_OR_DIR", help="diffusers model that must decode the file")
    p.add_argument("--steps", type=int, help="recipe: denoising steps")
    p.add_argument("--strength", type=float, help="recipe: img2img strength, 0..1")
    p.add_argument("--guidance", type=float, help="recipe: guidance scale")
    p.add_argument("--scheduler", help="recipe: scheduler name (see spec/SPEC.md)")
    p.add_argument("--pin-digest", action="store_true", help="store the SHA-256 of the model weights")
    _model_args(p)
    p.add_argument("--seed", type=int, help="seed for the decoder's detail noise")
    p.add_argument("--seed-search", type=int, default=1, metavar="N", help="try N seeds, keep the closest decode")
    p.add_argument("--no-texture", action="store_true", help="leave out the texture descriptor")
    p.add_argument("--digest", action="store_true", help="store a digest of the reference decode")


def _model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model-dir", type=Path, action="append", help="folder of models laid out by id (repeatable)")
    p.add_argument("--device", help="cpu, cuda, mps ... for model back-ends")
    p.add_argument("--dtype", choices=("float32", "float16", "bfloat16"), help="model precision")
    p.add_argument("--no-hf-cache", action="store_true", help="do not look in the Hugging Face cache")


def _configure_models(args: argparse.Namespace) -> None:
    changes = {}
    if args.model_dir:
        changes["model_dirs"] = args.model_dir
    if args.device:
        changes["device"] = args.device
    if args.dtype:
        changes["dtype"] = args.dtype
    if args.no_hf_cache:
        changes["use_hf_cache"] = False
    if changes:
        from .backends.store import configure

        configure(**changes)


def _recipe(args: argparse.Namespace):
    from .container import Recipe

    if all(v is None for v in (args.steps, args.strength, args.guidance, args.scheduler)):
        return None
    return Recipe(
        steps=args.steps or 0,
        strength_permille=round(1000 * args.strength) if args.strength is not None else 0,
        guidance_tenths=round(10 * args.guidance) if args.guidance is not None else 0,
        scheduler=args.scheduler or "default",
    )


@command("encode", _encode_args)
def _encode(args: argparse.Namespace) -> int:
    """Encode images into .pci files."""
    from .api import encode

    _configure_models(args)
    if args.generator not in ("parametric", "diffusers"):
        raise PciError(f"--generator must be parametric or diffusers, not {args.generator!r}", field="generator")
    if args.generator == "diffusers" and not args.generator_model:
        raise PciError("--generator diffusers needs --generator-model ID_OR_DIR", field="generator")
    model_options = {
        "captioner_model": args.captioner_model,
        "caption_max_tokens": args.caption_max_tokens,
        "caption_beams": args.caption_beams,
        "generator": args.generator_model if args.generator == "diffusers" else None,
        "recipe": _recipe(args),
        "pin_digest": args.pin_digest,
    }
    status = EXIT_OK
    for source, target in progress(_outputs(args.inputs, args.output, ".pci"), "encode"):
        try:
            data = encode(
                source,
                prompt=args.prompt,
                captioner=args.captioner,
                max_bytes=args.max_bytes,
                seed=args.seed,
                seed_search=args.seed_search,
                texture=not args.no_texture,
                digest=args.digest,
                **model_options,
            )
        except PciError as exc:
            print(f"{source}: {exc}", file=sys.stderr)
            status = EXIT_INVALID
            continue
        with atomic_open(target) as handle:
            handle.write(data)
        print(f"{source} -> {target} ({len(data)} bytes)")
    return status


def _decode_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", type=Path, help=".pci files")
    p.add_argument("-o", "--output", type=Path, help="output image (one input) or folder")
    p.add_argument("--size", type=parse_size, help="output size WxH (default: the file's)")
    p.add_argument("--generator", help="override the generator, e.g. parametric for a preview")
    p.add_argument("--draft", action="store_true", help="base layer only (fast preview)")
    p.add_argument("--compare", type=Path, help="also write a side-by-side picture here")
    p.add_argument("--original", type=Path, help="original image for --compare")
    p.add_argument("--verify", action="store_true", help="check the decode against the file's digest")
    _model_args(p)


@command("decode", _decode_args)
def _decode(args: argparse.Namespace) -> int:
    """Decode .pci files into images."""
    from .api import decode, preview
    from .container import parse, read_bytes

    _configure_models(args)
    status = EXIT_OK
    for source, target in progress(_outputs(args.inputs, args.output, ".png"), "decode"):
        try:
            data = read_bytes(source)
            pci = parse(data)
            image = (
                preview(pci, size=args.size) if args.draft else decode(pci, size=args.size, generator=args.generator)
            )
            if args.verify:
                verify_digest(pci, image)
        except PciError as exc:
            print(f"{source}: {exc}", file=sys.stderr)
            status = EXIT_INVALID
            continue
        save_image(image, target)
        print(f"{source} -> {target} ({image.width}x{image.height})")
        if args.compare:
            original = Image.open(args.original) if args.original else None
            save_image(side_by_side(original, image, len(data)), args.compare)
    return status


def verify_digest(pci, image: Image.Image) -> None:
    import hashlib

    import numpy as np

    if pci.digest is None:
        raise PciError("file has no digest to verify against", field="digest")
    actual = hashlib.sha256(np.asarray(image).tobytes()).digest()[: len(pci.digest.value)]
    if actual != pci.digest.value:
        raise PciError(
            f"decode differs from the reference digest ({actual.hex()} != {pci.digest.value.hex()})", field="digest"
        )


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


def _bench_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--images", type=Path, default=Path("../shared/images/kodak"), help="folder of PNG images")
    p.add_argument("--out", type=Path, default=Path("bench-results"), help="output folder")
    p.add_argument("--budgets", default="147,491,983", help="comma-separated byte budgets")
    p.add_argument("--limit", type=int, help="only the first N images")
    p.add_argument("--workers", type=int, default=2)


@command("bench", _bench_args)
def _bench(args: argparse.Namespace) -> int:
    """Benchmark against JPEG/WebP/AVIF/JPEG XL at equal byte budgets (needs pcimg[bench])."""
    from .bench.run import run

    budgets = tuple(int(b) for b in args.budgets.split(","))
    print(run(args.images, args.out, budgets, args.limit, args.workers))
    print(f"\nwritten to {args.out}/ (results.md, results.json, rd-*.png, contact-sheet.png)")
    return EXIT_OK
