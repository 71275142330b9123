"""The prototype's CDF 9/7 wavelet, now the float analysis and synthesis of descriptor kind 3.

The prototype had its own copy of the lifting; pcimg.codec.lifting took it over unchanged
(whole-sample symmetric extension, the same constants), so the candidate scripts use it.
"""

from __future__ import annotations

from pcimg.codec.lifting import forward, levels_for
from pcimg.codec.lifting import inverse_float as inverse

__all__ = ["forward", "inverse", "levels_for"]
