"""pcimg on a Ray cluster (the optional ``ray`` extra): the CLI's ``--engine ray`` and batch
functions for ``ray.data``. Ray is imported only when these are used, so ``import pcimg``
never needs it."""

from .batches import DecodeBatch, EncodeBatch, decode_dataset, encode_dataset
from .engine import ray_ordered_map

__all__ = ["DecodeBatch", "EncodeBatch", "decode_dataset", "encode_dataset", "ray_ordered_map"]
