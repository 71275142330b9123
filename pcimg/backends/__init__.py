"""Optional back-ends that need the `ml` extra (torch, transformers, diffusers)."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import PciError


def require(module: str, feature: str, field: str) -> ModuleType:
    """Import an ml dependency, or raise PciError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise PciError(f"{feature} needs {module}: pip install torch==2.13.0 'pcimg[ml]'", field=field) from None
