"""Neo4j Browser as a newcomer meets it, in a real headless Chromium (Debian's), on the session server.

Log in, find the tiegraph guide open (post-connect command) and the tiegraph style
applied, run the guide's first question (its parameters block, then its query) and
check the result frame against the same query run over Bolt; ``:play tiegraph``
finds the guide by name; nothing is fetched from outside the machine.  A screenshot
is left in the test's tmp dir.

Playwright cannot download browsers here: it drives /usr/bin/chromium
(``apt-get install chromium``; .ci/run installs it).  The guide and style files
themselves are checked without a browser in the last tests (store.browser).
"""

from __future__ import annotations

import html
import os
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path

import neo4j
import pytest
import yaml
from helpers import REPO
from neo4j_fixtures import in_ci

from tiegraph.model.errors import StoreError
from tiegraph.store import browser
from tiegraph.store.cypher import CYPHER_DIR, library_queries
from tiegraph.store.server import ServerInfo
from tiegraph.store.server_config import browser_settings

CHROMIUM = os.environ.get("TIEGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000


def _require_browser() -> None:
    """Skip without Chromium or Playwright on a developer's machine; under CI that is a failure."""
    missing = [] if Path(CHROMIUM).is_file() else [f"Chromium at {CHROMIUM} (apt-get install chromium)"]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test]')")
    if missing:
        (pytest.fail if in_ci() else pytest.skip)("no " + " and no ".join(missing))


def _bolt_result(info: ServerInfo, query: browser.SavedQuery) -> tuple[list[str], int]:
    """Keys and record count of the saved query over Bolt, with the guide's parameter values."""
    with neo4j.GraphDatabase.driver(info.bolt_uri, auth=(info.user, info.password)) as driver:
        values = driver.execute_query("RETURN {" + ", ".join(f"{n}: {v}" for n, v in query.params) + "} AS p",
                                      database_="neo4j").records[0]["p"] if query.params else {}
        records, summary, keys = driver.execute_query(query.query, values, database_="neo4j")
    return list(keys), len(records)


def test_guide_style_and_first_question_in_a_real_browser(neo4j_server: ServerInfo, tmp_path: Path) -> None:
    if neo4j_server.browser_url is None:
        pytest.skip("NEO4J_URI server without NEO4J_HTTP_URL: no Browser to open")
    _require_browser()
    from playwright.sync_api import sync_playwright

    first = browser.saved_queries()[0]
    keys, count = _bolt_result(neo4j_server, first)
    outside: list[tuple[str, str | None]] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
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
            page.get_by_text(f"1. {first.title}").first.wait_for()

            # The first question: its parameters block (if any), then its query.
            if first.params:
                _run_block(page, "pre.runnable.params", ":params")
                page.locator('[data-testid="frame"]').first.get_by_text(first.params[0][0]).first.wait_for()
            _run_block(page, "pre.runnable.query", first.query.split()[0])
            result = page.locator('[data-testid="frame"]').first
            if count:
                result.get_by_text(re.compile(rf"Started streaming {count} records?")).wait_for()
                shown = result.inner_text()
                assert all(key in shown for key in keys), (keys, shown[:500])
            else:
                result.get_by_text("no records").wait_for()
            assert "error" not in (result.get_attribute("class") or "").lower()
            page.screenshot(path=str(tmp_path / "browser.png"))

            # The command the README gives finds the guide by name.
            page.click('[data-testid="activeEditor"]')
            page.keyboard.type(":play tiegraph")
            page.click('[data-testid="editor-Run"]')
            page.locator('[data-testid="frame"]').first.get_by_text(f"1. {first.title}").wait_for()
            outside = [(url, failed.get(url)) for url in requested
                       if not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))]
        finally:
            context.close()
    assert (tmp_path / "browser.png").stat().st_size > 10_000
    # Browser still asks for Segment, Canny and Google Fonts; the server's policy blocks them.
    assert all(reason == "csp" for _, reason in outside), outside


def _run_block(page, selector: str, expected_start: str) -> None:
    """Click a runnable block of the guide (it goes into the editor) and run it."""
    page.locator(selector).first.click()
    page.locator('[data-testid="activeEditor"]').get_by_text(expected_start).first.wait_for()
    page.click('[data-testid="editor-Run"]')
    page.locator('[data-testid="frameCommand"]', has_text=expected_start).first.wait_for()


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
        assert html.escape(q.query) in page


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
    assert q.params_command() == ":params {actor: 'TUR', year: 2020}"
    assert q.example == "tiegraph query partners --param actor=TUR"
    assert q.notes == "Ties are counted once; undated ties come last."
    assert q.query == "MATCH (a:Actor {id: $actor}) // the actor\nWHERE a.year <= $year RETURN a"


def test_a_browser_command_other_than_param_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "both.cypher"
    path.write_text("// Question: two?\n:params {actor: 'TUR'}\nMATCH (a) RETURN a\n", encoding="utf-8")
    with pytest.raises(StoreError, match=rf"^{re.escape(str(path))}: ':params \{{actor: 'TUR'\}}': the guide reads"):
        browser.parse_saved_query(path)


def test_style_colours_kinds_sizes_degree_bands_and_captions() -> None:
    sheet = browser.grass()
    rules = dict(re.findall(r"^([\w.]+) \{\n(.*?)^\}", sheet, re.MULTILINE | re.DOTALL))
    assert list(rules)[:2] == ["node", "relationship"]  # defaults first: Browser replaces all rules
    assert "caption: '<type> {year}'" in rules["relationship"]
    assert "caption: '{name}'" in rules["node.Actor"]
    colours = {label: re.search(r"\bcolor: (#\w+)", rules[f"node.{label}"]).group(1)  # type: ignore[union-attr]
               for label in browser.KIND_COLOURS}
    assert len(set(colours.values())) == len(colours)
    sizes = [int(re.search(r"diameter: (\d+)px", rules[f"node.{label}"]).group(1))  # type: ignore[union-attr]
             for label, _, _ in browser.DEGREE_BANDS]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    assert [browser.degree_band(d) for d in (None, 0, 2, 3, 10, 11, 20, 21, 500)] == [
        "DegreeBand1", "DegreeBand1", "DegreeBand1", "DegreeBand2", "DegreeBand3", "DegreeBand4", "DegreeBand4",
        "DegreeBand5", "DegreeBand5"]


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
    assert env[docker("browser.post_connect_cmd")] == f"style {guide}/style.grass; guide {guide}/guide.html"
    assert env[docker("browser.remote_content_hostname_whitelist")].split(",")[0] == guide
    assert "guide_server(7475, '0.0.0.0')" in " ".join(compose["services"]["guide"]["command"])
