import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kodim23.png"


@pytest.fixture(scope="session")
def photo() -> Image.Image:
    """The shipped Kodak photograph (768x512 RGB)."""
    with Image.open(EXAMPLE) as im:
        im.load()
        return im


@pytest.fixture(scope="session")
def small_photo(photo) -> Image.Image:
    return photo.resize((192, 128), Image.LANCZOS)
