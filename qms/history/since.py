"""History for `qms check --since REV`: only the files the change touches, seeded with their state at REV.

A pull request touches a handful of files; the repository holds tens of
thousands with years of history. The change-control rules judge each commit
after REV against the version before it, so for most changes the version at
REV is all the past they need. This module reads the commits of REV..HEAD
(first-parent line, with each merge's side-branch commits, as the whole-history
index does), the version at REV of each document they touch, and nothing else.

Where a finding depends on history before REV (who wrote the revision that
is being approved, approvals it had before REV), the history of those files
alone is read too (`gitlog.read_before`: one path-limited `git log`, plus the
side-branch commits and approvals that concern them). Where even that is not
enough (a file renamed into place before REV, an adoption baseline after REV,
an id held by two files, an approval of a file the range does not touch),
`load_since` returns None and the caller reads the whole history, as it does
when the range creates a document under the id of one deleted before REV (a
re-created controlled document is judged against its last version). The
result is what `qms check --history` reports for the commits after REV, with
the range judged as the team's merge setting will land it (qms.rules.Context.step_of).
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from qms.git.commits import Commit
from qms.git.log import blobs_at, deleted_before, read_before, read_blobs, read_range
from qms.git.runner import ensure_full_history, resolve_commit, run_git
from qms.history import cache as historycache
from qms.history.controls import control_files, read_seed
from qms.history.index import (
    NO_MAPPING,
    baseline_ordinal,
    document_path_test,
    index_versions,
    judge_history,
    parse_blobs,
    parse_versions,
)
from qms.history.model import DocumentHistory, History, Roster, Version
from qms.load.config import Config
from qms.model import Person

# Below this many versions to read, parsing them costs less than loading the parse cache.
DIRECT_PARSE_LIMIT = 2_000
# Up to this many documents, reading their own older history (a path-limited git log, about 0.7 s for one
# at 20,000 commits, and a git diff-tree for each file's creation) is shorter than reading all of history.
OLDER_HISTORY_LIMIT = 10


def load_since(config: Config, people: list[Person], rev: str, shared_ids: Set[str] = frozenset()
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
    if not commits:
        return History([Commit(base, [], "", "", "", "", "", "", [])], {}, whole=False), 0
    if not _baseline_before(config, commits) or _rules_of_approval_changed(config):
        return None
    is_doc = document_path_test(config)
    touched = sorted({path for commit in commits for change in commit.changes
                      for path in (change.path, change.old_path) if path and is_doc(path)})
    at_base = blobs_at(root, base, touched)
    parsed = _parse(root, commits, is_doc, list(at_base.values()), mapping=config.front_matter)
    built = _build(config, people, base, [], commits, at_base, parsed, shared_ids)
    if built is not None and _recreates_a_deleted_document(config, base, built[0]):
        return None
    if built is None or not built[1]:
        return None if built is None else (built[0], 0)
    # Some documents need their history before REV: read it for their files alone, unless they are so
    # many that reading the whole history is the shorter way.
    deep = {doc.path_at_base: doc.id for doc in built[1]}
    if len(deep) > OLDER_HISTORY_LIMIT:
        return None
    older = read_before(root, base, sorted(deep), set(deep.values()))
    if older is None:
        return None
    parsed.update(_parse(root, older, is_doc, [], known=parsed, mapping=config.front_matter))
    built = _build(config, people, base, older, commits, at_base, parsed, shared_ids, deep)
    if built is None or built[1]:
        return None
    return built[0], len(older)


def _build(config: Config, people: list[Person], base: str, older: list[Commit], commits: list[Commit],
           at_base: dict[str, str], parsed, shared_ids: Set[str], deep: dict[str, str] | None = None):
    """(history, documents that need older history) from the `older` commits of some files, the state at
    REV of the others, and the range; None when the whole history must be read."""
    is_doc = document_path_test(config)
    deep = deep or {}
    for ordinal, commit in enumerate(older):
        commit.ordinal = ordinal
    seed_commit = Commit(base, [], "", "", "", "", "", "", [], ordinal=len(older))
    for ordinal, commit in enumerate(commits, start=len(older) + 1):
        commit.ordinal = ordinal
    history = History([*older, seed_commit, *commits], {}, whole=False)
    at_path: dict[str, str] = {}
    index_versions(history, older, parsed, is_doc, at_path)
    if {path: at_path.get(path) for path in deep} != deep:
        return None  # the older history does not end where the state at REV begins
    for path, blob in at_base.items():
        if path in deep:
            continue
        data, digest = parsed.get(blob, (None, ""))
        data = is_doc.with_type(path, data)
        doc_id = data[historycache.INDEX["id"]] if data else None
        if not isinstance(doc_id, str) or doc_id in history.documents:
            return None  # the id at REV comes from older history, or two files share it
        at_path[path] = doc_id
        history.documents[doc_id] = DocumentHistory(doc_id, [Version(seed_commit, path, data, digest, blob=blob,
                                                                     seed=True)])
    index_versions(history, commits, parsed, is_doc, at_path)
    if shared_ids & history.documents.keys():
        return None
    named = {trailer.partition("@")[0].strip() for commit in commits for trailer in (*commit.approves, *commit.reviews)}
    if any(name not in history.documents for name in named):
        return None  # an approval of a document the range does not touch is judged on its older history
    judge_history(config, history, Roster(people), read_seed(config, base))
    return history, [_Deep(doc.id, doc.versions[0].path) for doc in history.documents.values()
                     if _needs_older_history(doc)]


@dataclass(frozen=True)
class _Deep:
    id: str
    path_at_base: str  # the seed's path: the file as it was at REV


def _parse(root, commits: list[Commit], is_doc, extra: list[str], known=None, mapping=NO_MAPPING):
    """Parsed versions: directly for a pull request's few files; through the parse cache for a long range,
    whose loading costs more than parsing a few hundred files."""
    blobs = {c.blob for commit in commits for c in commit.changes if c.status != "D" and is_doc(c.path)}
    blobs.update(extra)
    blobs -= (known or {}).keys()
    if len(blobs) < DIRECT_PARSE_LIMIT:
        return parse_blobs(read_blobs(root, blobs), mapping)
    return parse_versions(root, commits, is_doc, historycache.load(root, mapping), extra, mapping)


def _needs_older_history(doc: DocumentHistory) -> bool:
    """True when the revision open at REV is approved or becomes effective in the range.

    Judging that needs who wrote the revision before REV and which approvals it
    already had, which the seed does not carry.
    """
    if not doc.revisions or not doc.revisions[0].versions[0].seed:
        return False
    open_at_base = doc.revisions[0]
    became = open_at_base.became_effective()
    return bool(open_at_base.approvals or open_at_base.reviews) or (became is not None and not became.seed)


def _recreates_a_deleted_document(config: Config, base: str, history: History) -> bool:
    """Whether the range creates a document under the id of one deleted before REV.

    A controlled document is never deleted, so re-creating one is judged as `--history` judges it: against
    its last version before the deletion, which only the whole history holds. Deletions are rare (H008), so
    the look is one path-limited `git log`, made only when the range creates a document.
    """
    created = {doc.id for doc in history.documents.values() if doc.versions and not doc.versions[0].seed}
    if not created:
        return False
    deleted = deleted_before(config.root, base, config.folders())
    if not deleted:
        return False
    parsed = parse_blobs(read_blobs(config.root, deleted), config.front_matter)
    ids = {data[historycache.INDEX["id"]] for data, _ in parsed.values() if data}
    return bool(ids & created)


def _rules_of_approval_changed(config: Config) -> bool:
    """Whether qms.yml, the roster or the roles registry ever changed after it was first committed: then which
    version was in force at REV depends on approvals only the whole history holds."""
    counts = run_git(config.root, "rev-list", "--count", "HEAD", "--", *control_files(config)).decode().strip()
    return int(counts or "0") > 1


def _baseline_before(config: Config, commits: list[Commit]) -> bool:
    """True when the adoption baseline (if any) lies at or before REV, so it changes nothing in the range."""
    if config.baseline is None:
        return True
    return baseline_ordinal(config, commits) < commits[0].ordinal
