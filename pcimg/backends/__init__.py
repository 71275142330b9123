"""Optional back-ends that need the `ml` extra (torch, transformers, diffusers)."""
