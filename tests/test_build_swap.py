"""`qms build` swaps a whole new site in, or leaves the old one: killed or failed, never half a site.

The real `qms build` runs on a small repository whose home page has two editions, A and B, with different
files. Each is built once, uninterrupted, as the reference; then the content is switched and the build is
killed (SIGKILL, the qms process only) at a random moment, over and over. After every kill the site folder
must hold exactly one of the two references, file for file and byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from qmsrepo import GitQmsRepo

MKDOCS_YML = "site_name: Test Office\ndocs_dir: portal\ntheme:\n  name: material\nplugins:\n  - search\n  - qms\n"
TRIALS = 30


def _site_repo(root: Path) -> GitQmsRepo:
    repo = GitQmsRepo(root)
    repo.write("mkdocs.yml", MKDOCS_YML)
    repo.write(".gitignore", "site/\n")
    repo.write("portal/index.md", "# Home\n\nEdition A of the home page.\n")
    repo.commit("Publish the manual", who="li-na")
    return repo


def _edition(repo: GitQmsRepo, name: str) -> None:
    """Edition A: the home page alone. Edition B: other words, and a news page (so other files, too)."""
    repo.write("portal/index.md", f"# Home\n\nEdition {name} of the home page.\n")
    news = repo.root / "portal" / "news.md"
    if name == "B":
        news.write_text("# News\n\nThe manual is published.\n", encoding="utf-8")
    else:
        news.unlink(missing_ok=True)


def _env() -> dict[str, str]:
    # A fixed build date, so that two uninterrupted builds of one edition are the same bytes.
    return {**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1767225600"}


def _snapshot(site: Path) -> dict[str, str] | None:
    """Every file under the site folder, by its SHA-256; None when there is no site folder."""
    if not site.exists():
        return None
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _build(repo: GitQmsRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qms", "build", *args], cwd=repo.root, capture_output=True,
                          text=True, env=_env(), timeout=300)


def _leftovers(repo: GitQmsRepo) -> list[str]:
    return sorted(p.name for p in (repo.root / ".git").glob(".qms-write-*"))


@pytest.mark.slow
def test_a_killed_build_leaves_the_old_site_or_the_whole_new_one(tmp_path: Path) -> None:
    repo = _site_repo(tmp_path / "qms-git")
    site = repo.root / "site"
    reference = {}
    duration = 0.0
    for name in ("A", "B"):
        _edition(repo, name)
        started = time.monotonic()
        run = _build(repo)
        assert run.returncode == 0, run.stdout + run.stderr
        reference[name] = _snapshot(site)
        duration = max(duration, time.monotonic() - started)
    assert reference["A"] and reference["B"] and reference["A"] != reference["B"]
    assert set(reference["A"]) != set(reference["B"])  # other files, not only other bytes

    seed = random.randrange(2**32)
    rng = random.Random(seed)
    current = "B"
    outcomes = {"old": 0, "new": 0}
    for trial in range(TRIALS):
        other = "A" if current == "B" else "B"
        _edition(repo, other)
        proc = subprocess.Popen([sys.executable, "-m", "qms", "build"], cwd=repo.root, env=_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        delay = rng.uniform(0, duration)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=delay)
        proc.send_signal(signal.SIGKILL)  # the qms process only, as a user or a CI runner would
        proc.wait(timeout=30)
        now = _snapshot(site)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # then whatever it started that is still running (MkDocs)
        where = f"trial {trial} (seed {seed}, killed after {delay:.2f} s of a {duration:.2f} s build)"
        assert now is not None, f"{where}: the site folder is gone"
        if now == reference[current]:
            outcomes["old"] += 1
        else:
            missing = sorted(set(reference[other]) - set(now))[:5]
            extra = sorted(set(now) - set(reference[other]))[:5]
            changed = sorted(rel for rel in set(now) & set(reference[other]) if now[rel] != reference[other][rel])[:5]
            assert now == reference[other], (f"{where}: a partial site: missing {missing}, extra {extra}, "
                                              f"different {changed}")
            outcomes["new"] += 1
            current = other
        # Nothing where git or the user would see it: a killed build's temporary folder is in .git.
        assert repo.git("status", "--porcelain", "--untracked-files=all", "--", ".", ":!portal") == "", where
    print(f"{TRIALS} killed builds (seed {seed}, build {duration:.2f} s): {outcomes['old']} left the old site, "
          f"{outcomes['new']} the new one")

    # The next build, uninterrupted, does the whole job and clears what the killed ones left.
    other = "A" if current == "B" else "B"
    _edition(repo, other)
    run = _build(repo)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _snapshot(site) == reference[other]
    assert _leftovers(repo) == []


FAILING_HOOK = """\
from mkdocs.exceptions import PluginError


def on_post_build(config):
    raise PluginError("the test hook fails every build, after every page is written")
"""


@pytest.mark.parametrize("site_dir", [None, "elsewhere/site"], ids=["site", "site-dir"])
def test_a_failed_build_leaves_the_old_site_as_it_was(tmp_path: Path, site_dir: str | None) -> None:
    repo = _site_repo(tmp_path / "qms-git")
    args = ("--site-dir", str(tmp_path / site_dir)) if site_dir else ()
    site = tmp_path / site_dir if site_dir else repo.root / "site"
    run = _build(repo, *args)
    assert run.returncode == 0, run.stdout + run.stderr
    (site / ".nojekyll").write_text("", encoding="utf-8")  # MkDocs never removes a site's hidden files
    old = _snapshot(site)
    assert old and "index.html" in old

    _edition(repo, "B")
    repo.write("hooks/fail.py", FAILING_HOOK)
    repo.write("mkdocs.yml", MKDOCS_YML + "hooks:\n  - hooks/fail.py\n")
    run = _build(repo, *args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert _snapshot(site) == old
    assert "the test hook fails every build" in run.stderr
    assert f"{site} was left as it was" in run.stderr
    assert _leftovers(repo) == []

    repo.write("mkdocs.yml", MKDOCS_YML)
    run = _build(repo, *args)
    assert run.returncode == 0, run.stdout + run.stderr
    new = _snapshot(site)
    assert new and new != old and "news/index.html" in new
    assert ".nojekyll" in new  # kept, as an in-place MkDocs build keeps it
    assert f"Built the site in {site}." in run.stdout
