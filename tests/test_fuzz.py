"""A short deterministic fuzzing campaign and the replay of recorded findings."""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
sys.path.insert(0, str(FUZZ))
from harness import bare_seeds, check_bare, check_one, mutate, seeds  # noqa: E402

RUNS = 3000
MAX_SECONDS_PER_INPUT = 2.0
MAX_PEAK_BYTES = 64 << 20


def test_mutated_files_raise_only_pci_error():
    rng = random.Random(20261125)
    corpus = seeds()
    slowest, slowest_input = 0.0, b""
    tracemalloc.start()
    try:
        for _ in range(RUNS):
            data = mutate(rng.choice(corpus), rng)
            start = time.perf_counter()
            check_one(data)  # anything but PciError fails the test here
            elapsed = time.perf_counter() - start
            if elapsed > slowest:
                slowest, slowest_input = elapsed, data
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the tracer slows allocation-heavy decoding several-fold: the hang guard re-times the
    # slowest input without it (0.3 s on the reference machine)
    start = time.perf_counter()
    check_one(slowest_input)
    assert time.perf_counter() - start < MAX_SECONDS_PER_INPUT
    assert peak < MAX_PEAK_BYTES


def test_mutated_bare_forms_raise_only_pci_error_and_stay_canonical():
    rng = random.Random(20261130)
    corpus = bare_seeds()
    verdicts = []
    slowest = 0.0
    for _ in range(RUNS):
        data = mutate(rng.choice(corpus), rng)
        start = time.perf_counter()
        verdicts.append(check_bare(data))  # anything but PciError (or a non-canonical accept) fails here
        slowest = max(slowest, time.perf_counter() - start)
    assert slowest < MAX_SECONDS_PER_INPUT
    assert 0.05 < verdicts.count("accepted") / RUNS < 0.95  # the mutations reach both outcomes


def test_recorded_findings_stay_fixed():
    """Every finding kept in fuzz/regressions/ must meet the contract (and still be rejected)."""
    findings = sorted((FUZZ / "regressions").glob("crash-*"))
    assert findings, "fuzz/regressions/ lost its recorded findings"
    for path in findings:
        assert check_one(path.read_bytes()) == "rejected"


def test_the_harness_fails_on_anything_but_pci_error(monkeypatch):
    """A bug that raises another exception type must fail the campaign, not pass as 'invalid'."""
    import pcimg

    def broken(data):
        raise IndexError("a real bug")

    monkeypatch.setattr(pcimg, "read", broken)
    with pytest.raises(IndexError):
        check_one(seeds()[0])
