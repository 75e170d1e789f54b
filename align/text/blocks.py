"""Page → blocks: paragraphs with a language, and the chrome and repeats set aside.

A block is a non-empty line of the page (scraped pages put one paragraph per line); lines that
were hard-wrapped inside a paragraph are joined back. Each block is then classified in order:
boilerplate (chrome phrases, bylines, headings in capitals, dates, links), then language
(``vi``/``en``, ``neutral`` for lines without language, or a third language), then duplicate (an
exact or near-exact repeat of an earlier content block).
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from align.records import EN, NEUTRAL, VI, Block, Reason
from align.text.boilerplate import page_chrome as page_chrome_lines
from align.text.chrome import is_learnt_chrome
from align.text.langid import detect
from align.text.normalize import dedupe_key
from align.text.runs import is_bilingual, read_runs, speaker_labels
from align.text.verse import MIN_LINES, is_verse

#: Lines (compared case- and punctuation-insensitively) that are site chrome, not content.
CHROME_PHRASES = frozenset(
    dedupe_key(p)
    for p in """tin liên quan|tin lien quan|bài viết liên quan|tin cùng chuyên mục|tin mới nhất|
    tin khác|xem thêm|đọc thêm|xem tiếp|chia sẻ|bình luận|gửi bình luận|quảng cáo|từ khóa|tags|
    trang chủ|in bài|lưu bài|tin nổi bật|đọc nhiều nhất|video|ảnh|clip|theo dõi chúng tôi|
    related news|related articles|related stories|read more|see more|more news|latest news|
    most read|share|comments|leave a comment|advertisement|home|print|subscribe|follow us|
    sign in|log in|back to top|top stories|you may also like|recommended""".split("|")
)
CHROME_PREFIXES = tuple(
    dedupe_key(p)
    for p in (
        "mời quý độc giả",
        "mời bạn đọc",
        "mời độc giả",
        "bản quyền",
        "copyright",
        "all rights reserved",
        "đăng ký nhận tin",
        "sign up for",
        "click here",
        "bấm vào đây",
    )
)
_URL = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$", re.I)
_DATE = re.compile(
    r"^(?:(?:thứ\s+\w+|chủ nhật|monday|tuesday|wednesday|thursday|friday|saturday|sunday|ngày)"
    r"[,\s]*)?[\d\s/:.,\-–—]*(?:gmt[+\-]?\d*|am|pm|sa|ch)?[\d\s/:.,\-–—()]*$",
    re.I,
)
_BYLINE = re.compile(
    r"^(?:by|theo|nguồn|source|photo|ảnh|tác giả|author|reporter|phóng viên|pv|bản dịch|"
    r"người dịch|dịch giả|translated by|translation|translator|sáng tác|trình bày|biên tập|"
    r"editor|lyrics|music|composer)\b[:\s].{0,60}$",
    re.I,
)
_TERMINAL = ".!?…:;\"”’)»"
#: a title in capitals that opens with one of these is a title, not a person's name
_TITLE_OPENERS = frozenset({"the", "a", "an", "my", "our", "your", "how", "why", "what", "when"})
_NEAR_DUP_RATIO = 0.92
#: a section marker of lyrics such as ``[Verse 1]`` or ``[Điệp khúc]``
_SECTION = re.compile(r"^\[[^\]]{1,30}\]$")


def split_blocks(text: str) -> list[str]:
    """Non-empty lines, with hard-wrapped continuation lines joined to their paragraph; the
    lines of a stanza of verse stay apart (``verse.py``)."""
    blocks: list[str] = []
    group: list[str] = []
    for line in (*text.split("\n"), ""):
        line = line.strip()
        if line:
            group.append(line)
            continue
        if len(group) >= MIN_LINES and any(x[0].islower() for x in group[1:]) and is_verse(
                [x for x in group if not _SECTION.match(x)]):
            blocks += group
        else:
            for k, x in enumerate(group):
                if k and x[0].islower() and blocks[-1][-1] not in _TERMINAL:
                    blocks[-1] = f"{blocks[-1]} {x}"
                else:
                    blocks.append(x)
        group = []
    return blocks


def is_boilerplate(text: str) -> bool:
    """Site chrome, bylines, headings in capitals, dates and links: never content to align."""
    key = dedupe_key(text)
    if not key:
        return True
    if key in CHROME_PHRASES or key.startswith(CHROME_PREFIXES):
        return True
    if _URL.match(text) or _DATE.match(text):
        return True
    words = text.split()
    if "|" in text:
        parts = [p.strip() for p in text.split("|")]
        # "Name |" bylines and "Home | News | Sport" navigation: all parts short
        if all(len(p.split()) <= 4 for p in parts):
            return True
    if _BYLINE.match(text) and len(words) <= 8:
        return True
    if text[-1] in ".!?…":
        return False
    letters = [c for c in text if c.isalpha()]
    if len(words) <= 6 and letters and all(c.isupper() for c in letters):
        return True  # section heading such as "TIN LIÊN QUAN"
    if len(words) <= 4 and not any(c.isdigit() for c in text):
        alpha_words = [w for w in words if any(c.isalpha() for c in w)]
        if (alpha_words and all(w[0].isupper() for w in alpha_words) and len(words) >= 2
                and alpha_words[0].lower() not in _TITLE_OPENERS):
            return True  # a name on its own line: author signature or photo credit
    return False


class _DuplicateIndex:
    """Finds exact and near-exact repeats of earlier blocks in about linear time.

    Near-exact candidates are found through anchors (start, middle and end of the comparison
    key) so a block is only compared with earlier blocks that share one.
    """

    def __init__(self) -> None:
        self.exact: dict[str, int] = {}
        self.anchors: dict[str, list[int]] = {}
        self.keys: dict[int, str] = {}

    @staticmethod
    def _anchors(key: str) -> list[str]:
        if len(key) < 30:
            return []
        w = 12
        mid = len(key) // 2
        return ["s" + key[:w], "m" + key[mid - w // 2 : mid + w // 2], "e" + key[-w:]]

    def find(self, key: str) -> int | None:
        if key in self.exact:
            return self.exact[key]
        seen: set[int] = set()
        for anchor in self._anchors(key):
            for idx in self.anchors.get(anchor, ()):
                if idx in seen:
                    continue
                seen.add(idx)
                other = self.keys[idx]
                if abs(len(other) - len(key)) > 0.1 * max(len(other), len(key)):
                    continue
                if SequenceMatcher(None, key, other, autojunk=False).ratio() >= _NEAR_DUP_RATIO:
                    return idx
        return None

    def add(self, key: str, idx: int) -> None:
        self.exact.setdefault(key, idx)
        self.keys[idx] = key
        for anchor in self._anchors(key):
            bucket = self.anchors.setdefault(anchor, [])
            if len(bucket) < 50:
                bucket.append(idx)


def classify_blocks(
    texts: list[str], chrome: frozenset[int] = frozenset(), page_chrome: bool = True
) -> list[Block]:
    """Blocks with language and kind (``content`` or the reason they are set aside).

    ``chrome`` holds lines learnt as site chrome across pages (see ``chrome.py``);
    ``page_chrome`` also judges each line from its own features and its neighbours'
    (``boilerplate.py``). A content block carries its language runs (``runs.py``).
    """
    labels = speaker_labels(texts)
    read = [read_runs(text, labels) for text in texts]
    both = [is_bilingual(runs) for runs, _ in read]
    # a line in both languages is content, whatever its parts look like
    known = [not b and (not runs or is_boilerplate(text[runs[0].start:])
                        or (runs[0].start > 0 and is_boilerplate(text))
                        or bool(_SECTION.match(text)) or is_learnt_chrome(text, chrome))
             for text, (runs, _), b in zip(texts, read, both, strict=True)]
    if page_chrome:
        exempt = [b or wrapped for b, (_, wrapped) in zip(both, read, strict=True)]
        bad = page_chrome_lines(texts, known, exempt)
    else:
        bad = known
    blocks: list[Block] = []
    index = _DuplicateIndex()
    for i, text in enumerate(texts):
        block = Block(index=i, text=text)
        runs = read[i][0]
        if "\ufffd" in text:  # characters lost in decoding: a pair of it would be corrupt
            block.kind = Reason.DAMAGED
            block.lang = detect(text).lang
        elif bad[i]:
            block.kind = Reason.BOILERPLATE
            block.lang = detect(text).lang
        else:
            if both[i]:
                block.lang = max(runs, key=lambda r: len(r.text)).lang
                block.runs = runs
            else:
                block.lang = detect(runs[0].text).lang
                block.runs = [replace(runs[0], lang=block.lang)]
            key = dedupe_key(text)
            dup = index.find(key)
            if dup is not None:
                block.kind = Reason.DUPLICATE
                block.duplicate_of = dup
            else:
                index.add(key, i)
                if block.lang == NEUTRAL:
                    block.kind = Reason.NEUTRAL
                elif block.lang not in (VI, EN):
                    block.kind = Reason.OTHER_LANGUAGE
        if block.kind != "content":
            block.runs = []
        blocks.append(block)
    return blocks
