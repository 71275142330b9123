"""atheris harness: `python fuzz/fuzz_pci.py [-atheris_runs=N] [corpus_dir]` (needs pcimg[fuzz]).

Every input first gets a valid CRC, so coverage grows past it, and is also read as a bare form.
Any exception other than PciError is a finding: atheris writes crash-<sha1> files, which go
to fuzz/regressions/ and are replayed by tests/test_fuzz.py.
"""

from __future__ import annotations

import random
import sys

import atheris

with atheris.instrument_imports():
    from harness import bare_seeds, check_bare, check_one, fix_crc, mutate, seeds

    import pcimg
    import pcimg.codec.parametric
    import pcimg.format.prompt_model  # noqa: F401

_SEEDS = seeds() + bare_seeds()


def test_one_input(data: bytes) -> None:
    check_one(fix_crc(data))
    check_bare(data)


def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    base = data if data and rng.random() < 0.7 else rng.choice(_SEEDS)
    return mutate(base, rng)[:max_size]


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()
