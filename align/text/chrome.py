"""Boilerplate learnt across pages: a short line that recurs on many pages of a site is chrome.

Counting happens in a first, cheap pass (no model) so the result does not depend on where an
interrupted run resumed. Only short lines are counted, by a 64-bit hash, and each site's table
is pruned when it grows, so memory stays bounded however many pages go through.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from align.text.normalize import dedupe_key

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
        short = [x for x in lines if 0 < len(x.split()) <= MAX_WORDS]
        table = self.counts.setdefault(site, Counter())
        table.update({_hash(dedupe_key(x)) for x in short if dedupe_key(x)})
        # a sentence (ending in . ! ?) repeated across pages is more likely shared content
        # (a related-news item) than chrome: it needs to be on half the site's pages
        sentences = self.counts.setdefault(site + "\0sentences", Counter())
        sentences.update({_hash(dedupe_key(x)) for x in short
                          if x.rstrip()[-1:] in ".!?" and dedupe_key(x)})
        self.pages[site] += 1
        for tab in (table, sentences):
            if len(tab) > MAX_ENTRIES:  # drop lines seen once: they cannot be chrome yet
                for h in [h for h, c in tab.items() if c <= 1]:
                    del tab[h]

    def merge(self, other: ChromeLearner) -> None:
        """Add the counts of pages another learner saw (a distributed count's reduce step)."""
        for site, table in other.counts.items():
            self.counts.setdefault(site, Counter()).update(table)
        self.pages.update(other.pages)

    def chrome_for(self, site: str) -> frozenset[int]:
        """Hashes of the lines that count as chrome on this site."""
        pages = self.pages[site]
        need = max(self.min_pages, self.min_share * pages)
        need_sentence = max(2 * self.min_pages, 0.5 * pages)
        sentences = self.counts.get(site + "\0sentences", Counter())
        return frozenset(
            h for h, c in self.counts.get(site, Counter()).items()
            if c >= need and (h not in sentences or c >= need_sentence))


def is_learnt_chrome(text: str, chrome: frozenset[int]) -> bool:
    """Whether a block is one of the learnt chrome lines."""
    return bool(chrome) and len(text.split()) <= MAX_WORDS and _hash(dedupe_key(text)) in chrome
