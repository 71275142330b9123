"""Entropy coding of the dct-colour coefficients: range coder vs varints, brotli and zstd.

For each image and budget, the encoder's chosen quantised coefficients are coded four ways
(same scan order, each plane truncated after its last non-zero coefficient):
signed varints (zigzag LEB128), brotli-11 and zstd-19 of those varints, and the adaptive
binary range coder that the format uses. Usage: python benchmarks/descriptor_entropy.py [DIR]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import brotli
import numpy as np
import zstandard
from PIL import Image

import pcimg
from pcimg.codec import dct_colour as D
from pcimg.format.schema import encode_varint


def varints(indices: list[np.ndarray]) -> bytes:
    out = bytearray()
    for q in indices:
        flat, _ = D._scan_arrays(q.shape[1], q.shape[0])
        scanned = q.ravel()[flat]
        nonzero = np.flatnonzero(scanned)
        last = int(nonzero[-1]) + 1 if nonzero.size else 0
        out += encode_varint(last)
        for v in scanned[:last].tolist():
            out += encode_varint(2 * v if v >= 0 else -2 * v - 1)
    return bytes(out)


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/images/kodak")
    paths = sorted(folder.glob("*.png"))
    print(f"{len(paths)} images; mean coefficient payload bytes (4-byte grid header excluded)\n")
    print("| budget | varints | brotli-11(varints) | zstd-19(varints) | range coder (used) |")
    print("|---|---|---|---|---|")
    for budget in (147, 491, 983):
        sizes: dict[str, list[int]] = {"varints": [], "brotli": [], "zstd": [], "range": []}
        for path in paths:
            pci = pcimg.encode_pci(Image.open(path), captioner="none", max_bytes=budget)
            entry = pci.descriptor(D.KIND)
            _, indices = D.decode_payload(entry.payload, pci.colour)
            raw = varints(indices)
            sizes["varints"].append(len(raw))
            sizes["brotli"].append(len(brotli.compress(raw, quality=11)))
            sizes["zstd"].append(len(zstandard.ZstdCompressor(level=19).compress(raw)))
            sizes["range"].append(len(entry.payload) - 4)
        means = {k: statistics.mean(v) for k, v in sizes.items()}
        cells = " | ".join(f"{means[k]:.0f}" for k in ("varints", "brotli", "zstd", "range"))
        print(f"| {budget} | {cells} |")


if __name__ == "__main__":
    main()
