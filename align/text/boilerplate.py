"""Site chrome on a single page, from features of each line and of its neighbours.

``align corpus`` learns chrome across a site's pages (``chrome.py``); this reads one page, as
jusText does for HTML: each line is judged from its own features, then short lines that are
neither clearly content nor clearly chrome take the class of their neighbours.

Features of a line (on its text after timestamps, numbering and wrappers):

* length in words and whether it ends like a sentence (``. ! ?``);
* navigation separators (``›  »  >  /  |  ·  •``) between short segments: breadcrumbs, menus;
* a label and a list of short comma-separated items: tags, keywords, topics;
* social network names (Facebook, Zalo, YouTube, …): "follow us on …" in any wording;
* dates, times and counters (a number beside at most four words): "updated at", "35 comments";
* a web address among a few words: the site's own name;
* the density of site-function words (comment, share, follow, feedback, newsroom, section,
  bình luận, chia sẻ, theo dõi, góp ý, tòa soạn, chuyên mục, …), as jusText uses the density
  of stopwords: a short line made mostly of them is about the site, not the story;
* context: a short line without sentence punctuation between two chrome lines (or a chrome
  line and the page edge) is chrome, unless it heads content (the next line that is not
  chrome is a paragraph: a title above its dateline) or belongs to a stanza of short lines.

Lines in both languages (a subtitle cue and its translation) and "continue reading" titles
are content by construction and never judged here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from align.text.normalize import dedupe_key

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_NAV_SEP = re.compile(r"\s(?:›|»|>>|>|/|\||·|•)\s")
_TAG_LIST = re.compile(r"^[^:]{1,30}:\s*(.+)$")
_SOCIAL = re.compile(
    r"\b(?:facebook|zalo|youtube|tiktok|twitter|instagram|pinterest|telegram|linkedin|"
    r"threads|fanpage|whatsapp|viber)\b", re.I)
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2}:\d{2}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b", re.I)
_NUMBER = re.compile(r"(?<![\w.,])\d[\d.,]*[kKmM]?(?![\w])")
_YEAR = re.compile(r"(?:19|20)\d\d")
_DOMAIN = re.compile(r"\b[\w-]+\.(?:vn|com|net|org|info|edu|gov|io|co|example)\b", re.I)
_SENTENCE_END = ".!?…"
#: words about the site rather than the story (vi syllables joined: "bình luận" = "bìnhluận")
_SITE_TERMS = {dedupe_key(t): len(t.split()) for t in (
    "bình luận", "chia sẻ", "theo dõi", "đăng ký", "đăng nhập", "góp ý", "phản hồi", "ý kiến",
    "tòa soạn", "toà soạn", "chuyên mục", "liên quan", "từ khóa", "cập nhật", "lượt xem",
    "lượt thích", "yêu thích", "bạn đọc", "độc giả", "tin khác", "xem thêm",
    "đọc thêm", "đọc tiếp", "quảng cáo", "bản quyền", "hotline", "email", "fanpage",
    "trang chủ", "đọc nhiều", "chủ đề", "danh mục", "topic", "topics", "comment", "comments",
    "share", "follow",
    "subscribe", "feedback", "newsroom", "editor", "editors", "related", "section", "category",
    "tags", "tag", "keywords", "updated", "posted", "published", "views", "likes", "reply",
    "login", "newsletter", "trending", "sponsored", "advertisement",
)}
_TERM_MAX = max(_SITE_TERMS.values())
SHORT_WORDS = 12
#: a line longer than this is a paragraph whatever it contains (chrome is short)
LONG_CHARS = 400
GOOD_WORDS = 8
TERM_DENSITY = 0.3
#: the last lines of a page, where calls to comment, share or subscribe sit
TAIL = 3
TAIL_DENSITY = 0.2


@dataclass(frozen=True)
class LineFeatures:
    """What the classifier looks at in one line."""

    words: int
    ends_sentence: bool
    nav: bool
    tags: bool
    social: int
    dated: bool
    counter: bool
    domain: bool
    term_density: float

    @property
    def chrome(self) -> bool:
        """Chrome from the line's own features."""
        if self.nav or self.tags or self.counter:
            return True
        if self.social >= 2 and self.words <= 25:
            return True
        if self.social and self.words <= 15 and not self.ends_sentence:
            return True
        if self.dated and self.words <= 12 and not self.ends_sentence:
            return True
        if self.domain and self.words <= 6:
            return True
        return (self.words <= 15 and not self.ends_sentence
                and self.term_density >= TERM_DENSITY)

    @property
    def tail_chrome(self) -> bool:
        """At the foot of a page, a short call to comment or subscribe is chrome even when
        it is written as a sentence."""
        return self.words <= 15 and self.term_density >= TAIL_DENSITY

    @property
    def good(self) -> bool:
        """A paragraph: long enough and ending like a sentence, or simply long."""
        return (self.words >= GOOD_WORDS and self.ends_sentence) or self.words > 15

    @property
    def short(self) -> bool:
        """Short and unpunctuated: what the neighbours decide."""
        return self.words <= SHORT_WORDS and not self.ends_sentence


def _term_density(text: str, words: list[str]) -> float:
    if not words:
        return 0.0
    keys = [w.casefold().replace("’", "").replace("'", "") for w in words]  # letters only
    hits = 0
    k = 0
    while k < len(keys):
        for size in range(_TERM_MAX, 0, -1):
            if k + size <= len(keys) and "".join(keys[k:k + size]) in _SITE_TERMS:
                hits += size
                k += size
                break
        else:
            k += 1
    return hits / len(words)


def _is_nav(text: str) -> bool:
    seps = _NAV_SEP.findall(f" {text} ")
    if not seps:
        return False
    parts = [p for p in _NAV_SEP.split(f" {text} ") if p.strip()]
    limit = 6 if len(seps) >= 2 else 5
    return len(parts) >= 2 and all(
        len(p.split()) <= limit and p.strip()[-1] not in _SENTENCE_END for p in parts)


def _is_tag_list(text: str) -> bool:
    m = _TAG_LIST.match(text)
    if not m or text.rstrip()[-1] in _SENTENCE_END:
        return False
    items = [x.strip() for x in re.split(r"[,;]", m.group(1)) if x.strip()]
    return len(items) >= 3 and all(len(x.split()) <= 4 for x in items)


def line_features(text: str) -> LineFeatures:
    """The features of one line (a long line is a paragraph: only its length is looked at)."""
    stripped = text.rstrip("\"”’')»]")
    ends = bool(stripped) and stripped[-1] in _SENTENCE_END
    if len(text) > LONG_CHARS:
        return LineFeatures(len(text.split()), ends, False, False, 0, False, False, False, 0.0)
    words = _WORD.findall(text)
    n = len(words)
    numbers = [x for x in _NUMBER.findall(text) if not _YEAR.fullmatch(x)]
    return LineFeatures(
        words=n,
        ends_sentence=ends,
        nav=_is_nav(text),
        tags=_is_tag_list(text),
        social=len(_SOCIAL.findall(text)),
        dated=bool(_DATE.search(text)),
        counter=bool(numbers) and 0 < n <= 4 and not ends and len(numbers) <= 3,
        domain=bool(_DOMAIN.search(text)),
        term_density=_term_density(text, words),
    )


def page_chrome(texts: list[str], known: list[bool], exempt: list[bool]) -> list[bool]:
    """Which lines of a page are chrome.

    ``known``: lines already set aside as chrome by other rules; ``exempt``: lines that are
    content whatever they look like (two languages on the line, a "continue reading" title).
    """
    feats = [line_features(t) for t in texts]
    n = len(texts)
    bad = [k or (not e and (f.chrome or (i >= n - TAIL and f.tail_chrome)))
           for i, (k, f, e) in enumerate(zip(known, feats, exempt, strict=True))]
    # a stanza or list of short lines is content read line by line, not chrome
    stanza = [False] * n
    k = 0
    while k < n:
        j = k
        while j < n and not bad[j] and feats[j].short:
            j += 1
        if j - k >= 3:
            for i in range(k, j):
                stanza[i] = True
        k = max(j, k + 1)
    _label_above_title(feats, bad, exempt)
    for _ in range(2):
        changed = False
        for i in range(n):
            f = feats[i]
            if bad[i] or exempt[i] or stanza[i] or not f.short:
                continue
            prev_bad = i == 0 or bad[i - 1]
            next_bad = i == n - 1 or bad[i + 1]
            beside = (i > 0 and bad[i - 1]) or (i < n - 1 and bad[i + 1])  # not just edges
            if prev_bad and next_bad and beside and not _heads_content(i, feats, bad, stanza):
                bad[i] = changed = True
        if not changed:
            break
    return bad


def _label_above_title(feats: list[LineFeatures], bad: list[bool], exempt: list[bool]) -> None:
    """The page's first line, a word or three above a title, is a section or site label."""
    rest = [i for i in range(len(feats)) if not bad[i]]
    if len(rest) < 2 or exempt[rest[0]]:
        return
    first, title = feats[rest[0]], feats[rest[1]]
    if first.words <= 3 and first.short and title.words <= 15 and not title.good:
        bad[rest[0]] = True


def _heads_content(i: int, feats: list[LineFeatures], bad: list[bool],
                   stanza: list[bool]) -> bool:
    """The next line that is not chrome is a paragraph or verse: line ``i`` is its title."""
    for j in range(i + 1, len(feats)):
        if not bad[j]:
            return feats[j].good or stanza[j]
    return False
