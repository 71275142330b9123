"""`pcimg info` and `pcimg validate`: read files, never decode them for output."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import PciError
from ..format.container import parse, read_bytes
from ..format.describe import describe, render_text
from ..primitives.printable import printable
from ..validate import Verdict, validate
from .common import EXIT_INVALID, EXIT_OK, STDIO, Form, add_form_args, bounded_int
from .parallel import default_jobs, ordered_map


def info_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help=".pci files; - reads standard input")
    p.add_argument("--json", action="store_true", help="print a JSON list, one entry per file (with an error entry "
                   "for an invalid one)")  # fmt: skip
    add_form_args(p, "read")


def info(args: argparse.Namespace) -> int:
    """Print every field of .pci files and the size of every part."""
    status = EXIT_OK
    results = []
    form = Form.of(args)
    for path in args.files:
        try:
            data = form.load(read_bytes(sys.stdin.buffer if str(path) == STDIO else path))
            described = describe(parse(data, bare=form.bare), file_size=len(data))
        except PciError as exc:
            status = EXIT_INVALID
            error = {"message": exc.reason, "field": exc.field, "offset": exc.offset}
            results.append({"file": str(path), "error": error})
            if not args.json:
                print(printable(f"{path}: {exc}"), file=sys.stderr)
            continue
        results.append({"file": str(path), **described})
        if not args.json:
            print(printable(f"{path}:") + "\n" + render_text(described))
    if args.json:
        print(json.dumps(results, indent=2))
    return status


def validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, help=".pci files; - reads standard input")
    p.add_argument("--quiet", action="store_true", help="print only invalid files")
    p.add_argument("--jobs", "-j", type=bounded_int(1), help="worker processes (default: all cores)")
    add_form_args(p, "read")


@dataclass(frozen=True)
class ValidateJob:
    """Validate one input (picklable, for worker processes)."""

    form: Form

    def __call__(self, path: Path) -> Verdict:
        source = sys.stdin.buffer if str(path) == STDIO else path
        return validate(source, name=str(path), bare=self.form.bare, text=self.form.text)


def validate_files(args: argparse.Namespace) -> int:
    """Check files against the spec; exit 0 when all are valid."""
    jobs = 1 if any(str(p) == STDIO for p in args.files) else (args.jobs or default_jobs())
    bad = 0
    for verdict in ordered_map(ValidateJob(Form.of(args)), args.files, jobs):
        bad += not verdict.valid
        if not (args.quiet and verdict.valid):
            print(verdict.render())
    print(f"{len(args.files) - bad} valid, {bad} invalid")
    return EXIT_OK if bad == 0 else EXIT_INVALID
