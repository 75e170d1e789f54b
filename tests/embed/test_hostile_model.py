"""A bad ``--model`` is one line and exit 3, before anything is written; a resumed corpus run
never mixes two models. (A missing or corrupt default-model cache is rebuilt: see
``test_model_build.py``.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from align.aligners.mixed import PageAligner
from align.corpus.run import CorpusOptions, CorpusRun
from align.errors import ModelError
from align.io.files import OutputError
from tests.helpers import EN_POOL, MEANING, VI_POOL, HashEmbedder


def _align(*args) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def bilingual(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("\n\n".join([VI_POOL[0], EN_POOL[0]]), encoding="utf-8")
    return page


@pytest.mark.parametrize("kind", ["folder", "file", "missing",
                                  pytest.param("broken", marks=pytest.mark.slow)])
def test_a_model_path_that_is_not_a_model(tmp_path, bilingual, kind) -> None:
    model = tmp_path / "model"
    if kind == "folder":
        model.mkdir()
        (model / "notes.txt").write_text("not a model")
    elif kind == "file":
        model.write_text("not a model")
    elif kind == "broken":
        model.mkdir()
        (model / "config.json").write_text("{broken")
    model_arg = str(model) if kind != "missing" else "./no/such/model"
    expected = {"folder": "is not a model folder", "file": "is not a model folder",
                "missing": "model folder not found", "broken": "cannot load model"}[kind]
    out = tmp_path / "pairs.tsv"
    out.write_text("precious\n")
    rc, stdout, err = _align("mixed", bilingual, "-o", out, "-q", "--model", model_arg)
    assert rc == ModelError.exit_code and stdout == ""
    assert err.count("\n") == 1 and err.startswith("align: error: ") and expected in err
    assert out.read_text() == "precious\n"
    if kind == "folder":
        corpus = tmp_path / "c.tsv"
        rc, _, err = _align("corpus", bilingual, "-o", corpus, "-q", "--model", model_arg)
        assert rc == ModelError.exit_code and err.count("\n") == 1 and expected in err
        assert not corpus.exists()


def test_switching_model_on_a_resumed_corpus_run_is_refused(tmp_path, bilingual) -> None:
    """Nothing is cached across runs but the journal: vectors live in memory, per encoder, so
    a model of another dimension can never meet them; the journal's signature names the
    model, so a corpus is never half one model and half another."""
    out = tmp_path / "c.tsv"

    def run(model: str, restart: bool = False):
        opts = CorpusOptions(output=out, model=model, restart=restart)
        return CorpusRun(PageAligner(HashEmbedder(MEANING)), opts).run([str(bilingual)])

    run("default")
    before = out.read_bytes()
    changed = r"other settings \(model default → /models/other-dim-768\); use --restart"
    with pytest.raises(OutputError, match=changed) as err:
        run("/models/other-dim-768")
    assert "\n" not in str(err.value) and out.read_bytes() == before
    run("/models/other-dim-768", restart=True)
    stats = run("/models/other-dim-768")
    assert stats.skipped == 1 and stats.pages == 0
