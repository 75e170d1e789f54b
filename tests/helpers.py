"""Helpers shared by the tests: paths, a stand-in embedder, sentence pools, page invariants,
and a writer of tiny synthetic E5S1 model files."""

from __future__ import annotations

import hashlib
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from align.embed.e5_format import (
    DTYPE_F32,
    DTYPE_Q4_0,
    MAGIC,
    QK,
    E5Config,
    dequantize_q4_0,
    expected_shapes,
)
from align.io.formats import TsvFormat, tsv_value
from align.io.rows import LEFTOVER_COLUMNS, PAIR_COLUMNS, leftover_rows, pair_rows
from align.records import EN, VI

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


class HashEmbedder:
    """Deterministic pseudo-embeddings: a text's vector comes from its hash.

    ``meaning`` maps texts to a shared key, so a test can declare two texts translations of
    each other (same key → nearly the same vector).
    """

    def __init__(self, meaning: dict[str, str] | None = None, dim: int = 64) -> None:
        self.meaning = meaning or {}
        self.dim = dim

    def _vec(self, key: str, salt: str = "") -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256((salt + key).encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for t in texts:
            key = self.meaning.get(t, t)
            v = self._vec(key) + 0.25 * self._vec(t, "noise")
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def token_counts(self, texts: list[str]) -> np.ndarray:
        return np.array([max(1, len(t.split())) for t in texts], dtype=np.float32)


def need_shared(path: Path) -> Path:
    """Skip a test when ../shared is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


# --- sentence pools with known translations ---------------------------------------

VI_POOL = [
    "Hôm nay trời mưa rất to ở Hà Nội.",
    "Giá xăng đã tăng ba lần trong tháng này.",
    "Các em học sinh được nghỉ học vì bão.",
    "Đội tuyển Việt Nam thắng 2-0 trong trận chung kết.",
    "Bác sĩ khuyên người dân nên rửa tay thường xuyên.",
    "Thành phố sẽ xây thêm hai cây cầu mới bắc qua sông.",
]
EN_POOL = [
    "It is raining very heavily in Hanoi today.",
    "Petrol prices have risen three times this month.",
    "Pupils were given a day off school because of the storm.",
    "Vietnam's team won the final 2-0.",
    "Doctors advise people to wash their hands often.",
    "The city will build two new bridges across the river.",
]
NOISE = ["Bùi Đức |", "TIN LIÊN QUAN", "Related news", "24/7/2014", "https://example.com/a",
         "Bonjour tout le monde, comment allez-vous aujourd'hui?", "\u200b", "   ", "12345",
         'Quote "inside"\tand a tab']
MEANING = {t: f"m{i}" for pool in (VI_POOL, EN_POOL) for i, t in enumerate(pool)}


def check_page_invariants(result) -> None:
    """Every sentence in exactly one pair or leftover, pairs are vi/en and not identical,
    set-aside blocks reported, and the TSV written parses back to the same rows."""
    in_pairs = [s.index for p in result.pairs for s in (*p.vi, *p.en)]
    in_left = [i for left in result.leftovers for i in left.sentences]
    assert sorted(in_pairs + in_left) == [s.index for s in result.sentences]
    for p in result.pairs:
        assert all(s.lang == VI for s in p.vi) and all(s.lang == EN for s in p.en)
        assert p.vi_text != p.en_text
    blocks_left = [left.block for left in result.leftovers if not left.sentences]
    content = {s.block for s in result.sentences}
    set_aside = [b.index for b in result.blocks if b.index not in content]
    assert sorted(blocks_left) == set_aside
    # TSV round trip: header + one line per row, same cells back
    for rows, cols in ((list(pair_rows(result)), PAIR_COLUMNS),
                       (list(leftover_rows(result)), LEFTOVER_COLUMNS)):
        fmt = TsvFormat(cols)
        text = fmt.begin()["main"] + fmt.encode(rows)["main"]
        lines_out = text.split("\n")
        assert lines_out[-1] == "" and len(lines_out) == len(rows) + 2
        parsed = [dict(zip(cols, ln.split("\t"), strict=False)) for ln in lines_out[1:-1]]
        assert all(len(ln.split("\t")) == len(cols) for ln in lines_out[1:-1])
        assert parsed == [{c: tsv_value(getattr(r, c)) for c in cols} for r in rows]


# --- tiny synthetic E5S1 model files ----------------------------------------------

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


def write_rows_tsv(path: Path, columns: tuple[str, ...], rows) -> None:
    """Write rows as the CLI does (raw TSV with a header), e.g. for tests that read outputs."""
    fmt = TsvFormat(columns)
    path.write_text(fmt.begin()["main"] + fmt.encode(list(rows))["main"], encoding="utf-8")
