"""A plain (non-editable) install adds one name, ``tiegraph``, and carries everything it reads.

The README installs with ``pip install -e``, where the modules find ``data/``,
``cypher/`` and ``store/server/pom.xml`` in the working tree.  A user who runs
``pip install .`` gets a wheel instead: these tests build that wheel, install
it into an empty venv (no dependencies) and check that ``tiegraph`` is the only
new top-level import name, then run the CLI from the installed copy (with the test
environment's dependencies), so a file left out of the wheel fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel of this tree, built and installed into an empty folder (returned)."""
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of the tracked files: setuptools reuses ./build, whose stale files would
    # hide a file the package configuration leaves out.
    source = out / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout: cannot list the tracked files")
    for name in tracked.stdout.split("\0"):
        if name and (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = out.glob("tiegraph-*.whl")
    venv = out / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    names = "import pkgutil; print(' '.join(sorted(m.name for m in pkgutil.iter_modules())))"
    before = set(subprocess.run([python, "-c", names], capture_output=True, text=True, check=True).stdout.split())
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                              str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    after = set(subprocess.run([python, "-c", names], capture_output=True, text=True, check=True).stdout.split())
    assert after - before == {"tiegraph"}
    (site,) = (venv / "lib").glob("python3*/site-packages")
    return site


def _shipped(relative: Path) -> bool:
    """Files the code reads at run time: the dataset, the Cypher library, the server's pom."""
    top = relative.parts[0]
    return (top == "data" and relative.suffix in {".yaml", ".md"}) or \
        (top == "cypher" and relative.suffix in {".cypher", ".md"}) or relative == Path("store/server/pom.xml")


def test_the_wheel_holds_every_data_and_cypher_file(installed: Path):
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    wanted = sorted(p for p in map(Path, tracked.stdout.split()) if _shipped(p))
    assert len(wanted) > 30
    missing = [str(p) for p in wanted if not (installed / "tiegraph" / p).is_file()]
    assert missing == []


def _run_installed(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``tiegraph ARGS`` from the installed copy, run outside the working tree."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "import sys; from tiegraph import cli; sys.argv = ['tiegraph', *sys.argv[1:]]; cli.main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=site.parent, env=env,
                          capture_output=True, text=True)


def test_installed_cli_reads_its_bundled_dataset(installed: Path):
    done = _run_installed(installed, "validate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OK: 30 actors, 75 ties in 8 files"


def test_installed_modules_come_from_the_install_not_the_tree(installed: Path):
    code = ("import tiegraph.loaders.datadir as c, tiegraph.store.cypher as q, tiegraph.store.jvm as s; "
            "print(c.BUNDLED_DATA); print(q.SCHEMA_FILE.is_file()); print(s.POM.is_file()); "
            "print(len(q.load_store_cypher('read_ties')) > 0)")
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run([sys.executable, "-c", code], cwd=installed.parent, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(installed / "tiegraph" / "data"), "True", "True", "True"]


def test_wheel_has_no_tests_or_benchmarks(installed: Path):
    assert not (installed / "tiegraph" / "tests").exists()
    assert not (installed / "tiegraph" / "bench").exists()
    records = (next(installed.glob("tiegraph-*.dist-info")) / "RECORD").read_text()
    assert "tests/" not in records and "bench/" not in records
