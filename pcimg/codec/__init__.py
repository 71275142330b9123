"""The embedded image codec: one module per descriptor kind, the parametric generator, the encoder.

Layer 3: imports ``format`` and ``primitives``. ``encoder`` (rate control and seed search) is the
only module that writes descriptors; ``parametric`` is the only one that renders them.
"""
