"""Find the supported datasets in a folder, for ``tiegraph import all DIR``.

Files are recognised by what they hold, not by their names: the header of a CSV
(SIPRI's "Recipient,Supplier,…" trade register or "SIPRI AT Database ID,Supplier,…"
per-delivery export after its preamble, DCAD's ``DCAid``, MME's ``MMEID``, ATOP's
``atopid`` with ``begyr`` or ``member``, JME's ``Exercise Name``) and the OLE2
signature of JME's Excel 97-2003 workbook.  Every file found is either imported
or skipped with the reason, so the user sees what the folder held and what
became of it.

**Both SIPRI layouts in one folder tree**: they are two exports of one database,
so importing both would count every deal twice (both become dataset ``sipri``,
and the overlap matcher never pairs two ties of one dataset).  The per-delivery
export — what SIPRI serves today, with stable deal ids — is imported and the
trade register is skipped, saying so; either can still be imported alone by hand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tiegraph.loaders.readers import OLE2_SIGNATURE, decode_text

#: the order datasets are imported in (and listed): the overlap priority of loaders/overlap.py
SOURCES = ("dcad", "atop", "sipri", "mme", "jme")
SNIFF_BYTES = 64 * 1024
#: the kind of SIPRI's current per-delivery export (the older trade register is "sipri")
SIPRI_TRANSFERS = "sipri-transfers"
DOCUMENTS = (".md", ".pdf", ".txt", ".html", ".docx", ".doc")


@dataclass
class Found:
    """What a folder holds: ``datasets`` (source -> the path its reader takes) and ``skipped``."""

    datasets: dict[str, Path] = field(default_factory=dict)
    #: (path, why it is not imported on its own)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def _header_kind(path: Path) -> str | None:
    """The dataset (or ATOP level) a CSV's header names, or None."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    lines = decode_text(head)[0].splitlines()
    for line in lines[:40]:
        if line.startswith("Recipient,Supplier,"):
            return "sipri"
        if line.startswith("SIPRI AT Database ID,Supplier,"):
            return SIPRI_TRANSFERS
    columns = set(lines[0].lstrip("\ufeff").split(",")) if lines else set()
    if {"DCAid", "ccode1", "ccode2"} <= columns:
        return "dcad"
    if "MMEID" in columns:
        return "mme"
    if {"Exercise Name", "State A"} <= columns:
        return "jme"
    if "atopally" in columns:
        return "atop-state-year"
    if "atopid" in columns:
        return "atop-alliance" if "begyr" in columns else "atop-member" if "member" in columns else "atop-other"
    return None


def _kind(path: Path) -> str | None:
    if path.suffix.lower() == ".csv":
        return _header_kind(path)
    with path.open("rb") as handle:
        if handle.read(len(OLE2_SIGNATURE)) == OLE2_SIGNATURE:
            return "jme"
    return None


def find_datasets(folder: Path, exclude: Path | None = None) -> Found:
    """Walk ``folder`` (sub-folders included, links not followed) and sort its files.

    ``exclude`` (the directory imports are written to, when it lies inside ``folder``)
    is not walked: its files are tiegraph's own, not datasets to find.
    """
    found = Found()
    skip = exclude.resolve() if exclude is not None else None
    files = sorted(Path(root) / name for root, dirs, names in os.walk(folder)
                   if skip is None or not Path(root).resolve().is_relative_to(skip) for name in names)
    members: list[Path] = []
    nna: list[Path] = []
    sipri: dict[Path, str] = {}  # SIPRI exports found, by layout: chosen among after the walk
    for path in files:
        try:
            kind = _kind(path) if path.is_file() else None
        except OSError as exc:
            found.skipped.append((path, f"cannot read: {exc.strerror}"))
            continue
        if kind is None:
            found.skipped.append((path, "documentation, not data" if path.suffix.lower() in DOCUMENTS
                                  else "not a file of a supported dataset (dcad, atop, sipri, mme, jme)"))
        elif kind == "atop-member":
            members.append(path)
        elif kind == "atop-state-year":
            found.skipped.append((path, "ATOP state-year file: derived from the member-level file, not needed"))
        elif kind == "atop-other":
            found.skipped.append((path, "ATOP file of a level tiegraph does not read"))
        elif kind in ("sipri", SIPRI_TRANSFERS):
            sipri[path] = kind
        else:
            source = "atop" if kind == "atop-alliance" else kind
            if source == "atop" and path.name.endswith("_NNA.csv"):
                found.skipped.append((path, "ATOP without pure non-aggression pacts (NNA): a subset of the "
                                            "full alliance file, which is imported when present"))
                nna.append(path)
            elif source in found.datasets:
                kept = found.datasets[source]
                found.skipped.append((path, f"another {source} file: {kept.name} is imported (one file per "
                                            "dataset; import this one by hand with --into)"))
            else:
                found.datasets[source] = path
    _choose_sipri(sipri, found)
    if "atop" not in found.datasets and nna:  # only the NNA pair is there: import that
        found.datasets["atop"] = nna[0]
        found.skipped = [s for s in found.skipped if s[0] != nna[0]]
    atop = found.datasets.get("atop")
    for path in members:
        if atop is not None and path.name == atop.name.replace("a.csv", "m.csv").replace("a_NNA.csv", "m_NNA.csv"):
            continue  # read with its alliance-level file
        if any(path.name == n.name.replace("a_NNA.csv", "m_NNA.csv") for n in nna):
            found.skipped.append((path, "member-level half of the NNA pair (not imported, see above)"))
        else:
            found.skipped.append((path, "ATOP member-level file without its imported alliance-level file"))
    found.datasets = {s: found.datasets[s] for s in SOURCES if s in found.datasets}
    return found


def _choose_sipri(files: dict[Path, str], found: Found) -> None:
    """Import one SIPRI export: the first per-delivery export, else the first trade register."""
    if not files:
        return
    kept = min(files, key=lambda p: (files[p] != SIPRI_TRANSFERS, p))
    found.datasets["sipri"] = kept
    for path, kind in files.items():
        if path == kept:
            continue
        if kind == files[kept]:
            why = (f"another sipri file: {kept.name} is imported (one file per dataset; import this one by "
                   "hand with --into)")
        else:
            why = (f"SIPRI trade register (older layout) of the database whose current per-delivery export "
                   f"{kept.name} is imported: both would count each deal twice (import this one by hand with "
                   "--into to use it instead)")
        found.skipped.append((path, why))
