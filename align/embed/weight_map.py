"""Map E5S1 tensors to the names and shapes of a Hugging Face BERT checkpoint and its config."""

from __future__ import annotations

import numpy as np

from align.embed.e5_format import E5File


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
