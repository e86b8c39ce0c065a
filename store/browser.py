"""Neo4j Browser onboarding: a tiegraph guide and style, served by the local server itself.

Why this way: Browser fetches guides (``:guide URL``, ``:play NAME``) and styles
(``:style URL``) with the page's own ``fetch``, from hosts its allowlist names.
Neo4j 5.26 serves, in place of the Browser in its jar, the newest
``neo4j-browser*.zip`` it finds in its web directory (``internal.dbms.web_dir_path``,
see store.server_config); so ``install`` writes that zip: the Browser's own files
plus ``tiegraph/guide.html`` and ``tiegraph/style.grass``.  Same origin, no extra
process, no CORS, nothing fetched from outside the machine.  With Docker, whose
image keeps its own Browser, ``guide_server`` serves the same files beside it.

The guide is generated from ``cypher/*.cypher`` at every server start, so it
follows the saved queries: one slide per file, its question as the title, its
notes, and runnable blocks Browser puts into the editor on a click: the
parameters (the file's ``:param name => value;`` lines, when the query has any),
then the query.
"""

from __future__ import annotations

import html
import http.server
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tiegraph.model.errors import StoreError
from tiegraph.store.cypher import (
    COVERAGE_LABEL,
    KIND_LABELS,
    RELATIONSHIP_TYPES,
    TIE_LABELS,
    TIE_NODE_LABEL,
    library_queries,
)

#: directory of the guide and style inside the Browser's web root (/browser/<GUIDE_DIR>/)
GUIDE_DIR = "tiegraph"
ARCHIVE_NAME = "neo4j-browser.zip"

_PARAM = re.compile(r"^\s*(?://\s*)?:param\s+(\w+)\s*(?:=>|:)\s*(.+?);?\s*$")
#: Browser commands that cannot sit in a guide's query block (``:auto`` can: it prefixes a query)
_COMMAND = re.compile(r"^:(params|param|use|play|guide|style|server|sysinfo|clear|history|config|schema|dbs)\b",
                      re.IGNORECASE)
_FIELD = re.compile(r"^(Question|Parameters?|Example|Notes?)\b\s*(?:\([^)]*\))?\s*:?\s*(.*)$", re.IGNORECASE)

#: node size by degree: Browser's GraSS selects by label only (no property conditions), so an
#: actor is sized by a band label; (label, lowest degree, diameter).  See ``degree_band``.
DEGREE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("DegreeBand1", 0, 30), ("DegreeBand2", 3, 45), ("DegreeBand3", 6, 60),
    ("DegreeBand4", 11, 75), ("DegreeBand5", 21, 95),
)
#: colour, border and caption colour per actor kind label (Browser's own palette)
KIND_COLOURS: dict[str, tuple[str, str, str]] = {
    "State": ("#4C8EDA", "#2870c2", "#FFFFFF"),
    "Company": ("#F79767", "#f36924", "#FFFFFF"),
    "Organization": ("#8DCC93", "#5db665", "#2A2C34"),
}
assert set(KIND_COLOURS) == set(KIND_LABELS.values()), "every actor kind label needs a colour"


@dataclass(frozen=True)
class SavedQuery:
    """One ``cypher/*.cypher`` file as the guide shows it."""

    name: str
    title: str
    notes: str
    example: str
    params: tuple[tuple[str, str], ...]
    query: str

    def params_command(self) -> str:
        """The Browser commands that set the parameters (``""`` if none): one ``:param name => value;``
        line each, as in the file.

        The arrow form on purpose: Browser has the server evaluate the value, so ``10`` stays an
        integer, where ``:params {top: 10}`` is parsed in JavaScript and sent as 10.0, which
        ``LIMIT $top`` refuses.  A block of its own, run before the query (Browser runs the lines
        one by one: ``:param`` is allowed in its multi-statement mode): a script with the query in
        it would show only "SUCCESS" for the query, not its table or graph.
        """
        return "\n".join(f":param {name} => {value};" for name, value in self.params)


def parse_saved_query(path: Path) -> SavedQuery:
    """A saved query file: header comments (question, notes, example), ``:param`` lines, query.

    ``:param`` lines count whether written as Browser commands or as ``// :param`` comments;
    the query is everything else after the leading comment block.
    """
    title, example, notes, params, body = "", "", [], [], []
    field = "notes"
    in_header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        param = _PARAM.match(line)
        if param:
            params.append((param.group(1), param.group(2).strip()))
            continue
        stripped = line.strip()
        if _COMMAND.match(stripped):  # another Browser command would end up inside the query
            raise StoreError(f"{path}: '{stripped[:40]}': the guide reads one ':param name => value' line "
                             "per parameter and no other Browser command")
        if in_header and (stripped.startswith("//") or not stripped):
            text = stripped.removeprefix("//").strip()
            named = _FIELD.match(text)
            if named:
                field = named.group(1).lower().rstrip("s")
                text = named.group(2).strip()
            if not text:
                continue
            if field == "question":
                title = f"{title} {text}".strip()
            elif field == "example":
                example = f"{example} {text}".strip()
            elif field != "parameter":
                notes.append(text)
            continue
        in_header = False
        body.append(line)
    query = "\n".join(body).strip().rstrip(";").rstrip()
    if not query:
        raise StoreError(f"{path}: no query after the header comments (the guide needs one)")
    title, text = title or path.stem.replace("_", " "), " ".join(notes)
    return SavedQuery(path.stem, title[:1].upper() + title[1:], text[:1].upper() + text[1:], example,
                      tuple(params), query)


def saved_queries(paths: list[Path] | None = None) -> list[SavedQuery]:
    """The saved read queries (``cypher/*.cypher`` but the schema), in file-name order."""
    return [parse_saved_query(p) for p in (library_queries() if paths is None else paths)]


def guide_html(queries: list[SavedQuery]) -> str:
    """A Browser guide: one ``<slide>`` per saved question with its runnable blocks.

    Browser splits a remote guide on ``<slide>`` and puts a clicked ``pre.runnable`` into the
    editor; ``<title>`` names the guide in the sidebar.
    """
    esc = html.escape
    slides = []
    for number, q in enumerate(queries, 1):
        params = q.params_command()
        slides.append(
            f'<slide class="row-fluid">\n<div class="col-sm-12">\n'
            f"<h3>{number}. {inline_code(q.title)}</h3>\n"
            + (f"<p>{inline_code(q.notes)}</p>\n" if q.notes else "")
            + (f"<p>First set the parameters (click, edit if you like, run):</p>\n"
               f'<pre class="pre-scrollable code runnable params">{esc(params)}</pre>\n'
               "<p>Then the query:</p>\n" if params else "<p>Click the query to put it in the editor, then run it:</p>\n")
            + f'<pre class="pre-scrollable code runnable query">{esc(q.query)}</pre>\n'
            f"<p><small>File <code>cypher/{esc(q.name)}.cypher</code>"
            + (f"; from a shell: <code>{esc(q.example)}</code>" if q.example else "")
            + "</small></p>\n</div>\n</slide>")
    intro = ("<p>The saved questions of tiegraph, one per slide (arrows below). Actors are coloured by kind "
             "(state, company, organisation) and sized by degree; relationships show their type and year. "
             "<code>:style reset</code> restores Browser's default style; <code>:play tiegraph</code> "
             "reopens this guide.</p>")
    if slides:
        slides[0] = slides[0].replace('<div class="col-sm-12">\n', f'<div class="col-sm-12">\n{intro}\n', 1)
    return ("<title>tiegraph: saved questions</title>\n<article class=\"guide\">\n"
            "<carousel class=\"deck container-fluid\">\n" + "\n".join(slides) + "\n</carousel>\n</article>\n")


def inline_code(text: str) -> str:
    """``text`` as HTML, its `backtick` spans as ``<code>``.

    The saved queries' comments mark names and commands as Markdown inline code; a guide is
    HTML, which Browser shows as it is, so unconverted they would appear with their backticks.
    An unpaired backtick is kept as a character.
    """
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return html.escape(text)
    return "".join(f"<code>{html.escape(part)}</code>" if odd else html.escape(part)
                   for odd, part in ((i % 2 == 1, part) for i, part in enumerate(parts)))


def degree_band(degree: int | None) -> str:
    """The band label (``DegreeBand1`` … ``DegreeBand5``) that sizes an actor of this degree in Browser."""
    label = DEGREE_BANDS[0][0]
    for band, lowest, _ in DEGREE_BANDS:
        if (degree or 0) >= lowest:
            label = band
    return label


#: what a label of ours looks like when no more specific rule applies: Browser's own grey
NEUTRAL = ("#A5ABB6", "#9AA1AC", "#FFFFFF")
#: a multilateral tie's node (and its type label in the legend): beige, captioned with its title
TIE_COLOURS = ("#D9C8AE", "#c0a378", "#2A2C34")
TIE_DIAMETER = "25px"


def _look(colours: tuple[str, str, str], caption: str) -> dict[str, str]:
    colour, border, text = colours
    return {"color": colour, "border-color": border, "text-color-internal": text, "caption": caption}


def grass() -> str:
    """The Browser stylesheet (GraSS): colour by actor kind, size by degree band, captions.

    Browser applies the rules whose labels a node has in file order, a later one overriding an
    earlier one, and replaces all its rules with a loaded sheet: hence the full ``node`` and
    ``relationship`` defaults first.  Every label the store writes has a rule with a colour and
    a caption: Browser gives a label without one (it asks per label, for the legend above a
    drawing) a colour from its palette, in a rule of that label alone, which would then override
    the kind's colour wherever it comes later (before: degree band 4 states drawn green, actors
    beige).  So the labels that only size or qualify come first, with the neutral colour, and the
    kind labels and ``Tie``, which decide the colour, last.

    A relationship's caption is one rule per type (``ARMS_TRANSFER {year}``): Browser replaces
    ``<type>`` only in a caption that is nothing else, and would show ``<type> 2021`` literally.
    """
    rules: list[tuple[str, dict[str, str]]] = [
        ("node", {"diameter": "40px", "color": NEUTRAL[0], "border-color": NEUTRAL[1], "border-width": "2px",
                  "text-color-internal": NEUTRAL[2], "font-size": "10px", "caption": "'{name}'"}),
        ("relationship", {"color": "#A5ABB6", "shaft-width": "1px", "font-size": "8px", "padding": "3px",
                          "text-color-external": "#000000", "text-color-internal": "#FFFFFF",
                          "caption": "'<type>'"}),
        ("node.Actor", _look(NEUTRAL, "'{name}'")),
        *((f"node.{label}", {"diameter": f"{diameter}px", **_look(NEUTRAL, "'{name}'")})
          for label, _, diameter in DEGREE_BANDS),
        (f"node.{COVERAGE_LABEL}", _look(NEUTRAL, "'{dataset}'")),
        *((f"node.{label}", _look(TIE_COLOURS, "'{title}'")) for label in sorted(set(TIE_LABELS.values()))),
        *((f"node.{label}", _look(colours, "'{name}'")) for label, colours in KIND_COLOURS.items()),
        (f"node.{TIE_NODE_LABEL}", {"diameter": TIE_DIAMETER, **_look(TIE_COLOURS, "'{title}'")}),
        *((f"relationship.{rel}", {"caption": f"'{rel} {{year}}'"}) for rel in RELATIONSHIP_TYPES),
    ]
    return "".join(f"{sel} {{\n" + "".join(f"  {k}: {v};\n" for k, v in props.items()) + "}\n\n"
                   for sel, props in rules)


def guide_files(queries: list[SavedQuery] | None = None) -> dict[str, bytes]:
    """The files served under /browser/tiegraph/: the guide (twice: by URL and by name) and the style."""
    page = guide_html(saved_queries() if queries is None else queries).encode("utf-8")
    # "tiegraph" without a suffix: what `:play tiegraph` / `:guide tiegraph` fetch (store.server_config)
    return {"guide.html": page, GUIDE_DIR: page, "style.grass": grass().encode("utf-8")}


def guide_server(port: int, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """An HTTP server of the guide files alone, for a Neo4j that cannot serve them itself (Docker).

    The official image's Browser comes from its jar; docker-compose.yml runs this beside it in
    a stock Python container (this module needs the standard library only) and points
    Browser's post-connect command and allowlist at it.  Browser fetches from another origin
    there, hence ``Access-Control-Allow-Origin``.  The files are made once, at start.
    """
    files = guide_files()
    types = {"html": "text/html; charset=utf-8", "grass": "text/plain; charset=utf-8"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            name = self.path.split("?")[0].strip("/")
            body = files.get(name)
            self.send_response(200 if body is not None else 404)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Type", types.get(name.rpartition(".")[2], types["html"]))
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: object) -> None:  # quiet: no line per request
            pass

    return http.server.ThreadingHTTPServer((host, port), Handler)


def install(workdir: Path, lib: Path, web_dir: str = "web") -> Path:
    """Write ``workdir/web/neo4j-browser.zip``: the Browser of ``lib``'s jar plus the guide files.

    Neo4j unpacks it at start with plain create-file calls: the first entry must be the root
    directory (it is what gets served), every directory must precede its files, and no name
    may repeat.
    """
    jars = sorted(lib.glob("neo4j-browser-*.jar"))
    if not jars:
        raise StoreError(f"no neo4j-browser jar in {lib}: delete that directory to fetch the jars again")
    target = workdir / web_dir / ARCHIVE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    # The Browser part is the same at every start: repacked once per jar cache (~1 s), then copied
    # (names that do not match neo4j-browser*.zip, so the server never picks up a base or a
    # half-written file); a read-only jar cache gets its base in the work directory instead.
    base = lib.parent / f"base-{jars[-1].stem}.zip"
    if not base.is_file():
        try:
            _repack(jars[-1], base)
        except OSError:
            base = target.with_name(base.name)
            if not base.is_file():
                _repack(jars[-1], base)
    partial = target.with_name(ARCHIVE_NAME + ".partial")
    shutil.copyfile(base, partial)
    with zipfile.ZipFile(partial, "a", zipfile.ZIP_DEFLATED) as out:
        if f"browser/{GUIDE_DIR}/" in out.namelist():
            raise StoreError(f"{jars[-1].name} already has browser/{GUIDE_DIR}/")
        out.writestr(zipfile.ZipInfo(f"browser/{GUIDE_DIR}/"), b"")
        for name, data in guide_files().items():
            out.writestr(f"browser/{GUIDE_DIR}/{name}", data)
    partial.replace(target)
    return target


def _repack(jar_path: Path, target: Path) -> None:
    """The ``browser/`` tree of the jar as a zip Neo4j can unpack: every directory before its files."""
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")  # concurrent starts: each its own
    with zipfile.ZipFile(jar_path) as jar, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        files = [i for i in jar.infolist() if i.filename.startswith("browser/") and not i.is_dir()]
        names = [i.filename for i in files]
        dirs = sorted({"/".join(n.split("/")[:depth]) + "/" for n in names for depth in range(1, n.count("/") + 1)})
        for directory in dirs:  # "browser/" sorts first: Neo4j serves the first entry's directory
            out.writestr(zipfile.ZipInfo(directory), b"")
        for info in files:
            # images and fonts are compressed already: store them as they are
            kind = zipfile.ZIP_STORED if info.compress_size >= info.file_size * 0.9 else zipfile.ZIP_DEFLATED
            out.writestr(info.filename, jar.read(info), compress_type=kind)
    partial.replace(target)
