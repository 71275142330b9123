"""Shared primitives with no knowledge of the format: range coder, PRNG, atomic writes.

The bottom layer: modules here import nothing from pcimg but ``errors``.
"""
