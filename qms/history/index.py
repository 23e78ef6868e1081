"""One pass over git history -> every document's versions, revisions and approvals.

Indexed by document id, read from each version's front-matter, so a file that
is renamed or moved keeps its history. Old front-matter is read in bulk from
`git cat-file --batch`, never one git process per file.
"""


from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qms.forkpool import fork_map
from qms.git.commits import Commit
from qms.git.log import last_first_parent_before, read_blobs, read_log
from qms.git.runner import ensure_full_history, resolve_commit, run_git
from qms.history import cache as historycache
from qms.history.approvals import attach_approvals, attach_supervision, judge_signatures, require_reviews
from qms.history.cache import INDEX, Front, project
from qms.history.controls import build_timeline, control_files
from qms.history.model import (
    ID,
    LIFECYCLE_KEYS,
    NONE,
    READ,
    UNREADABLE,
    DocumentHistory,
    History,
    Identity,
    Revision,
    Roster,
    Version,
)
from qms.history.prehistory import renamed_from
from qms.load.config import Config
from qms.model import Person
from qms.text.dates import end_of, is_date_baseline
from qms.text.frontmatter import SplitProblem, normalise_newlines, split_front_matter
from qms.text.keymap import FrontMatterMap
from qms.text.yamlsafe import parse_yaml

NO_MAPPING = FrontMatterMap()
TYPE = INDEX["type"]


def content_digest(data: dict[str, Any] | None, body: str, state: str = READ) -> str:
    """The digest of everything but the lifecycle keys, then the digest of the body's text alone, then how
    the front-matter read (model.READ, NONE or UNREADABLE): equal digests are equal content, and the body's
    part tells who wrote the text when an adopter only added front-matter (model.Version.body)."""
    kept = {k: v for k, v in (data or {}).items() if k not in LIFECYCLE_KEYS}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str) + "\x00" + body
    whole = hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    # Blank lines around the text are not authorship: an adopter's front-matter usually brings one.
    words = hashlib.blake2b(body.strip().encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
    return whole + words + state


def _parse_blob(raw: bytes, mapping: FrontMatterMap = NO_MAPPING) -> tuple[Front | None, str]:
    """(front-matter, content digest) of one stored version of a document, foreign keys and statuses mapped
    as qms.yml says (`front_matter:`), as the loader maps today's."""
    try:
        text = normalise_newlines(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, content_digest(None, raw.decode("utf-8", "replace"), UNREADABLE)
    try:
        split = split_front_matter(text)
    except SplitProblem as problem:
        # A file that does not open with a fence has no front-matter (yet); one whose fence is never closed
        # has front-matter nobody can read.
        return None, content_digest(None, text, NONE if problem.message == "no front-matter" else UNREADABLE)
    parsed = parse_yaml(split.yaml_text, split.yaml_line)
    data = parsed.value if isinstance(parsed.value, dict) and not parsed.problems else None
    if data is not None and mapping:
        data = mapping.apply(data)[0]
    # Only the keys history reads are kept: every version of every file is held at once.
    return project(data), content_digest(data, split.body, READ if data is not None else UNREADABLE)


def parse_blobs(blobs: dict[str, bytes], mapping: FrontMatterMap = NO_MAPPING) -> dict[str, tuple[Front | None, str]]:
    """Parse every version, on every core when there are many."""
    shas = list(blobs)
    return dict(zip(shas, fork_map(functools.partial(_parse_blob, mapping=mapping), [blobs[sha] for sha in shas])))


def load_history(config: Config, people: list[Person], upto: str | None = None) -> History:
    """Read the whole first-parent history of the document folders in one pass; with `upto`, only as far as that
    first-parent commit, with the side commits its merges brought in (the history as it stood then)."""
    root = config.root
    ensure_full_history(root)
    cached: dict[str, tuple[Front | None, str]] = {}

    def load_cache() -> None:
        cached.update(historycache.load(root, config.front_matter))

    commits = read_log(root, while_git_works=load_cache)
    if upto is not None:
        commits = _up_to(commits, upto)
    is_doc = document_path_test(config)
    is_doc.follow(renamed_from(commits, is_doc))
    parsed = parse_versions(root, commits, is_doc, cached, mapping=config.front_matter)
    history = History(commits, {})
    index_versions(history, commits, parsed, is_doc, history.at_head)
    history.baseline = baseline_ordinal(config, commits)
    judge_history(config, history, Roster(people))
    for doc in history.documents.values():
        for revision in doc.revisions:
            revision.before_adoption = _in_force_by(revision, history.baseline)
    return history


def _up_to(commits: list[Commit], sha: str) -> list[Commit]:
    """The commits up to first-parent commit `sha`: a merge's side commits come just before it (read_log)."""
    for index, commit in enumerate(commits):
        if commit.sha == sha and commit.merged_by is None:
            return commits[: index + 1]
    raise ValueError(f"{sha} is not on HEAD's first-parent line")


def parse_versions(root: Path, commits: list[Commit], is_doc, cached: dict[str, tuple[Front | None, str]],
                   extra: Iterable[str] = (), mapping: FrontMatterMap = NO_MAPPING) -> dict[str, tuple[Front | None, str]]:
    """Front-matter and content digest of every document version the commits (and `extra` blobs) name."""
    blob_ids = [c.blob for commit in commits for c in commit.changes if c.status != "D" and is_doc(c.path)]
    missing = {sha for sha in (*blob_ids, *extra) if sha not in cached}
    if missing:
        cached.update(parse_blobs(read_blobs(root, missing), mapping))
        historycache.save(root, cached, mapping)
    return cached


def index_versions(history: History, commits: list[Commit], parsed: dict[str, tuple[Front | None, str]],
                   is_doc, at_path: dict[str, str]) -> None:
    """Add each commit's document changes to the history, by id; `at_path` maps path -> id as history stands."""
    documents = history.documents
    missing = (None, "")
    origins: dict[str, str] = {}  # path -> the origin of the file there (Version.origin)
    unnamed: dict[str, list[Version]] = {}  # path -> the versions of the file there that carried no id yet
    for commit in commits:
        for change in commit.changes:
            path = change.path
            if change.status == "D":
                unnamed.pop(path, None)
                doc_id = at_path.pop(path, None)
                origin = origins.pop(path, path)
                if doc_id is not None:
                    last = documents[doc_id].versions[-1]
                    documents[doc_id].versions.append(
                        Version(commit, path, last.data, last.content, deleted=True, blob=last.blob, origin=origin)
                    )
                continue
            if not is_doc(path):
                continue
            data, digest = parsed.get(change.blob, missing)
            if isinstance(is_doc, DocumentPaths):
                data = is_doc.with_type(path, data)
            before = at_path.pop(change.old_path, None) if change.old_path else at_path.get(path)
            found = data[ID] if data else None
            doc_id = found if isinstance(found, str) else before
            earlier = unnamed.pop(change.old_path, None) if change.old_path else unnamed.pop(path, None)
            if doc_id is None:
                # Not a document yet (no front-matter, another id key, front-matter that does not parse):
                # kept, so the document it becomes shows where its text came from.
                earlier = earlier or []
                if not (earlier and earlier[-1].blob == change.blob and earlier[-1].path == path):  # as below
                    earlier.append(Version(commit, path, data, digest, blob=change.blob))
                unnamed[path] = earlier
                continue
            if before is not None and before != doc_id:
                history.id_changes.append((commit, before, doc_id, path))
            at_path[path] = doc_id
            doc = documents.get(doc_id)
            if doc is None:
                doc = documents[doc_id] = DocumentHistory(doc_id)
            if earlier:
                doc.prehistory += earlier
            previous = doc.versions[-1] if doc.versions else None
            known = origins.pop(change.old_path, None) if change.old_path else origins.get(path)
            if known is not None:
                origin = known
            elif before is not None:  # a file known before this range (`--since` seeds): itself
                origin = path
            elif previous is not None and previous.deleted and previous.commit is commit:
                origin = previous.origin  # moved in one commit, and git saw a delete and an add
            else:
                origin = f"{path}@{commit.ordinal}"
            origins[path] = origin
            if previous is not None and not previous.deleted and previous.path == path and previous.blob == change.blob:
                # A merge that brings in a side branch's file as it was: the side commits (placed before
                # the merge) made this version, so they keep it; the merger changed nothing here.
                continue
            doc.versions.append(Version(commit, path, data, digest, blob=change.blob, origin=origin))


class DocumentPaths:
    """Whether a path is a document: the loader's own answer (types' folders and globs, less what qms.yml
    declares not controlled), cached per path; and the type of a version that does not say, as the loader
    infers it."""

    def __init__(self, config: Config) -> None:
        self._layout = config.layout
        self._is_document = config.layout.is_document
        self._followed: set[str] = set()

    def __call__(self, path: str) -> bool:
        return path in self._followed or self._is_document(path)

    def follow(self, paths: set[str]) -> None:
        """Count `paths` too: names a document file had before it was renamed (prehistory.renamed_from)."""
        self._followed = paths

    def with_type(self, path: str, data: Front | None) -> Front | None:
        if data is None or data[TYPE] is not None:
            return data
        inferred = self._layout.inferred_type(path, data[ID])
        return data if inferred is None else (*data[:TYPE], inferred, *data[TYPE + 1:])


def document_path_test(config: Config) -> DocumentPaths:
    return DocumentPaths(config)


def _build_revisions(doc: DocumentHistory, roster: Roster) -> None:
    previous_content = None
    revision = None
    identify = roster.identify
    text_authors = _prehistory_authors(doc, identify)
    for version in doc.versions:
        if version.deleted:
            continue
        label = version.revision or "?"
        if revision is None or revision.revision != label:
            revision = Revision(doc.id, label)
            doc.revisions.append(revision)
        revision.versions.append(version)
        if previous_content is None and text_authors and version.body == doc.prehistory[-1].body:
            # Front-matter added to text others wrote: the text's authors are its authors, as git says,
            # and the one who added the front-matter is not (unless they also wrote some of the text).
            revision.text_authors = text_authors
            for who in text_authors:
                _add_author(revision, who)
            version.author = identify(version.commit.author_name, version.commit.author_email)
        elif version.content != previous_content and not version.seed:
            commit = version.commit
            who = version.author = identify(commit.author_name, commit.author_email)
            _add_author(revision, who)
        previous_content = version.content


def _prehistory_authors(doc: DocumentHistory, identify) -> list[Identity]:
    """Who wrote the text before it carried front-matter, in the order they first changed it."""
    authors: list[Identity] = []
    previous = None
    for version in doc.prehistory:
        who = version.author = identify(version.commit.author_name, version.commit.author_email)
        if version.body != previous and who not in authors:
            authors.append(who)
        previous = version.body
    return authors


def _add_author(revision: Revision, who: Identity) -> None:
    if who in revision.authors:  # the same identity is the same object (Roster.identify)
        return
    email = who.email.lower()
    for known in revision.authors:
        if known.email.lower() == email or (who.person is not None and known.person == who.person):
            return
    revision.authors.append(who)


def baseline_ordinal(config: Config, commits: list[Commit], baseline: str | None = None) -> int:
    """The ordinal of the last commit before adoption (-1 for none), for `baseline` (default: qms.yml's)."""
    text = str(baseline if baseline is not None else config.baseline) if (baseline or config.baseline) else None
    if text is None:
        return -1
    if is_date_baseline(text):
        found = last_first_parent_before(config.root, end_of(text))
        if found is None:
            return -1
        text = found
    sha = resolve_commit(config.root, text)
    for commit in commits:
        if commit.sha == sha:
            return commit.ordinal
    # The baseline commit touched no document: take the last document commit before it.
    ancestors = set(run_git(config.root, "rev-list", "--first-parent", sha).decode().split())
    return max((c.ordinal for c in commits if c.sha in ancestors), default=-1)


def _in_force_by(revision: Revision, baseline: int) -> bool:
    return baseline >= 0 and any(
        v.status == "effective" and v.commit.ordinal <= baseline for v in revision.versions
    )


def judge_history(config: Config, history: History, roster: Roster, seed: dict[str, bytes] | None = None) -> None:
    """Revisions, approvals and signatures from the indexed versions.

    `roster` (today's) names the authors; approvals are judged against the roster and settings in force
    before each of them, replayed from the control files' history (`seed`: their content before it).
    """
    history.control_files = frozenset(control_files(config))
    history.controls = build_timeline(config, history.commits, history.baseline, seed)
    pinned = history.controls.last.baseline
    if pinned != (str(config.baseline) if config.baseline is not None else None):
        # The baseline in force is the approved one, not the one the change under review may have written.
        history.baseline = baseline_ordinal(config, history.commits, pinned) if pinned is not None else -1
        history.controls = build_timeline(config, history.commits, history.baseline, seed)
    for doc in history.documents.values():
        _build_revisions(doc, roster)
    attach_approvals(history)
    attach_supervision(history)
    judge_signatures(config, history)
    require_reviews(history)


def ordinal_of(root: Path, history: History, rev: str) -> int:
    """The last history commit at or before `rev` on the first-parent line."""
    sha = resolve_commit(root, rev)
    reachable = set(run_git(root, "rev-list", "--first-parent", sha).decode().split())
    return max((c.ordinal for c in history.commits if c.sha in reachable), default=-1)
