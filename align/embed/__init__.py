"""Sentences → vectors: the embedded default model (read, converted, cached) and the
sentence-transformers encoder behind the small ``Embedder`` protocol."""
