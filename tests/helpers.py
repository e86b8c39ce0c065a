"""Paths the tests share (imported by name: pytest puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

#: the repository root (the ``tiegraph`` package)
REPO = Path(__file__).resolve().parent.parent
#: the read-only ``shared/`` folder beside the checkout: seed articles and real datasets
SHARED = REPO.parent / "shared"
