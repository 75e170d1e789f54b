"""Random pages from real sentence pools, arriving as bytes in every form a scraper produces.

Whatever the encoding (BOM, UTF-16 either way round, NFD, CRLF, zero-width characters, HTML
entities, an HTML document), the page must read to the same blocks as its plain UTF-8 text,
and then: no crash, every sentence in exactly one pair or leftover, pairs are vi/en, and the
TSV written parses back to the same rows.
"""

from __future__ import annotations

import html
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from align.aligners.mixed import PageAligner
from align.io.reader import page_text
from align.text.page import draft_page
from align.text.sentences import split_sentences
from tests.helpers import (
    EN_POOL,
    MEANING,
    NOISE,
    ROOT,
    VI_POOL,
    HashEmbedder,
    check_page_invariants,
)


def _gold_pairs() -> list[tuple[str, str]]:
    """One-sentence gold pairs of the project's hand-written sample pages (``corpus/``)."""
    out = []
    for path in sorted((ROOT / "corpus" / "gold").glob("*.pairs.tsv")):
        for row in path.read_text(encoding="utf-8").splitlines()[1:]:
            vi, en = row.split("\t")[:2]
            if split_sentences(vi) == [vi] and split_sentences(en) == [en]:
                out.append((vi, en))
    return out


GOLD = _gold_pairs()
VI_SENTS = VI_POOL + [vi for vi, _ in GOLD]
EN_SENTS = EN_POOL + [en for _, en in GOLD]
MEANINGS = {**MEANING, **{t: f"g{i}" for i, pair in enumerate(GOLD) for t in pair}}
OTHER = ["Le gouvernement a annoncé une nouvelle politique économique.",
         "Die Regierung hat gestern eine neue Wirtschaftspolitik angekündigt."]
# random lines: any printable text except what plain text and HTML read differently by
# design (line breaks, "&" and "<" that may start an entity or a tag)
RANDOM = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                               exclude_characters="&<"), max_size=40)
LINE = st.one_of(st.sampled_from(VI_SENTS), st.sampled_from(EN_SENTS),
                 st.sampled_from([n for n in NOISE if "\t" not in n] + OTHER), RANDOM)


def _entities(line: str) -> str:
    return "".join(c if c.isascii() else f"&#{ord(c)};" for c in line).replace(" ", "&nbsp;")


FORMS = {
    "utf-8": lambda lines: "\n\n".join(lines).encode(),
    "utf-8-bom": lambda lines: "\n\n".join(lines).encode("utf-8-sig"),
    "utf-16-le": lambda lines: "\n\n".join(lines).encode("utf-16"),
    "utf-16-be": lambda lines: b"\xfe\xff" + "\n\n".join(lines).encode("utf-16-be"),
    "crlf": lambda lines: "\r\n\r\n".join(lines).encode(),
    "nfd": lambda lines: unicodedata.normalize("NFD", "\n\n".join(lines)).encode(),
    "zero-width": lambda lines: ("\ufeff" + "\n\n".join(
        ln.replace(" ", " \u200b") for ln in lines)).encode(),
    "entities": lambda lines: "\n\n".join(_entities(ln) for ln in lines).encode(),
    "html": lambda lines: ("<!DOCTYPE html><html><head><title>t</title></head><body>"
                           + "".join(f"<p>{html.escape(ln)}</p>\n" for ln in lines)
                           + "</body></html>").encode(),
}


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE, max_size=20), st.sampled_from(sorted(FORMS)))
def test_any_form_of_a_page_reads_and_aligns_like_its_text(lines: list[str], form: str) -> None:
    plain = draft_page(page_text(FORMS["utf-8"](lines), "p.txt"), "p", normalized=True)
    name = "p.html" if form == "html" else "p.txt"
    draft = draft_page(page_text(FORMS[form](lines), name), "p", normalized=True)
    assert [(b.text, b.lang, b.kind) for b in draft.blocks] == [
        (b.text, b.lang, b.kind) for b in plain.blocks]

    result = PageAligner(HashEmbedder(MEANINGS)).align_drafts([draft])[0]
    check_page_invariants(result)


def _mojibake(text: str) -> bytes:
    """UTF-8 bytes read as Windows-1252/latin-1 and saved again as UTF-8: "Viá»‡t"."""
    return text.encode("utf-8").decode("cp1252", errors="strict").encode("utf-8")


REAL_LINE = st.sampled_from(VI_SENTS + EN_SENTS + OTHER)


@settings(max_examples=60, deadline=None)
@given(st.lists(REAL_LINE, min_size=1, max_size=12))
def test_mojibake_pages_read_like_their_text(lines: list[str]) -> None:
    text = "\n\n".join(lines)
    try:
        broken = _mojibake(text)
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: the latin-1 form instead
        broken = text.encode("utf-8").decode("latin-1").encode("utf-8")
    assert page_text(broken, "p.txt") == page_text(text.encode(), "p.txt")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.lists(LINE, max_size=12), st.sampled_from(sorted(FORMS))),
                min_size=1, max_size=4))
def test_a_corpus_of_random_pages_loses_nothing(tmp_path_factory, pages) -> None:
    """Corpus TSVs parse back to exactly the pairs and leftovers of each page aligned alone
    (pairs already written for an earlier page dropped once, as --dedupe promises)."""
    from align.corpus.run import CorpusOptions, CorpusRun, _pair_key

    root = tmp_path_factory.mktemp("corpus")
    site = root / "site"
    site.mkdir()
    expected_pairs, expected_left, seen = [], [], set()
    aligner = PageAligner(HashEmbedder(MEANINGS))
    for k, (lines, form) in enumerate(pages):
        name = f"p{k}.html" if form == "html" else f"p{k}.txt"
        data = FORMS[form](lines)
        (site / name).write_bytes(data)
        result = aligner.align_drafts([draft_page(page_text(data, name), name, normalized=True)])[0]
        for p in result.pairs:
            key = _pair_key(p.vi_text, p.en_text)
            if key not in seen:
                seen.add(key)
                expected_pairs.append([p.vi_text, p.en_text, f"{p.score:.4f}",
                                       f"{p.margin:.4f}", name])
        expected_left += [[name, x.lang, str(x.reason), str(x.block),
                           ",".join(map(str, x.sentences)),
                           "" if x.duplicate_of is None else str(x.duplicate_of), x.text]
                          for x in result.leftovers]
    out = root / "c.tsv"
    opts = CorpusOptions(output=out, leftovers=root / "left.tsv", learn_chrome=False)
    CorpusRun(PageAligner(HashEmbedder(MEANINGS)), opts).run([str(site)])
    pairs = [r.split("\t") for r in out.read_text(encoding="utf-8").split("\n")[1:-1]]
    left = [r.split("\t") for r in (root / "left.tsv").read_text(encoding="utf-8")
            .split("\n")[1:-1]]
    assert pairs == expected_pairs
    assert left == expected_left
