"""Alternate base layers (SPEC.md 6.9): smaller encodes of the same image stored beside the base,
so that re-budgeting a file to one of their sizes is a re-framing, not a re-encode.

A server that keeps one file per image and serves it at a few sizes stores the sizes below the
ones a cut of an embedded base serves well (a kind-5 cut to 147 B of a 983-B file is 0.018
MS-SSIM below a direct encode; the alternate is the direct encode). Their bytes come out of the
file's budget: the base is encoded to what they leave.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..errors import PciError
from ..format.container import Descriptor, PciFile, written_size
from .parametric import BASE_KINDS

Build = Callable[[int, str], PciFile]  # (max_bytes, base) -> the file the encoder makes
ALTERNATE_BASE = "wavelet"  # kind 3 (kind 4 where the encoder picks a placeholder)
FITTING_ROUNDS = 3


def with_alternates(build: Build, max_bytes: int, base: str, budgets: Sequence[int], bare: bool) -> PciFile:
    """The file ``build(max_bytes, base)`` would make, with an alternate base layer encoded at
    each of ``budgets`` (whole-file sizes below ``max_bytes``) in its alternates part."""
    if isinstance(budgets, (str, bytes)) or not all(isinstance(b, int) and not isinstance(b, bool) for b in budgets):
        raise PciError(f"alternates must be whole-file sizes in bytes, not {budgets!r}", field="alternates")
    if any(not 0 < b < max_bytes for b in budgets):
        raise PciError(f"alternates {list(budgets)} must lie between 0 and max_bytes ({max_bytes})",
                       field="alternates")  # fmt: skip
    entries: dict[int, Descriptor] = {}
    for budget in sorted(set(budgets)):
        small = build(budget, ALTERNATE_BASE)
        entry = next(d for d in small.descriptors if d.kind in BASE_KINDS)
        entries.setdefault(len(entry.payload), entry)  # payload lengths ascend without repeats
    alternates = tuple(entries[n] for n in sorted(entries))
    probe = PciFile(1, 1, descriptors=(Descriptor(1, 1, 0, b""),))
    main_budget = max_bytes - (
        written_size(probe.replace(alternates=alternates), bare=bare) - written_size(probe, bare=bare)
    )
    for _ in range(FITTING_ROUNDS):
        pci = build(main_budget, base).replace(alternates=alternates)
        over = written_size(pci, bare=bare) - max_bytes
        if over <= 0:
            return pci
        main_budget -= over  # a length field grew with the base's payload
    raise PciError(f"the alternates leave too little of {max_bytes} bytes for the base", field="alternates")
