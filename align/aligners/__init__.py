"""Vectors → beads: window similarities, the banded monotonic DP, and the two aligners built
on them (mixed pages and parallel documents)."""
