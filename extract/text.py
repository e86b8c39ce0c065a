"""Documents as paragraphs and sentences, each sentence with the locator a coder cites.

Why a reader of its own: the coder quotes the sentence verbatim and says where it
is ("para. 4, sentence 2"), so the text must be split the same way every time,
whatever the input format.  Plain text and Markdown are split into paragraphs at
blank lines (Markdown markup is dropped); HTML keeps the text of its block
elements (``<p>``, ``<li>``, headings, ``<br>``) and drops scripts and styles.
Sentences are split at ``.``, ``!`` or ``?`` followed by a capital, a digit or an
opening quote, except after the usual abbreviations ("Jan.", "Gen.", "U.S.") and
initials ("R. Outzen").

A document's date (what relative dates are resolved against) comes from
``--published``, else from a ``Published: YYYY-MM-DD`` (or ``Date:``) line or a
dateline ("December 8, 2023") in its first lines; its URL from a ``Source: URL``
line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from tiegraph.model.dates import PartialDate
from tiegraph.model.errors import TiegraphError

#: file suffixes read as HTML and as Markdown; everything else is plain text
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")


class DocumentError(TiegraphError):
    """A document that cannot be read: missing, not UTF-8, or without text."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence, verbatim (white space collapsed), with where it is."""

    text: str
    paragraph: int
    number: int

    @property
    def locator(self) -> str:
        return f"para. {self.paragraph}, sentence {self.number}"


@dataclass
class Document:
    """A document split into paragraphs of sentences, with its name, date and URL when known."""

    name: str
    paragraphs: list[list[Sentence]]
    published: PartialDate | None = None
    url: str | None = None
    words: int = 0
    header: dict[str, str] = field(default_factory=dict)

    def sentences(self) -> list[Sentence]:
        return [s for para in self.paragraphs for s in para]


# --------------------------------------------------------------------------- reading


def read_document(path: Path | str, published: PartialDate | None = None) -> Document:
    """Read ``path`` (text, Markdown or HTML) into a ``Document``; raise ``DocumentError`` on bad input."""
    path = Path(path)
    label = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{label}: file not found") from None
    except IsADirectoryError:
        raise DocumentError(f"{label}: is a directory, not a document") from None
    except OSError as exc:
        raise DocumentError(f"{label}: cannot read: {exc.strerror}") from None
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DocumentError(f"{label}:{line}: not valid UTF-8 (save the document as UTF-8)") from None
    return parse_document(raw, path.name, suffix=path.suffix.lower(), published=published, label=label)


def parse_document(raw: str, name: str, *, suffix: str = ".txt", published: PartialDate | None = None,
                   label: str | None = None) -> Document:
    """The ``Document`` of the text ``raw``; ``suffix`` picks the reader (``.html``, ``.md``, else text)."""
    header = _header(raw)
    if suffix in HTML_SUFFIXES:
        blocks = _html_blocks(raw)
    else:
        body = _FOOTNOTE_MARK.sub("", _strip_header(raw))
        blocks = [_markdown_inline(b) if suffix in MARKDOWN_SUFFIXES else b for b in _text_blocks(body)]
    paragraphs: list[list[Sentence]] = []
    words = 0
    for block in _rejoin(blocks):
        text = " ".join(block.split())
        if not text:
            continue
        number = len(paragraphs) + 1
        paragraphs.append([Sentence(s, number, i) for i, s in enumerate(split_sentences(text), start=1)])
        words += len(text.split())
    if not paragraphs:
        raise DocumentError(f"{label or name}: empty document (no text to extract ties from)")
    if published is None:
        published = _published(header, blocks)
    return Document(name, paragraphs, published, header.get("source") or header.get("url"), words, header)


_HEADER = re.compile(r"^\s*(?:<!--\s*)?(source|url|published|date)\s*:\s*(.+?)\s*(?:-->)?\s*$", re.I)


_OPEN_END = re.compile(r"[A-Za-z0-9,;]\s*$")


def _rejoin(blocks: list[str]) -> list[str]:
    """Blocks with a sentence cut by a page break joined again: a block that ends without a full
    stop followed by one that starts in lower case ("… fewer Turkmen cadets" / "and other trainees")."""
    out: list[str] = []
    for block in blocks:
        text = block.strip()
        if out and text[:1].islower() and _OPEN_END.search(out[-1]):
            out[-1] = f"{out[-1]} {text}"
        elif text:
            out.append(text)
    return out


def _header(raw: str) -> dict[str, str]:
    """``Source:``/``URL:``/``Published:``/``Date:`` lines among the first ten lines."""
    found: dict[str, str] = {}
    for line in raw.splitlines()[:10]:
        match = _HEADER.match(line)
        if match:
            found.setdefault(match.group(1).lower(), match.group(2))
    return found


def _strip_header(raw: str) -> str:
    lines = raw.splitlines()
    keep = 0
    while keep < min(len(lines), 10) and (_HEADER.match(lines[keep]) or not lines[keep].strip()):
        keep += 1
    return "\n".join(lines[keep:]) if keep and any(_HEADER.match(x) for x in lines[:keep]) else raw


#: footnote markers a PDF-to-text conversion leaves in the text ("<sup>40</sup>"): not part of any quote
_FOOTNOTE_MARK = re.compile(r"<sup>[^<]{0,12}</sup>")
_BLANK = re.compile(r"\n[ \t\u00a0\u2000-\u200b]*\n")


def _text_blocks(text: str) -> list[str]:
    return _BLANK.split(text.replace("\r\n", "\n").replace("\r", "\n"))


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"(^|\s)(?:#{1,6}|>|[-*+]|\d+\.)\s+|[*_`]{1,3}")


def _markdown_inline(block: str) -> str:
    """Markdown without its markup: link text kept, headings, emphasis, list and quote marks dropped."""
    return _MD_MARK.sub(lambda m: m.group(1) or "", _MD_LINK.sub(r"\1", block))


class _Blocks(HTMLParser):
    """Text of an HTML page, one block per paragraph-like element."""

    BREAKS = frozenset({"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
                        "section", "article", "header", "footer", "title", "td", "th", "dd", "dt"})
    SKIP = frozenset({"script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def _flush(self) -> None:
        text = "".join(self.current).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def _html_blocks(raw: str) -> list[str]:
    parser = _Blocks()
    parser.feed(raw)
    parser.close()
    parser._flush()
    return [html.unescape(b) for b in parser.blocks]


# --------------------------------------------------------------------------- the document's date

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_DATELINE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                       r"December)\s+(\d{1,2}),\s+(\d{4})\b")


def _published(header: dict[str, str], blocks: list[str]) -> PartialDate | None:
    value = header.get("published") or header.get("date")
    if value:
        match = re.match(r"(\d{4}(?:-\d{2}(?:-\d{2})?)?)", value.strip())
        if match:
            try:
                return PartialDate.parse(match.group(1))
            except ValueError:
                pass
    for block in blocks[:3]:
        match = _DATELINE.search(block[:200])
        if match:
            month, day, year = _MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
            try:
                return PartialDate.parse(f"{year:04d}-{month:02d}-{day:02d}")
            except ValueError:
                return None
    return None


# --------------------------------------------------------------------------- sentences

#: words after which a full stop does not end a sentence
ABBREVIATIONS = frozenset("""
jan feb mar apr jun jul aug sep sept oct nov dec gen lt col maj capt cmdr adm sgt mr mrs ms dr prof
st no nos vol pp fig approx est dept govt inc ltd co corp jr sr vs cf al u.s u.k u.n e.g i.e mt rev
""".split())
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9ÇĞİÖŞÜÂ])")


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph (white space already collapsed), verbatim."""
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start()
        word = text[max(start, text.rfind(" ", start, end) + 1):end].lower().strip("(\"'“‘")
        if text[end] == "." and (word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        sentence = text[start:match.end()].strip()
        if sentence:
            out.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
