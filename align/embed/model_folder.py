"""Write a complete sentence-transformers folder (weights, config, tokenizer, pooling, prompts)
for an E5S1 model, with a marker file written last that says the folder is complete."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from align.embed.e5_format import E5File
from align.embed.tokenizer_build import build_tokenizer, special_tokens
from align.embed.weight_map import hf_config, hf_state_dict

MARKER = "align_build.json"
BUILD_FORMAT = 1  # bump when the folder layout changes, so old builds are rebuilt
MAX_SEQ_LENGTH = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}


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
    specials = special_tokens(e5)
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
