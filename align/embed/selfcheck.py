"""``align model --check``: does the model find translations? A quick, honest self-test."""

from __future__ import annotations

import time

import numpy as np

from align.embed.embedder import Embedder

CHECK_PAIRS = (
    ("Hôm nay trời mưa rất to ở Hà Nội.", "It is raining very heavily in Hanoi today."),
    ("Giá xăng đã tăng ba lần trong tháng này.", "Petrol prices rose three times this month."),
    ("Các em học sinh được nghỉ học vì bão.", "Pupils had a day off school due to the storm."),
    ("Đội tuyển Việt Nam thắng 2-0 trong trận chung kết.", "Vietnam's team won the final 2-0."),
    ("Bác sĩ khuyên người dân nên rửa tay thường xuyên.", "Doctors advise washing hands often."),
)


def self_check(encoder: Embedder) -> tuple[bool, list[str]]:
    """Embed the pairs above; each Vietnamese sentence must find its own English one."""
    vi = [v for v, _ in CHECK_PAIRS]
    en = [e for _, e in CHECK_PAIRS]
    start = time.perf_counter()
    x, y = encoder.encode(vi), encoder.encode(en)
    seconds = time.perf_counter() - start
    sims = np.asarray(x) @ np.asarray(y).T
    best = sims.argmax(axis=1)
    right = int(np.sum(best == np.arange(len(vi))))
    diag = np.diag(sims)
    off = sims[~np.eye(len(vi), dtype=bool)]
    lines = [
        f"check: {right}/{len(vi)} Vietnamese sentences found their English translation",
        f"check: cosine of translations {diag.min():.3f}..{diag.max():.3f}, "
        f"of other pairs {off.min():.3f}..{off.max():.3f}",
        f"check: {2 * len(vi)} sentences embedded in {seconds:.2f} s",
    ]
    ok = right == len(vi)
    lines.append("check: OK" if ok else "check: FAILED (the model does not match translations)")
    return ok, lines
