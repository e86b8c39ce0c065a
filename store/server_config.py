"""``neo4j.conf`` of a local server: where its files go, what it listens on, what it sends out.

Why a module of its own: the settings are the server's contract with the rest of
the machine (loopback only, everything inside one work directory, no telemetry,
Browser onboarding), worth reading in one place; ``store.server`` only runs the
process.  Names are Neo4j 5.26's own: the server refuses unknown settings
(``server.config.strict_validation.enabled`` is on by default), so a misspelt
key fails the start instead of being silently ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: where Neo4j 5.26 looks for a ``neo4j-browser*.zip`` that replaces the Browser in its jar
WEB_DIR = "web"


#: Neo4j's default policy minus every outside host; localhost and 127.0.0.1 both, as users open either
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
    "connect-src 'self' ws://127.0.0.1:* ws://localhost:* http://127.0.0.1:* http://localhost:*")


def browser_base_url(http_port: int) -> str:
    """The URL of the tiegraph guide and style, served by the server itself (store.browser)."""
    return f"http://127.0.0.1:{http_port}/browser/tiegraph"


#: Browser's "Connect result nodes" setting (``autoComplete`` in Browser 5.24's settings): on, a
#: drawing adds every relationship between the nodes of a result, so a query for one actor's
#: ties draws the ties among its partners too; off, a drawing shows what the query returned.
BROWSER_CONFIG = "config autoComplete: false"


def post_connect_command(guide_base: str) -> str:
    """What Browser runs after every login: its settings for tiegraph, the style, the guide.

    ``guide_base`` is where the guide and style are served (this server, or the Docker
    ``guide`` service).  Browser splits the value on ``;`` and runs each part as a ``:`` command.
    """
    return f"{BROWSER_CONFIG}; style {guide_base}/style.grass; guide {guide_base}/guide.html"


def browser_settings(http_port: int) -> dict[str, str]:
    """Browser onboarding and privacy: the guide and style on login, no telemetry, no outside hosts.

    ``browser.remote_content_hostname_whitelist`` (5.26 still spells it so; Browser reads it
    as its "allowlist") lists the hosts ``:guide``, ``:play`` and ``:style`` may fetch from.
    Its first entry is a URL on purpose: Browser resolves ``:play NAME`` / ``:guide NAME`` by
    trying ``<entry>/NAME`` for each entry, so ``:play tiegraph`` finds
    ``/browser/tiegraph/tiegraph``.  guides.neo4j.com is left out: nothing is fetched from
    outside this machine.  ``browser.post_connect_cmd`` runs after every login: it applies the
    tiegraph style (node colour by actor kind, size by degree band, captions) and opens the guide.
    """
    base = browser_base_url(http_port)
    return {
        "browser.remote_content_hostname_whitelist": f"{base},127.0.0.1,localhost",
        "browser.post_connect_cmd": post_connect_command(base),
        # Browser's usage statistics (and its consent banner) and the server's own usage report
        "client.allow_telemetry": "false",
        "dbms.usage_report.enabled": "false",
        # The pages' Content-Security-Policy: Neo4j's default lets Browser load scripts from
        # cdn.segment.com and canny.io and fonts from Google whatever the setting above says.
        # Here the page may reach this machine only (Bolt over ws:, guides, styles).
        "dbms.security.http_static_content_security_policy_header": CONTENT_SECURITY_POLICY,
    }


def neo4j_conf(workdir: Path, plugins: Path, bolt_port: int, http_port: int, heap: str, pagecache: str) -> str:
    """neo4j.conf: loopback only, auth on, everything under ``workdir``, small memory, no telemetry."""
    settings: dict[str, Any] = {
        "server.directories.data": workdir / "data",
        "server.directories.logs": workdir / "logs",
        "server.directories.run": workdir / "run",
        "server.directories.import": workdir / "import",
        "server.directories.plugins": plugins,
        # a neo4j-browser*.zip here is served at /browser instead of the jar's copy (store.browser)
        "internal.dbms.web_dir_path": workdir / WEB_DIR,
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        # Browser connects to the advertised Bolt address; without it, it would try port 7687.
        "server.bolt.listen_address": f"127.0.0.1:{bolt_port}",
        "server.bolt.advertised_address": f"127.0.0.1:{bolt_port}",
        "server.http.listen_address": f"127.0.0.1:{http_port}",
        "server.http.advertised_address": f"127.0.0.1:{http_port}",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "server.memory.heap.initial_size": heap,
        "server.memory.heap.max_size": heap,
        "server.memory.pagecache.size": pagecache,
        # Preallocated transaction logs take 256 MB per database on disk before any data.
        "db.tx_log.preallocate": "false",
        "dbms.security.procedures.unrestricted": "apoc.*",
        # Bolt waits 2 x 5 s for idle connections on shutdown by default; 1 s each is plenty here.
        "internal.server.bolt.connection_shutdown_wait_time": "1s",
        "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",
        **browser_settings(http_port),
    }
    head = "# Written by tiegraph (store/server_config.py) on every start: edits here are overwritten.\n"
    return head + "".join(f"{k}={v}\n" for k, v in settings.items())
