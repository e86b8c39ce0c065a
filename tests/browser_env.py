"""Debian's Chromium for the tests that open a real browser (Playwright drives it: it cannot download one here).

``.ci/run`` installs /usr/bin/chromium; ``TIEGRAPH_CHROMIUM`` points elsewhere.  On a developer's machine
without it (or without playwright) such a test is skipped; under CI that is a failure, so it cannot pass
by never running.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from neo4j_fixtures import in_ci

CHROMIUM = os.environ.get("TIEGRAPH_CHROMIUM", "/usr/bin/chromium")


def require_browser() -> None:
    """Skip without Chromium or Playwright on a developer's machine; under CI (which installs both) fail."""
    missing = [] if Path(CHROMIUM).is_file() else [f"Chromium at {CHROMIUM} (apt-get install chromium)"]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test]')")
    if missing:
        (pytest.fail if in_ci() else pytest.skip)("no " + " and no ".join(missing))
