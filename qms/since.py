"""History for `qms check --since REV`: only the files the change touches, seeded with their state at REV.

A pull request touches a handful of files; the repository holds tens of
thousands with years of history. The change-control rules judge each commit
after REV against the version before it, so for most changes the version at
REV is all the past they need. This module reads the commits of REV..HEAD
(first-parent line, with each merge's side-branch commits, as the whole-history
index does), the version at REV of each document they touch, and nothing else.

Where a finding would depend on history before REV that the seed does not
carry (who wrote the revision that is being approved, approvals given before
REV, an adoption baseline after REV, an id held by two files), `load_since`
returns None and the caller reads the whole history instead: the result is
always what `qms check --history` reports for the commits after REV.
"""

from __future__ import annotations

from qms import historycache
from qms.config import Config
from qms.gitlog import Commit, ensure_full_history, read_blobs, read_range, resolve_commit, run_git
from qms.history import (
    DocumentHistory,
    History,
    Roster,
    Version,
    _baseline_ordinal,
    document_path_test,
    index_versions,
    judge_history,
    parse_blobs,
    parse_versions,
)
from qms.model import Person
from qms.rules.history import became_effective

# Below this many versions to read, parsing them costs less than loading the parse cache.
DIRECT_PARSE_LIMIT = 2_000


def load_since(config: Config, people: list[Person], rev: str, shared_ids: set[str] = frozenset()
               ) -> tuple[History, int] | None:
    """(history of the touched documents, ordinal of REV), or None when only the whole history can tell.

    `shared_ids` are ids that more than one file holds: their versions interleave in the history
    of that id, so they are judged on the whole history.
    """
    root = config.root
    ensure_full_history(root)
    base = resolve_commit(root, rev)
    commits = read_range(root, base)
    if commits is None:
        return None
    seed_commit = Commit(base, [], "", "", "", "", "", "", [], ordinal=0)
    for commit in commits:
        commit.ordinal += 1
    if not commits:
        return History([seed_commit], {}), 0
    if not _baseline_before(config, commits):
        return None
    is_doc = document_path_test(config)
    touched = sorted({path for commit in commits for change in commit.changes
                      for path in (change.path, change.old_path) if path and is_doc(path)})
    at_base = _blobs_at(root, base, touched)
    parsed = _parse(root, commits, is_doc, list(at_base.values()))

    history = History([seed_commit, *commits], {})
    at_path: dict[str, str] = {}
    for path, blob in at_base.items():
        data, digest = parsed.get(blob, (None, ""))
        doc_id = data[historycache.INDEX["id"]] if data else None
        if not isinstance(doc_id, str) or doc_id in history.documents:
            return None  # the id at REV comes from older history, or two files share it
        at_path[path] = doc_id
        history.documents[doc_id] = DocumentHistory(doc_id, [Version(seed_commit, path, data, digest, blob=blob,
                                                                     seed=True)])
    index_versions(history, commits, parsed, is_doc, at_path)
    if shared_ids & history.documents.keys():
        return None
    named = {trailer.partition("@")[0].strip() for commit in commits for trailer in commit.approves}
    if any(name not in history.documents for name in named):
        return None  # an approval of a document the range does not touch is judged on its older history
    judge_history(config, history, Roster(people))
    if any(_needs_older_history(doc) for doc in history.documents.values()):
        return None
    return history, 0


def _parse(root, commits: list[Commit], is_doc, extra: list[str]):
    """Parsed versions: directly for a pull request's few files; through the parse cache for a long range,
    whose loading costs more than parsing a few hundred files."""
    blobs = {c.blob for commit in commits for c in commit.changes if c.status != "D" and is_doc(c.path)}
    blobs.update(extra)
    if len(blobs) < DIRECT_PARSE_LIMIT:
        return parse_blobs(read_blobs(root, blobs))
    return parse_versions(root, commits, is_doc, historycache.load(root), extra)


def _needs_older_history(doc: DocumentHistory) -> bool:
    """True when the revision open at REV is approved or becomes effective in the range.

    Judging that needs who wrote the revision before REV and which approvals it
    already had, which the seed does not carry.
    """
    if not doc.revisions or not doc.revisions[0].versions[0].seed:
        return False
    open_at_base = doc.revisions[0]
    became = became_effective(open_at_base)
    return bool(open_at_base.approvals) or (became is not None and not became.seed)


def _baseline_before(config: Config, commits: list[Commit]) -> bool:
    """True when the adoption baseline (if any) lies at or before REV, so it changes nothing in the range."""
    if config.baseline is None:
        return True
    return _baseline_ordinal(config, commits) < commits[0].ordinal


def _blobs_at(root, base: str, paths: list[str]) -> dict[str, str]:
    """path -> blob id at commit `base`, for those of `paths` that exist there."""
    if not paths:
        return {}
    out = run_git(root, "--literal-pathspecs", "ls-tree", "-z", "--full-tree", base, "--", *paths)
    found = {}
    for entry in out.decode("utf-8", "surrogateescape").split("\x00"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            found[path] = parts[2]
    return found
