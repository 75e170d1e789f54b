"""Gold and scores: bead files, the strict/lax bead metric, and pair/leftover evaluation."""
