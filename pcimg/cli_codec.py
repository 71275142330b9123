"""Codec sub-commands (encode, decode, ...): filled in by the codec."""
