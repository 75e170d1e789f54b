"""Helper processes of ``align corpus`` that die with their parent and never hold its lock.

Helpers are *spawned* (a fresh interpreter): a forked child would inherit the open lock file
and keep the output locked after its parent was killed. Each helper ignores Ctrl-C (the parent
handles it and stops them) and leaves as soon as its parent is gone: on Linux the kernel sends
it SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); everywhere a watch thread notices the
parent's pid is no longer its parent's and exits.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _init_helper(parent: int) -> None:
    """Runs first in every helper: quiet on Ctrl-C, gone when the parent is."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def helper_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` helper processes that die with this one."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_helper, initargs=(os.getpid(),))


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop helpers at once (on an error or interrupt): queued work is dropped, running
    helpers are terminated rather than waited for."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.join(5)
