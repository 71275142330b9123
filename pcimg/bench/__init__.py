"""Evaluation: metrics, classical peers and the Kodak benchmark (needs the `bench` extra)."""
