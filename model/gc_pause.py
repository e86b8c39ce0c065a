"""Pause the cyclic garbage collector while bulk work allocates millions of objects (``gc_paused``).

Why: loading a million ties or building their graph allocates
millions of container objects (ties, tuples, dicts) but no reference cycles.
CPython's cyclic garbage collector nevertheless walks the growing heap again
and again while they are made: about a fifth of the time of loading and
building a million ties.  Pausing it for the bulk step,
and restoring it afterwards, changes nothing but the time: any cycle made
meanwhile is collected at the next collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector for the block (restored even on error; nests)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
