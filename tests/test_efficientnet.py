"""The EfficientNet-Lite0 label captioner on its real, package-shipped weights."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="the ml extra is part of the test install (.ci/run)")

import pcimg  # noqa: E402
from pcimg.backends import efficientnet as E  # noqa: E402


def test_parrots_are_macaws(photo):
    ranked = E.classify(photo, 3)
    assert ranked[0][0] == "macaw" and ranked[0][1] > 0.5


def test_caption_goes_into_the_file_with_its_manifest_entry(photo):
    pci = pcimg.read(pcimg.encode(photo, captioner="efficientnet", max_bytes=300))
    assert pci.prompt.text.startswith("a photo of a macaw")
    assert pci.model("captioner").id == "pcimg/efficientnet-lite0-labels"
    assert pci.model("captioner").code == 3


def test_articles():
    assert E._article("macaw") == "a macaw" and E._article("orange") == "an orange"
