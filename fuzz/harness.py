"""The fuzzing contract: for any input bytes, pcimg raises only PciError, quickly and in bounded memory.

``mutate`` changes a valid file and then repairs its CRC (and, optionally, its part
lengths), so that mutations reach the checks behind the checksum instead of stalling there.
"""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

from PIL import Image, UnidentifiedImageError

import pcimg

VECTORS = Path(__file__).resolve().parents[1] / "spec" / "vectors"
DECODE_SIZE = (32, 24)
MAX_DRAFT_PIXELS = 4 * DECODE_SIZE[0] * DECODE_SIZE[1]


def seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted((VECTORS / "valid").glob("*.pci"))] + [
        p.read_bytes() for p in sorted((VECTORS / "invalid").glob("*.pci"))
    ]


def bare_seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted((VECTORS / "bare").glob("*/*.bare"))]


def fix_crc(data: bytes) -> bytes:
    if len(data) < 14:
        return data
    body = data[:-4]
    return body + zlib.crc32(body).to_bytes(4, "big")


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if not out:
            out.append(rng.randrange(256))
        elif choice < 0.4:
            out[rng.randrange(len(out))] = rng.randrange(256)
        elif choice < 0.6:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        elif choice < 0.75:
            del out[rng.randrange(len(out))]
        elif choice < 0.9:
            out.insert(rng.randrange(len(out) + 1), rng.choice((0, 0x7F, 0x80, 0xFF, rng.randrange(256))))
        else:
            start = rng.randrange(len(out))
            out[start:start] = out[start : start + rng.randint(1, 8)]
    return fix_crc(bytes(out)) if rng.random() < 0.9 else bytes(out)


def check_one(data: bytes) -> str:
    """Parse, re-write and decode small with the embedded generator: "accepted" or "rejected".

    Only PciError counts as a rejection; any other exception escapes and is a finding. The
    Pillow path (header-only open, lazy ``info``, draft load) must agree with the verdict.
    """
    previewable = False
    try:
        pci = pcimg.read(data)
        pcimg.write(pci)
        pcimg.preview(pci, size=DECODE_SIZE)
        previewable = True
        pcimg.decode(pci, size=DECODE_SIZE, generator="parametric")
        verdict = "accepted"
    except pcimg.PciError:
        verdict = "rejected"
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.info.get("icc_profile")  # a key no .pci holds: answered without reading the parts
            dict(im.info)  # every value: the parts are read (a damaged one raises here)
            im.draft("RGB", DECODE_SIZE)
            if im.width * im.height > MAX_DRAFT_PIXELS:  # extreme aspect ratio: a draft keeps one side
                return verdict
            im.load()
        drafted = True
    except UnidentifiedImageError:  # not a .pci at all: bad signature
        drafted = False
    except Image.DecompressionBombError:  # Pillow's own guard on the declared size
        return verdict
    except pcimg.PciError as exc:
        assert isinstance(exc, OSError), "the Pillow path must raise OSError for damaged files"
        drafted = False
    assert drafted == previewable, f"pcimg.preview and Pillow's draft disagree ({previewable}, {drafted})"
    return verdict


def check_bare(data: bytes) -> str:
    """The bare form's contract: only PciError, and an accepted input is its own only encoding
    (read -> write gives the same bytes, SPEC.md 5.5) that decodes like its file form."""
    try:
        pci = pcimg.read(data, bare=True)
        again = pcimg.write(pci, bare=True)  # the writer may raise a too-low minor version (SPEC.md 3)
        assert again[1:] == data[1:] and again[0] & 0xC7 == data[0] & 0xC7, "bare read -> write changed the bytes"
        assert pcimg.write(pcimg.read(pcimg.write(pci)), bare=True) == again, "bare and file form differ"
        pcimg.preview(pci, size=DECODE_SIZE)
        pcimg.decode(pci, size=DECODE_SIZE, generator="parametric")
        return "accepted"
    except pcimg.PciError:
        return "rejected"
