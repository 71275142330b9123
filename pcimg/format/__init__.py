"""The .pci container: registries, the construct schema, prompt coding and ``PciFile``.

Layer 2: imports ``primitives`` and ``errors`` only. Nothing here knows how pixels are made.
"""
