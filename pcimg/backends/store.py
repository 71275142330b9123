"""Where model weights may come from. This module is a security boundary.

A .pci file only *names* models. A name resolves to a folder the user allowed: a model
directory (``configure(model_dirs=...)``, ``--model-dir`` or ``PCIMG_MODEL_DIR``) laid out
by id, ``DIR/org/name`` or ``DIR/org/name@revision``, or the Hugging Face cache, read with
``local_files_only``. Nothing is downloaded unless the user set ``allow_download``. The
resolved folder must stay inside its root (symbolic links included) and hold safetensors
weights; loaders are called with ``use_safetensors=True`` and ``trust_remote_code=False``.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import PciError
from ..format.container import ModelRef
from ..format.schema import MODEL_ID_PATTERN, REVISION_PATTERN
from ..primitives.atomic import open_regular

ENV_MODEL_DIR = "PCIMG_MODEL_DIR"
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
MAX_FILES = 4096
WEIGHT_PATTERNS = ["*.safetensors", "*.json", "*.txt", "*.model", "*.tiktoken"]


@dataclass(frozen=True)
class ModelSettings:
    """How model back-ends find weights and run; see ``configure``."""

    model_dirs: tuple[Path, ...] = ()
    use_hf_cache: bool = True
    allow_download: bool = False
    device: str = "cpu"
    dtype: str = "float32"
    progress: bool = True
    # What one file may make a model decode cost: a file chooses steps and working size, the
    # user bounds them (PciError naming the limit when a file asks for more).
    max_steps: int = 50
    max_work_pixels: int = 1024 * 1024


_settings = ModelSettings()
_lock = threading.Lock()


def configure(**changes) -> ModelSettings:
    """E.g. ``configure(model_dirs=["~/models"], device="cuda", dtype="float16")``."""
    global _settings
    if "model_dirs" in changes:
        changes["model_dirs"] = tuple(Path(p).expanduser() for p in changes["model_dirs"])
    with _lock:
        _settings = replace(_settings, **changes)
        return _settings


def settings() -> ModelSettings:
    return _settings


def model_dirs() -> tuple[Path, ...]:
    """Configured folders, else those in PCIMG_MODEL_DIR (os.pathsep separated)."""
    if _settings.model_dirs:
        return _settings.model_dirs
    env = os.environ.get(ENV_MODEL_DIR, "")
    return tuple(Path(p).expanduser() for p in env.split(os.pathsep) if p)


def _check_name(ref: ModelRef) -> None:
    # The container already enforces these patterns; checked again because refs can be
    # built in code, and this is the line a hostile name must not cross.
    if not re.fullmatch(MODEL_ID_PATTERN, ref.id) or not re.fullmatch(REVISION_PATTERN, ref.revision):
        raise PciError(f"model id {ref.id!r} is not a plain org/name id", field="models.id")


def folder_name(ref: ModelRef) -> str:
    return f"{ref.id}@{ref.revision}" if ref.revision else ref.id


def locate(ref: ModelRef) -> Path:
    """The local folder holding ``ref``'s weights, or PciError saying where to put them."""
    _check_name(ref)
    for root in model_dirs():
        root_real = root.resolve()
        folder = (root / folder_name(ref)).resolve()
        if not folder.is_relative_to(root_real):
            raise PciError(f"model {folder_name(ref)} resolves outside {root}", field="models.id")
        if folder.is_dir():
            return checked(folder, root_real, ref)
    if _settings.use_hf_cache or _settings.allow_download:
        found = _from_hub(ref)
        if found is not None:
            return found
    where = ", ".join(str(d) for d in model_dirs()) or f"(none: set {ENV_MODEL_DIR} or --model-dir)"
    target = f"{model_dirs()[0] / folder_name(ref)}" if model_dirs() else f"DIR/{folder_name(ref)}"
    rev = f" --revision {ref.revision}" if ref.revision else ""
    raise PciError(
        f"{ref.role} model {folder_name(ref)} is not installed. Looked in: {where} and the Hugging Face cache. "
        f"Put its safetensors files in {target}, or run `hf download {ref.id}{rev}` (Hugging Face cache)",
        field="models.id",
    )


def _from_hub(ref: ModelRef) -> Path | None:
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:
        return None
    try:
        path = Path(snapshot_download(ref.id, revision=ref.revision or None,
                                      local_files_only=not _settings.allow_download,
                                      allow_patterns=WEIGHT_PATTERNS))  # fmt: skip
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None
    # A cache snapshot links into the repository's blobs/ folder: that repository is the root.
    return checked(path.resolve(), path.parents[1].resolve(), ref)


def checked(folder: Path, root: Path, ref: ModelRef) -> Path:
    """Refuse links out of ``root`` and pickle-only weights; verify a pinned digest."""
    files = []
    for index, path in enumerate(folder.rglob("*")):
        if index > MAX_FILES:
            raise PciError(f"model folder {folder} has more than {MAX_FILES} files", field="models.id")
        try:
            resolved = path.resolve(strict=True)
        except FileNotFoundError:  # a dangling link names nothing that could be loaded
            continue
        except (OSError, RuntimeError) as exc:  # a link loop (RuntimeError before Python 3.13)
            raise PciError(f"{path} cannot be resolved ({type(exc).__name__}: {exc})", field="models.id") from None
        if not resolved.is_relative_to(root):
            raise PciError(f"{path} links outside the model directory {root}", field="models.id")
        if path.is_file():
            files.append(path)
    if not any(p.suffix == ".safetensors" for p in files):
        pickles = [p.name for p in files if p.suffix in PICKLE_SUFFIXES]
        reason = f"only pickle weights ({', '.join(sorted(pickles)[:3])})" if pickles else "no weights"
        raise PciError(f"model {folder_name(ref)} has {reason}: pcimg loads safetensors files only",
                       field="models.id")  # fmt: skip
    if ref.digest and weights_digest(folder) != ref.digest:
        raise PciError(f"model {folder_name(ref)} does not match the file's weights digest", field="models.digest")
    return folder


def loaded_weights(folder: Path) -> list[Path]:
    """The safetensors files a loader reads by default: not variants such as ``x.fp16.safetensors``."""
    files = [p for p in folder.rglob("*.safetensors") if "." not in p.name[: -len(".safetensors")]]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix().encode())


def weights_digest(folder: Path) -> bytes:
    """SHA-256 over ``relative path | 0x00 | SHA-256(file)`` of every loaded safetensors file, by path."""
    outer = hashlib.sha256()
    for path in loaded_weights(folder):
        outer.update(path.relative_to(folder).as_posix().encode() + b"\x00" + file_sha256(path))
    return outer.digest()


_file_digests: dict[tuple[str, int, int, int], bytes] = {}


def file_sha256(path: Path) -> bytes:
    """SHA-256 of a file, computed once per process while its path, size, mtime and inode stay."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    with _lock:
        known = _file_digests.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    try:
        handle = open_regular(path)  # a FIFO named *.safetensors must not block the decoder
    except OSError as exc:
        raise PciError(f"cannot hash {path}: {exc.strerror}", field="models.digest") from None
    with handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    with _lock:
        _file_digests[key] = digest.digest()
    return digest.digest()


def reference_for(argument: str, role: str, pin_digest: bool = False) -> tuple[Path, ModelRef]:
    """A CLI/API model argument (an id, ``id@rev``, or a folder) -> (folder, manifest entry).

    A folder's id is its last two path components (``.../org/name@rev``), so that the
    manifest names what a decoder will look up in its own model directory.
    """
    candidate = Path(argument).expanduser()
    if candidate.is_dir():
        name, _, revision = candidate.name.partition("@")
        ref = ModelRef(role, f"{candidate.parent.name}/{name}", revision)
        _check_name(ref)
        folder = checked(candidate.resolve(), candidate.resolve(), ref)
    else:
        model_id, _, revision = argument.partition("@")
        ref = ModelRef(role, model_id, revision)
        folder = locate(ref)
    if pin_digest:
        ref = replace(ref, digest=weights_digest(folder))
    return folder, ref
