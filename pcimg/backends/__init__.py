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
        raise PciError(
            f"{feature} needs {module}: pip install torch==2.13.0 'pcimg[ml]' (CPU build: add --index-url "
            "https://download.pytorch.org/whl/cpu), then put the model's safetensors in a model folder "
            "(--model-dir or PCIMG_MODEL_DIR, laid out org/name; see the README)",
            field=field,
        ) from None
