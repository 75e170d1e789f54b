"""Boilerplate learnt across pages: a short line that recurs on many pages of a site is chrome.

Counting happens in a first, cheap pass (no model) so the result does not depend on where an
interrupted run resumed. Only short lines are counted, by a 64-bit hash, and each site's table
is pruned when it grows, so memory stays bounded however many pages go through.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from .normalize import dedupe_key

MAX_WORDS = 12
MAX_ENTRIES = 200_000


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


@dataclass
class ChromeLearner:
    """Counts, per site, on how many pages each short line occurs."""

    min_pages: int = 3
    min_share: float = 0.2
    counts: dict[str, Counter] = field(default_factory=dict)
    pages: Counter = field(default_factory=Counter)

    def add_page(self, site: str, lines: list[str]) -> None:
        keys = {dedupe_key(x) for x in lines if 0 < len(x.split()) <= MAX_WORDS}
        table = self.counts.setdefault(site, Counter())
        table.update(_hash(k) for k in keys if k)
        self.pages[site] += 1
        if len(table) > MAX_ENTRIES:  # drop lines seen once: they cannot be chrome yet
            for h in [h for h, c in table.items() if c <= 1]:
                del table[h]

    def chrome_for(self, site: str) -> frozenset[int]:
        """Hashes of the lines that count as chrome on this site."""
        need = max(self.min_pages, self.min_share * self.pages[site])
        return frozenset(h for h, c in self.counts.get(site, Counter()).items() if c >= need)


def is_learnt_chrome(text: str, chrome: frozenset[int]) -> bool:
    """Whether a block is one of the learnt chrome lines."""
    return bool(chrome) and len(text.split()) <= MAX_WORDS and _hash(dedupe_key(text)) in chrome
