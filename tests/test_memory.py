"""Freed heap memory goes back to the system (glibc's malloc_trim), so a long-running server
does not keep what one big file needed."""
import sys

import pytest

from core import memory


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and needs glibc")
def test_release_freed_returns_fragmented_heap_pages():
    # 200 MB in 100 kB pieces (below glibc's mmap threshold, so on the heap), then all but
    # every 100th freed: the survivors pin the heap, and free() alone hands nothing back.
    blocks = [bytearray(100_000) for _ in range(2000)]
    keep = blocks[::100]
    del blocks
    before = _rss_mb()
    assert memory.release_freed() is True
    assert before - _rss_mb() > 100, "most of the 200 MB freed should leave the process"
    assert len(keep) == 20


def test_release_freed_is_harmless_without_the_call(monkeypatch):
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    assert memory.release_freed() is False
