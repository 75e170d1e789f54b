"""Bytes in and rows out: reading pages (encodings, HTML, compressed files), walking inputs,
atomic and journalled outputs, and the row writers of every format."""
