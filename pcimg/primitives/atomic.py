"""Atomic file writes: a reader sees the old file or the whole new one, never a part.

Only regular files are replaced. A symbolic link is followed (the file it names is replaced,
the link stays); a FIFO, device or socket is written through, since renaming a file over it
would destroy it (``-o /dev/null`` must stay ``/dev/null``). Errors name the path asked for,
not the temporary file. A replaced file keeps its permission bits; a new one gets the
umask's, as ``open`` would give it. Temporary files end in ``.pcimg-partial``.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_open(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path``; on success fsync and rename it into place."""
    target = Path(path)
    real = Path(os.path.realpath(target))
    try:
        mode = real.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        with _named(target), open(real, "wb") as handle:
            yield handle
        return
    with _named(target):
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=TEMP_SUFFIX, dir=real.parent)
        try:
            os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, real)
            _fsync_directory(real.parent)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


TEMP_SUFFIX = ".pcimg-partial"  # what a killed save leaves behind, recognisably


def _umask() -> int:
    """The process umask, read without changing it where the system allows (threads may be writing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _named(target: Path) -> Iterator[None]:
    """Re-raise an OSError with the path the caller asked for."""
    try:
        yield
    except OSError as exc:
        if exc.filename == str(target):
            raise
        raise OSError(exc.errno, exc.strerror, str(target)) from None


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading; a FIFO, device or socket (which could block or never end)
    is refused with an OSError, checked on the opened descriptor so the check cannot race."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_open(path) as handle:
        handle.write(data)
