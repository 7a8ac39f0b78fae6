"""Coordinated behaviour: co-action pairs, significance, clusters and evidence."""

from netlib.coordination.pairs import coshare_pairs

__all__ = ["coshare_pairs"]
