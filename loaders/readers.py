"""Readers of third-party files: CSV and legacy Excel rows as text, with the line each came from.

Both readers give ``(line, {column: text})`` so one row builder serves a workbook and a
CSV export of its sheet; a missing column, a short row or a damaged file is an
``ExternalFormatError`` (one ``FILE:LINE: …`` line), never a silent skip.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tiegraph.loaders.records import _FORBIDDEN, NO_BOM_UTF16, _char_problem, is_blank, other_unicode
from tiegraph.model.errors import ExternalFormatError


def read_csv_rows(path: Path, required: tuple[str, ...], *, encoding: str = "utf-8",
                  label: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for each data row of a CSV file, checking the header first.

    ``line`` is the physical line the row starts on (the header is line 1), so
    every skip and source locator points at the right line of the real file.
    A missing column or a row with the wrong number of fields is a format error.
    """
    label = label or path.name
    text = _read_text(path, label, encoding)
    suspect = _FORBIDDEN.search(text) is not None  # one scan; the rows are searched only when it finds one
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise ExternalFormatError(label, None, None, "file is empty")
            if header and header[0].startswith("\ufeff"):
                header[0] = header[0][1:]
            missing = [c for c in required if c not in header]
            if missing:
                raise ExternalFormatError(label, 1, missing[0], "missing column in the header "
                                          "(is this the right file for this source?)")
            previous = reader.line_num
            for values in reader:
                line, previous = previous + 1, reader.line_num
                if not values:
                    continue
                if len(values) != len(header):
                    raise ExternalFormatError(label, line, None, f"{len(values)} fields, "
                                              f"the header has {len(header)}")
                row = dict(zip(header, values))
                if suspect:
                    _refuse_controls(row, label, line)
                yield line, row
        except csv.Error as exc:
            raise ExternalFormatError(label, reader.line_num, None, f"unreadable CSV: {exc}") from None


def _read_text(path: Path, label: str, encoding: str) -> str:
    """The file as text: white space only is "file is empty" (streamed, see ``is_blank``), another
    Unicode encoding is named, bytes that do not decode are a format error at their line."""
    try:
        if is_blank(path):
            raise ExternalFormatError(label, None, None, "file is empty")
        data = path.read_bytes()
    except OSError as exc:
        raise ExternalFormatError(label, None, None, f"cannot read: {exc.strerror}") from None
    other = other_unicode(data[:4096]) if encoding.replace("-", "").lower() == "utf8" else None
    if other is not None:
        raise ExternalFormatError(label, None, None, f"file is {other}: save it as UTF-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ExternalFormatError(label, data[: exc.start].count(b"\n") + 1, None,
                                  f"not valid {encoding} (byte 0x{data[exc.start]:02x})") from None


def _refuse_controls(row: dict[str, str], label: str, line: int) -> None:
    """A NUL, ESC or other control character in a value is a format error naming its column.

    Why: the validator refused such a record later, as a skip quoting the raw id
    (or an error in the staging file), so the import passed with a record missing.
    """
    for column, value in row.items():
        bad = _FORBIDDEN.search(value)
        if bad:
            raise ExternalFormatError(label, line + value.count("\n", 0, bad.start()), column,
                                      _char_problem(bad.group()))


#: the first bytes of an OLE2 compound file (Excel 97-2003 .xls) and of a ZIP (.xlsx)
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


def read_xls_rows(path: Path, sheet: str, required: tuple[str, ...], *,
                  label: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row, values)`` for each non-empty data row of one sheet of a legacy ``.xls``.

    The same contract as ``read_csv_rows``: ``row`` is the sheet's row number
    as Excel shows it (the header is row 1) and every value is text, so one row
    builder serves the workbook and a CSV export of its sheet.  Cells become
    text as a CSV export would hold them: whole numbers without ``.0``, dates
    as ``YYYY-MM-DD``.  A file that is not an Excel 97-2003 workbook, a missing
    sheet or a missing column is a format error (one line, nothing read).
    """
    label = label or path.name
    try:  # the signature first: a big file that is not a workbook is refused without being read
        if is_blank(path):
            raise ExternalFormatError(label, None, None, "file is empty")
        with path.open("rb") as handle:
            head = handle.read(len(OLE2_SIGNATURE))
        if head.startswith(ZIP_SIGNATURE):
            raise ExternalFormatError(label, None, None, "is an .xlsx (or other ZIP) file, not the Excel 97-2003 "
                                      ".xls workbook this source is read from")
        if not head.startswith(OLE2_SIGNATURE):
            raise ExternalFormatError(label, None, None, "not an Excel 97-2003 .xls workbook (no OLE2 signature; "
                                      "a CSV export of the sheet must be named *.csv)")
        data = path.read_bytes()
    except OSError as exc:
        raise ExternalFormatError(label, None, None, f"cannot read: {exc.strerror}") from None
    import xlrd

    try:  # xlrd writes its warnings to a log (stdout by default): keep them out of the summary
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises many types for a damaged file; any of them means "unreadable"
        raise _damaged(label, data, exc) from None
    try:
        if sheet not in book.sheet_names():
            raise ExternalFormatError(label, None, None, f"no sheet '{sheet}' (the workbook has: "
                                      f"{', '.join(book.sheet_names()) or 'no sheets'})")
        try:
            table = book.sheet_by_name(sheet)
        except Exception as exc:
            raise _damaged(label, data, exc, f"sheet '{sheet}'") from None
        if table.nrows == 0:
            raise ExternalFormatError(label, None, None, f"sheet '{sheet}' is empty")
        header = [_xls_text(cell, book.datemode).strip() for cell in table.row(0)]
        missing = [c for c in required if c not in header]
        if missing:
            raise ExternalFormatError(label, 1, missing[0], f"missing column in the header of sheet '{sheet}' "
                                      "(is this the right file for this source?)")
        for index in range(1, table.nrows):
            values = [_xls_text(cell, book.datemode) for cell in table.row(index)]
            if any(v.strip() for v in values):
                yield index + 1, dict(zip(header, values + [""] * (len(header) - len(values))))
    finally:
        book.release_resources()


#: an OLE2 file is its 512-byte header and whole sectors: any other length was cut (or padded)
OLE2_SECTOR = 512


def _damaged(label: str, data: bytes, exc: Exception, part: str = "the workbook") -> ExternalFormatError:
    """A workbook xlrd cannot read, said in a user's words: cut short, or damaged (xlrd's own message).

    xlrd fails on a truncated file with whatever its parser hits (``IndexError: array
    index out of range``, ``struct.error``); those name no problem a user can act on.
    """
    import xlrd
    from xlrd.compdoc import CompDocError

    if isinstance(exc, (xlrd.XLRDError, CompDocError)):  # xlrd's own words name the damage
        why = f"damaged ({exc}): download or save it again"
    elif len(data) % OLE2_SECTOR:
        why = (f"the file is cut short ({len(data):,} bytes, not a whole number of {OLE2_SECTOR}-byte "
               "sectors): download or save it again")
    else:
        why = "damaged or cut short (its sectors do not add up): download or save it again"
    return ExternalFormatError(label, None, None, f"{part} is unreadable: {why}")


def _xls_text(cell: Any, datemode: int) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates ISO, blanks and errors empty."""
    import xlrd

    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                y, m, d, hh, mm, ss = xlrd.xldate_as_tuple(cell.value, datemode)
            except xlrd.xldate.XLDateError:  # e.g. -9 in a date-formatted cell: keep the number
                pass
            else:
                clock = f"{hh:02d}:{mm:02d}:{ss:02d}"
                if y == 0:
                    return clock
                return f"{y:04d}-{m:02d}-{d:02d}" + (f" {clock}" if (hh, mm, ss) != (0, 0, 0) else "")
        number = float(cell.value)
        return str(int(number)) if number.is_integer() else repr(number)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return ""  # empty, blank, or an error cell (#N/A …): no value


def int_field(value: str, label: str, line: int, column: str, *, blank: int | None = None) -> int | None:
    """Parse an integer column; blank gives ``blank``; anything else non-numeric is a format error."""
    value = value.strip()
    if value == "":
        return blank
    if not value.isascii():  # int() reads '２０２１' and '٢٠٢١' as 2021: only ASCII digits are numbers
        raise ExternalFormatError(label, line, column, f"'{value}' is not a number (ASCII digits only)")
    try:
        return int(float(value)) if "." in value else int(value)
    except ValueError:
        raise ExternalFormatError(label, line, column, f"'{value}' is not a number") from None



def decode_text(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` of a text export whose encoding is not declared.

    A BOM decides (UTF-8, UTF-16); UTF-16 without one shows as a NUL in every other
    byte (valid UTF-8, so it would pass as text full of NULs); else bytes that are valid
    UTF-8 are UTF-8 (latin-1 text with a non-ASCII byte is almost never valid UTF-8);
    else latin-1, which decodes any bytes.  The encoding is returned so the summary can name it.
    """
    for bom, codec, name in ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 with BOM"),
                             (b"\xff\xfe", "utf-16", "UTF-16 (BOM)"), (b"\xfe\xff", "utf-16", "UTF-16 (BOM)")):
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError:
                break
    if other_unicode(data[:4096]) == NO_BOM_UTF16:
        codec = "utf-16-le" if data[1:4096:2].count(0) > data[0:4096:2].count(0) else "utf-16-be"
        try:
            return data.decode(codec), f"UTF-16 {codec[-2:].upper()} (no BOM)"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8" if not data.isascii() else "ASCII"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1 (not valid UTF-8)"
