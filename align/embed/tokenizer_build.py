"""Rebuild the e5 tokenizer (a Unigram SentencePiece model with an NFKC table) from an E5S1
file, as a Hugging Face ``tokenizers`` object that sentence-transformers loads."""

from __future__ import annotations

from align.embed.e5_format import E5File

_PLACEHOLDER_BASE = 0x100000  # Supplementary Private Use Area-B: stable under NFKC


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


def special_tokens(e5: E5File) -> dict[str, str]:
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
