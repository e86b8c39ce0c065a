"""Neo4j Browser as a newcomer meets it, in a real headless Chromium (Debian's), on the session server.

With the bundled data loaded: log in, find the tiegraph guide open (post-connect command)
and the tiegraph style applied, then run EVERY slide of the guide as a user does (click
its parameters block, run it; click its query, run it) and check each result frame
against the same query run over Bolt: no error, the same columns and number of records.
Then draw one actor's ties twice and check the drawing: every node filled and sized as
the style says (Browser rewrites a style that leaves a label without a colour when it
draws), the style unchanged after drawing, and one drawn relationship per tie (Browser's
"Connect result nodes" setting off).  ``:play tiegraph`` finds the guide by name; nothing
is fetched from outside the machine.  A screenshot is left in the test's tmp dir.

Playwright cannot download browsers here: it drives /usr/bin/chromium
(``apt-get install chromium``; .ci/run installs it).  The guide and style files
themselves are checked without a browser in the last tests (store.browser).
"""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_env import CHROMIUM, require_browser
from helpers import REPO

from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.errors import StoreError
from tiegraph.store import browser
from tiegraph.store.cypher import (
    COVERAGE_LABEL,
    CYPHER_DIR,
    KIND_LABELS,
    RELATIONSHIP_TYPES,
    TIE_LABELS,
    TIE_NODE_LABEL,
    library_queries,
)
from tiegraph.store.server import ServerInfo
from tiegraph.store.server_config import browser_settings, post_connect_command
from tiegraph.store.writer import load_into

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000
#: the README's query: one actor's ties, drawn; and the same the other way round (a second frame)
ACTOR = "TUR"
#: a partner of ACTOR with ties of its own: expanded in the drawing
PARTNER = "AZE"
ACTOR_TIES = (f"MATCH (a:Actor {{id:'{ACTOR}'}})-[r]-(b) RETURN a, r, b",
              f"MATCH (b)-[r]-(a:Actor {{id:'{ACTOR}'}}) RETURN a, r, b")
ERROR = '[data-testid="cypherFrameErrorMessage"]'
STATUS = '[data-testid="frameStatusbar"]'
#: a result frame is done when its status bar says the query completed ("Started streaming 3 records
#: after 5 ms and completed after 6 ms.", "Completed after 4 ms.") or it shows an error
DONE = f'{ERROR}, {STATUS}:has-text("completed after")'
CONTENTS = '[data-testid="frameContents"]'
#: a parameters block is done when its frame shows the parameters (one) or the list of its lines (several)
PARAMS_DONE = '[data-testid="rawParamData"], [data-testid="multi-statement-list"]'


def _bolt_result(driver: Any, query: browser.SavedQuery) -> tuple[list[str], int]:
    """Keys and record count of the saved query over Bolt, with the guide's parameter values."""
    values = driver.execute_query("RETURN {" + ", ".join(f"{n}: {v}" for n, v in query.params) + "} AS p",
                                  database_="neo4j").records[0]["p"] if query.params else {}
    records, _, keys = driver.execute_query(query.query, values, database_="neo4j")
    return list(keys), len(records)


def parse_grass(sheet: str) -> list[tuple[str, dict[str, str]]]:
    """A GraSS sheet (ours, or Browser's ``:style`` output) as (selector, properties), quotes removed."""
    return [(selector, {k.strip(): v.strip().strip("'\"") for k, v in re.findall(r"^\s*([\w-]+):\s*(.*?);\s*$",
                                                                              body, re.MULTILINE)})
            for selector, body in re.findall(r"^([\w.]+) \{\n(.*?)^\}", sheet, re.MULTILINE | re.DOTALL)]


def style_for(labels: set[str], sheet: str | None = None) -> dict[str, str]:
    """What a node with ``labels`` looks like under the sheet: Browser's cascade, every ``node`` rule
    whose labels the node has, in file order, a later one overriding an earlier one."""
    style: dict[str, str] = {}
    for selector, props in parse_grass(browser.grass() if sheet is None else sheet):
        tag, *classes = selector.split(".")
        if tag == "node" and set(classes) <= labels:
            style.update(props)
    return style


def _tie_count_and_nodes(actor: str) -> tuple[int, int]:
    """From the files: the actor's ties, and the nodes a drawing of them has (the actor, its
    partners in bilateral ties, one node per multilateral tie)."""
    ties = [t for t in load_dataset().ties if actor in t.participants]
    partners = {p for t in ties if len(t.participants) <= 2 for p in t.participants if p != actor}
    return len(ties), 1 + len(partners) + sum(len(t.participants) > 2 for t in ties)


def test_every_guide_slide_runs_and_the_drawing_keeps_the_style(empty_db, neo4j_server: ServerInfo,
                                                                  tmp_path: Path) -> None:
    if neo4j_server.browser_url is None:
        pytest.skip("NEO4J_URI server without NEO4J_HTTP_URL: no Browser to open")
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    _, driver = empty_db
    load_into(driver, "neo4j", load_dataset())
    queries = browser.saved_queries()
    expected = [_bolt_result(driver, q) for q in queries]
    ties, nodes = _tie_count_and_nodes(ACTOR)
    outside: list[tuple[str, str | None]] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            failed: dict[str, str | None] = {}
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            page.on("requestfailed", lambda r: failed.__setitem__(r.url, r.failure))
            page.goto(neo4j_server.browser_url)
            page.fill('input[data-testid="boltaddress"]', neo4j_server.bolt_uri)
            page.fill('input[data-testid="username"]', neo4j_server.user)
            page.fill('input[data-testid="password"]', neo4j_server.password)
            page.click('button[data-testid="connect"]')

            # After login: the guide is open in the sidebar and the style is applied.
            page.get_by_text("tiegraph: saved questions").first.wait_for()
            page.locator('[data-testid="frame"]', has_text="node.State").first.wait_for()

            # Every slide, as a user runs it: the parameters block (if any), then the query.
            for number, (query, (keys, count)) in enumerate(zip(queries, expected, strict=True), 1):
                page.locator("h3:visible", has_text=f"{number}. ").first.wait_for()
                where = f"slide {number} ({query.name})"
                if query.params:  # one line: a parameter frame; several: a list, each line ticked
                    lines = page.locator("pre.runnable.params:visible").first.inner_text().splitlines()
                    frame = _run_block(page, "pre.runnable.params", PARAMS_DONE)
                    if len(lines) > 1:
                        ticks = frame.locator('[data-testid="multi-statement-list-icon"]')
                        expect(ticks).to_have_count(len(lines))
                        for tick in ticks.all():
                            expect(tick).to_have_attribute("title", "Status: success")
                    else:
                        expect(frame.locator('[data-testid="rawParamData"]')).to_have_count(1)
                frame = _run_block(page, "pre.runnable.query")
                assert frame.locator(ERROR).count() == 0, f"{where}: {frame.inner_text()[:400]}"
                expect(frame.locator(STATUS)).to_contain_text(re.compile(
                    rf"Started streaming {count} records? (after|in) " if count else "^Completed after"))
                shown = frame.inner_text()
                assert all(key in shown for key in keys) if count else True, (where, keys, shown[:500])
                if number < len(queries):
                    page.get_by_role("button", name="Next").click()

            # One actor's ties, drawn: every node coloured and sized as the sheet says, one relationship per
            # tie. Browser fills in the style of a label without a colour as it draws, and shows the change
            # when it draws again: so a partner is expanded (double click) and all nodes checked again, the
            # sheet must be unchanged, and a second drawing must look the same. Its relationships are counted
            # again after the style frame has run (the "connect result nodes" query comes after a drawing).
            drawing = _run_typed(page, ACTOR_TIES[0], "g.node")
            _check_drawing(drawing, driver, nodes, ties)
            partner = _node_id(driver, PARTNER)
            drawing.locator(f'g.node[aria-label="graph-node{partner}"]').dispatch_event("dblclick")
            expect(drawing.locator("g.node")).not_to_have_count(nodes)
            _check_drawing(drawing, driver)
            drawing = _run_typed(page, ACTOR_TIES[1], "g.node")
            _check_drawing(drawing, driver, nodes, ties)
            sheet = _run_typed(page, ":style", CONTENTS).locator(CONTENTS).inner_text()
            assert parse_grass(sheet) == parse_grass(browser.grass())
            assert drawing.locator("g.relationship").count() == ties
            page.screenshot(path=str(tmp_path / "browser.png"))

            # The command the README gives finds the guide by name.
            _run_typed(page, ":play tiegraph", done=None)
            page.locator('[data-testid="frame"]').first.get_by_text(f"1. {queries[0].title}").wait_for()
            outside = [(url, failed.get(url)) for url in requested
                       if not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))]
        finally:
            context.close()
    assert (tmp_path / "browser.png").stat().st_size > 10_000
    # Browser still asks for Segment, Canny and Google Fonts; the server's policy blocks them.
    assert all(reason == "csp" for _, reason in outside), outside


def _node_id(driver: Any, actor: str) -> int:
    return driver.execute_query("MATCH (a:Actor {id: $id}) RETURN id(a) AS n", id=actor,
                                database_="neo4j").records[0]["n"]


def _check_drawing(drawing, driver: Any, nodes: int | None = None, ties: int | None = None) -> None:
    """The drawn graph: every circle filled and sized as the sheet says for its node's labels (read over
    Bolt by the node id Browser puts in the circle's group); ``nodes`` circles and ``ties`` relationships
    if given."""
    from playwright.sync_api import expect

    if nodes is not None:
        expect(drawing.locator("g.node")).to_have_count(nodes)
    drawn = drawing.locator("g.node").evaluate_all(
        "gs => gs.map(g => [g.getAttribute('aria-label'), g.querySelector('circle.b-outline').getAttribute('fill'),"
        " g.querySelector('circle.b-outline').getAttribute('r')])")
    ids = [int(label.removeprefix("graph-node")) for label, _, _ in drawn]
    records = driver.execute_query("MATCH (n) WHERE id(n) IN $ids RETURN id(n) AS id, labels(n) AS labels",
                                   ids=ids, database_="neo4j").records
    labels = {r["id"]: set(r["labels"]) for r in records}
    for node, (_, fill, radius) in zip(ids, drawn, strict=True):
        want = style_for(labels[node])
        assert (fill.upper(), float(radius)) == (want["color"].upper(),
                                                 float(want["diameter"].removesuffix("px")) / 2), labels[node]
    assert ties is None or drawing.locator("g.relationship").count() == ties


def _frame_of(page, command: str):
    """The newest frame that ran exactly ``command`` (white space as Browser shows it: any)."""
    shown = re.compile("^" + r"\s+".join(re.escape(word) for word in command.split()) + "$")
    return page.locator('[data-testid="frame"]').filter(
        has=page.locator('[data-testid="frameCommand"]', has_text=shown)).first


def _run_block(page, selector: str, done: str = DONE):
    """Click a runnable block of the guide's current slide (it goes into the editor), run it, and
    return its frame once it is done."""
    block = page.locator(f"{selector}:visible").first
    command = block.inner_text()
    block.click()
    page.click('[data-testid="editor-Run"]')
    frame = _frame_of(page, command)
    frame.locator(done).first.wait_for()
    return frame


def _run_typed(page, command: str, done: str | None = DONE):
    """Type ``command`` into the editor, run it, and return its frame (once done, if ``done``)."""
    page.click('[data-testid="activeEditor"]')
    page.keyboard.type(command)
    page.click('[data-testid="editor-Run"]')
    frame = _frame_of(page, command)
    (frame.locator(done) if done else frame).first.wait_for()
    return frame


def test_guide_has_every_saved_query_with_its_parameters() -> None:
    queries = browser.saved_queries()
    page = browser.guide_html(queries)
    assert len(queries) == len(library_queries()) and queries
    assert page.count("<slide") == len(queries)
    for q in queries:
        text = (CYPHER_DIR / f"{q.name}.cypher").read_text(encoding="utf-8")
        declared = re.findall(r"^\s*(?://\s*)?:param\s+(\w+)", text, re.MULTILINE)
        assert [name for name, _ in q.params] == declared, q.name
        assert f"${declared[0]}" in q.query if declared else True
        assert ":param" not in q.query and not q.query.lstrip().startswith("//"), q.name
        assert html.escape(q.query) in page and html.escape(q.params_command()) in page


def test_parse_keeps_question_notes_example_and_both_parameter_spellings(tmp_path: Path) -> None:
    path = tmp_path / "partners.cypher"
    path.write_text("// Question: who are an actor's partners?\n"
                    "// Parameters (paste into Neo4j Browser before running):\n"
                    "// :param actor => 'TUR'\n"
                    ":param year => 2020;\n"
                    "// Example: tiegraph query partners --param actor=TUR\n"
                    "// Notes: ties are counted once;\n"
                    "// undated ties come last.\n"
                    "MATCH (a:Actor {id: $actor}) // the actor\n"
                    "WHERE a.year <= $year RETURN a;\n", encoding="utf-8")
    q = browser.parse_saved_query(path)
    assert q.title == "Who are an actor's partners?"
    assert q.params == (("actor", "'TUR'"), ("year", "2020"))
    # arrow lines: Browser has the server evaluate them, so 2020 stays an integer (":params {year: 2020}"
    # would send 2020.0, which LIMIT, range() and list indexes refuse)
    assert q.params_command() == ":param actor => 'TUR';\n:param year => 2020;"
    assert q.example == "tiegraph query partners --param actor=TUR"
    assert q.notes == "Ties are counted once; undated ties come last."
    assert q.query == "MATCH (a:Actor {id: $actor}) // the actor\nWHERE a.year <= $year RETURN a"


def test_a_browser_command_other_than_param_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "both.cypher"
    path.write_text("// Question: two?\n:params {actor: 'TUR'}\nMATCH (a) RETURN a\n", encoding="utf-8")
    with pytest.raises(StoreError, match=rf"^{re.escape(str(path))}: ':params \{{actor: 'TUR'\}}': the guide reads"):
        browser.parse_saved_query(path)


def test_style_colours_kinds_sizes_degree_bands_and_captions() -> None:
    rules = parse_grass(browser.grass())
    sheet = dict(rules)
    assert [selector for selector, _ in rules][:2] == ["node", "relationship"]  # Browser replaces all rules
    # Every label the store writes has a colour and a caption: Browser never fills one in.
    written = {"Actor", *KIND_LABELS.values(), *(band for band, _, _ in browser.DEGREE_BANDS), TIE_NODE_LABEL,
               *TIE_LABELS.values(), COVERAGE_LABEL}
    assert {s.removeprefix("node.") for s, _ in rules if s.startswith("node.")} == written
    assert all({"color", "caption"} <= sheet[f"node.{label}"].keys() for label in written)
    # The cascade: an actor's colour is its kind's whatever its band, its size its band's.
    for kind, (colour, border, text) in browser.KIND_COLOURS.items():
        for band, _, diameter in browser.DEGREE_BANDS:
            look = style_for({"Actor", kind, band})
            assert (look["color"], look["border-color"], look["text-color-internal"]) == (colour, border, text)
            assert (look["diameter"], look["caption"]) == (f"{diameter}px", "{name}")
    for label in TIE_LABELS.values():
        look = style_for({TIE_NODE_LABEL, label})
        assert (look["color"], look["diameter"], look["caption"]) == (browser.TIE_COLOURS[0], "25px", "{title}")
    assert len({colour for colour, _, _ in browser.KIND_COLOURS.values()} | {browser.TIE_COLOURS[0]}) == 4
    sizes = [int(sheet[f"node.{band}"]["diameter"].removesuffix("px")) for band, _, _ in browser.DEGREE_BANDS]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    # A relationship's caption is its type and year, one rule per type (Browser fills in <type> only alone).
    assert sheet["relationship"]["caption"] == "<type>"
    assert {s: p["caption"] for s, p in rules if s.startswith("relationship.")} == {
        f"relationship.{rel}": f"{rel} {{year}}" for rel in RELATIONSHIP_TYPES}
    assert [browser.degree_band(d) for d in (None, 0, 2, 3, 10, 11, 20, 21, 500)] == [
        "DegreeBand1", "DegreeBand1", "DegreeBand1", "DegreeBand2", "DegreeBand3", "DegreeBand4", "DegreeBand4",
        "DegreeBand5", "DegreeBand5"]


def test_guide_renders_inline_code_and_keeps_an_unpaired_backtick() -> None:
    assert browser.inline_code("year of `date`; <b> & `a<b`") == (
        "year of <code>date</code>; &lt;b&gt; &amp; <code>a&lt;b</code>")
    assert browser.inline_code("one ` alone") == "one ` alone"
    page = browser.guide_html(browser.saved_queries())
    prose = re.sub(r"<pre.*?</pre>", "", page, flags=re.DOTALL)
    assert "`" not in prose and "<code>date</code>" in prose


def test_guide_server_for_docker_serves_the_files_with_cors() -> None:
    httpd = browser.guide_server(0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        for name, data in browser.guide_files().items():
            with urllib.request.urlopen(f"{base}/{name}", timeout=10) as response:
                assert response.read() == data
                assert response.headers["Access-Control-Allow-Origin"] == "*"  # Browser is on another port
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(f"{base}/../store/browser.py", timeout=10)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_docker_compose_configures_browser_as_the_local_server_does() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    env = compose["services"]["neo4j"]["environment"]
    local = browser_settings(7474)

    def docker(key: str) -> str:  # the image's naming: "." -> "_", "_" -> "__"
        return "NEO4J_" + key.replace("_", "__").replace(".", "_")

    for key in ("client.allow_telemetry", "dbms.usage_report.enabled",
                "dbms.security.http_static_content_security_policy_header"):
        assert env[docker(key)] == local[key], key
    guide = "http://localhost:${NEO4J_GUIDE_PORT:-7475}"
    assert env[docker("browser.post_connect_cmd")] == post_connect_command(guide)
    assert env[docker("browser.remote_content_hostname_whitelist")].split(",")[0] == guide
    assert "guide_server(7475, '0.0.0.0')" in " ".join(compose["services"]["guide"]["command"])
