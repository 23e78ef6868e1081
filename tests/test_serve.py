"""`qms serve` follows the author's edits, and each type's folder has a page (issue 14, point 11).

The real `qms serve` process on a free port, polled over HTTP until the page shows what was changed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from qmsrepo import RUN_ENV, GitQmsRepo

QP = "procedures/qp-01-document-control.md"
MKDOCS_YML = """\
site_name: "{organisation} — Quality Management System"
docs_dir: portal
theme:
  name: material
plugins:
  - search
  - qms
"""


def site_repo(root: Path) -> GitQmsRepo:
    repo = GitQmsRepo(root)
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write("portal/index.md", "# Home\n")
    repo.commit("Publish the QMS as a site", who="li-na")
    return repo


@contextmanager
def served(root: Path) -> Iterator[str]:
    """`qms serve` started in `root`; yields its address, and stops it (and MkDocs: it is the same process)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "qms", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, **RUN_ENV})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def wait_for(url: str, shows: Callable[[str], bool], within: float = 120) -> str:
    """The page at `url` once it `shows` what is expected; fails with what it last showed after `within` s."""
    last = ""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            status, last = fetch(url)
        except OSError:
            status = 0
        if status == 200 and shows(last):
            return last
        time.sleep(0.5)
    raise AssertionError(f"{url} did not show the change within {within} s; it showed:\n{last[:2000]}")


def test_serve_rebuilds_when_a_document_a_commit_or_qms_yml_changes(tmp_path: Path) -> None:
    """The document folders, git's HEAD and qms.yml are watched; site_name takes the organisation from qms.yml."""
    repo = site_repo(tmp_path / "qms")
    with served(repo.root) as site:
        page = f"{site}/procedures/qp-01-document-control/"
        wait_for(page, lambda html: "See the" in html)
        repo.edit(QP, "See the [quality manual]", "Rebuilt at once: see the [quality manual]")
        wait_for(page, lambda html: "Rebuilt at once" in html)
        # A commit changes no file it shows, but the revision table (read from git) names it.
        commit = repo.commit("Say that the preview follows edits", who="li-na")[:7]
        wait_for(page, lambda html: commit in html)
        repo.edit("qms.yml", "organisation: Test Office", "organisation: Renamed Office")
        wait_for(page, lambda html: "Renamed Office — Quality Management System" in html)


def test_each_type_folder_lists_its_documents(tmp_path: Path) -> None:
    """/procedures/ and /manual/ list the documents in force there; /records/ is the records register."""
    repo = site_repo(tmp_path / "qms")
    repo.write("procedures/wi-01-01-scanning.md", """\
        ---
        id: WI-01-01
        title: Scanning Incoming Mail
        type: work-instruction
        revision: 1
        status: draft
        owner: document-controller
        approvers: [quality-manager]
        ---

        # Scanning Incoming Mail
        """)
    with served(repo.root) as site:
        procedures = wait_for(f"{site}/procedures/", lambda html: "QP-01" in html)
        assert 'href="qp-01-document-control/"' in procedures
        assert "Document Control" in procedures and "Work instructions" in procedures
        assert "WI-01-01" not in procedures  # a draft is not in force
        manual = wait_for(f"{site}/manual/", lambda html: "QM-01" in html)
        assert 'href="qm-01-quality-manual/"' in manual
        records = wait_for(f"{site}/records/", lambda html: "REC-2026-001" in html)
        assert "Records register" in records


def test_a_folder_page_of_the_sites_own_is_kept_and_a_records_folder_leads_to_the_register(tmp_path: Path) -> None:
    repo = site_repo(tmp_path / "qms")
    repo.write("portal/procedures/index.md", "# Our own list of procedures\n")
    repo.write("qms.yml", repo.read("qms.yml") + "types:\n  record:\n    folder: evidence\n    id_pattern: 'REC-\\d{4}-\\d{3}'\n")
    (repo.root / "evidence").mkdir()
    (repo.root / "records").rename(repo.root / "evidence/2026-records")
    run = repo.qms("build")
    assert run.code == 0, run.stderr
    site = repo.root / "site"
    assert "Our own list of procedures" in (site / "procedures/index.html").read_text(encoding="utf-8")
    evidence = (site / "evidence/index.html").read_text(encoding="utf-8")
    assert 'href="../records/"' in evidence and "records register" in evidence
