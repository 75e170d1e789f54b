"""Dataset loaders over ../shared/data (skipped when the folder is absent)."""

from __future__ import annotations

import pytest

from align.eval.beads import Bead
from align.eval.metrics import score_documents
from scripts import shared_data as ds


@pytest.fixture(scope="module")
def data_root():
    root = ds.data_root()
    if not root.is_dir():
        pytest.skip(f"{root} not available")
    return root


def test_split_rule() -> None:
    assert ds.DEV_SPLITS["iwslt"] == ("dev2010", "tst2010", "tst2011")
    assert ds.TEST_SPLITS["iwslt"] == ("tst2012", "tst2013")
    assert ds.DEV_SPLITS["textberg"] == ("dev",)
    assert ds.TEST_SPLITS["textberg"] == tuple(f"test{i}" for i in range(7))
    assert ds.DEV_SPLITS["ntrex"] == () and ds.TEST_SPLITS["ntrex"]
    for name in ds.DEV_SPLITS:
        assert not set(ds.DEV_SPLITS[name]) & set(ds.TEST_SPLITS[name])
    with pytest.raises(ValueError):
        ds.iwslt_talks("train")
    with pytest.raises(ValueError):
        ds.textberg("test7")


def test_data_dir_env_override(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ALIGN_DATA_DIR", str(tmp_path))
    assert ds.data_root() == tmp_path


@pytest.mark.parametrize(
    ("split", "talks", "pairs"),
    [("dev2010", 7, 768), ("tst2010", 10, 1342), ("tst2011", 16, 1435), ("tst2012", 14, 1553),
     ("tst2013", 18, 1268)],
)
def test_iwslt_sizes(data_root, split: str, talks: int, pairs: int) -> None:
    got = ds.iwslt_talks(split)
    assert len(got) == talks
    assert sum(len(t.en) for t in got) == sum(len(t.vi) for t in got) == pairs
    assert all(len(t.en) == len(t.vi) and t.docid for t in got)
    assert all(s and s == s.strip() for t in got for s in (*t.en, *t.vi))


def test_iwslt_text_is_unescaped(data_root) -> None:
    talks = ds.iwslt_talks("tst2012")
    assert talks[0].docid == "1368"
    assert talks[0].vi[1] == "Câu chuyện này chưa kết thúc."
    text = " ".join(s for t in talks for s in t.en)
    assert "&amp;" not in text and "&lt;" not in text and "&" in text


def test_textberg(data_root) -> None:
    de, fr, gold = ds.textberg("test0")
    assert (len(de), len(fr), len(gold)) == (137, 155, 128)
    assert gold[0] == Bead((0,), (0, 1))
    assert all(i < len(de) for b in gold for i in b.src)
    assert all(i < len(fr) for b in gold for i in b.tgt)
    test = [ds.textberg(n) for n in ds.TEST_SPLITS["textberg"]]
    assert sum(len(d) for d, _, _ in test) == 991 and sum(len(f) for _, f, _ in test) == 1011
    assert sum(len(g) for _, _, g in test) == 916
    dev = ds.textberg("dev")
    assert (len(dev[0]), len(dev[1]), len(dev[2])) == (468, 554, 422)


def test_textberg_gold_scores_itself_perfectly(data_root) -> None:
    docs = [(g, g) for _, _, g in (ds.textberg(n) for n in ds.TEST_SPLITS["textberg"])]
    s = score_documents(docs)
    assert s.n_docs == 7 and s.counts.test == 916
    assert (s.strict_p, s.strict_r, s.strict_f1, s.lax_p, s.lax_r, s.lax_f1) == (1.0,) * 6


def test_ntrex(data_root) -> None:
    docs = ds.ntrex()
    assert len(docs) == 123 and docs[0].docid == "bbc.381790"
    assert sum(len(d.en) for d in docs) == sum(len(d.vi) for d in docs) == 1997
    assert docs[0].en[0] == "Welsh AMs worried about 'looking like muppets'"
    assert all("\r" not in s for d in docs for s in (*d.en, *d.vi))
