"""Read git history in bulk: one `git log` stream, one `git cat-file --batch`.

Per-file `git log --follow` costs about 0.3 s a file; this module never runs
git once per document. GitPython is used only to find the repository and read
its state; the history stream itself is parsed here because GitPython's
per-path iteration is as slow as per-file git.
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from qms.git.commits import Change, Commit, Signature
from qms.git.runner import PATHS_PER_CALL, GitError, git_command, git_environment, run_git

# Fields of one commit header, separated by US (0x1f); each commit opens with RS (0x1e).
_FORMAT = "%x1e" + "%x1f".join(
    ["%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%(trailers:key=Approves,valueonly,separator=%x1d)",
     "%(trailers:key=Reviews,valueonly,separator=%x1d)", "%(trailers:key=Disposes,valueonly,separator=%x1d)",
     "%(trailers:key=Periodic-review,valueonly,separator=%x1d)",
     "%(trailers:key=Acknowledges,valueonly,separator=%x1d)", ""]
)


def read_log(root: Path, while_git_works: Callable[[], None] | None = None) -> list[Commit]:
    """Every commit on HEAD's first-parent line, and those its merges brought in, oldest first.

    A merge's own diff is taken against its first parent. The commits it brought
    in from a side branch come just before it, so their authors and approvals
    count as theirs, not as the merger's. No pathspec is given: git takes about
    twice as long to filter by folder as to list everything, and the caller
    keeps only the document changes anyway. The output is parsed as it streams,
    and `while_git_works` runs once git has started, so Python's work overlaps git's.
    """
    from qms.git import logcache  # the cache module builds on this one

    known = logcache.load(root)
    if not known:
        return _read_whole_log(root, while_git_works)
    # Commits read before are taken from the cache: only the shape of history (one rev-list) and
    # the commits added since are asked of git.
    order, parents = _commit_graph(root)
    main_line = []
    sha: str | None = order[0] if order else None
    while sha is not None:
        main_line.append(sha)
        sha = parents[sha][0] if parents[sha] else None
    main_line.reverse()
    side = _side_commits(root, main_line, graph=(order, parents))
    wanted = [*main_line, *(s for shas in side.values() for s in shas)]
    missing = [s for s in wanted if s not in known]
    read = {c.sha: c for c in _stream_log(root, ["--no-walk=unsorted", "--stdin", "--diff-merges=first-parent"],
                                           while_git_works, stdin=missing)} if missing else {}
    if not missing and while_git_works is not None:
        while_git_works()
    try:
        by_sha = {s: read[s] if s in read else logcache.commit(s, known.get(s)) for s in wanted}
    except logcache.DamagedCache:
        return _read_whole_log(root)
    commits = _assemble([by_sha[s] for s in main_line], side, by_sha)
    if missing:
        logcache.save(root, commits)
    return commits


def _read_whole_log(root: Path, while_git_works: Callable[[], None] | None = None) -> list[Commit]:
    from qms.git import logcache

    # Newest first, as git finds them: --reverse would hold all output back until the end.
    main = _stream_log(root, ["--first-parent", "--diff-merges=first-parent", "HEAD"], while_git_works)[::-1]
    commits = _with_side_commits(root, main)
    logcache.save(root, commits)
    return commits


def read_range(root: Path, base: str) -> list[Commit] | None:
    """The commits `read_log` would list after `base`, oldest first, or None when `base` is not on HEAD's
    first-parent line (the caller then reads the whole history).

    Only the commits of the range are read, with their merges' side commits, so a pull request's check
    costs what the pull request changed, not what the repository holds.
    """
    main = _stream_log(root, ["--first-parent", "--diff-merges=first-parent", f"{base}..HEAD"])[::-1]
    if not main:
        head = run_git(root, "rev-parse", "HEAD").decode().strip()
        return [] if head == base else None
    if not main[0].parents or main[0].parents[0] != base:
        return None
    return _with_side_commits(root, main, exclude=base)


def read_before(root: Path, base: str, paths: list[str], ids: set[str]) -> list[Commit] | None:
    """The commits up to `base` that `read_log` would list and that change one of `paths` or approve one of
    `ids`, oldest first, each with only its changes to `paths`; None when one of the files came there by a
    rename (its older history is under another name, and the caller reads the whole history).
    """
    wanted = set(paths)
    touched = _stream_log(root, ["--first-parent", "--diff-merges=first-parent", base], paths=paths)
    order, parents = _commit_graph(root)
    main_line = []
    sha: str | None = base
    while sha is not None:
        main_line.append(sha)
        sha = parents[sha][0] if parents[sha] else None
    main_line.reverse()
    side = _side_commits(root, main_line, graph=(order, parents))
    place: dict[str, int] = {}
    for merge in main_line:
        for brought in side.get(merge, []):
            place[brought] = len(place)
        place[merge] = len(place)
    side_shas = [s for shas in side.values() for s in shas]
    approving = [line.partition("\x1f")[0] for line in run_git(  # approvals and reviews both
        root, "log", "--format=%H%x1f%(trailers:key=Approves,key=Reviews,key=Periodic-review,key=Acknowledges,"
        "valueonly,separator=%x1f)", base).decode(
        "utf-8", "surrogateescape").splitlines()
        if any(t.strip().partition("@")[0] in ids for t in line.split("\x1f")[1:])]
    found = {c.sha: c for c in touched}
    extra = sorted({*side_shas, *approving} - found.keys())
    for commit in _stream_log(root, ["--no-walk=unsorted", "--stdin", "--diff-merges=first-parent"],
                              stdin=extra) if extra else []:
        commit.changes = [c for c in commit.changes if c.path in wanted or c.old_path in wanted]
        if commit.changes or commit.sha in approving:
            found[commit.sha] = commit
    for commit in found.values():
        for change in commit.changes:
            if change.path in wanted and ((change.status in "RC" and change.old_path not in wanted)
                                          or (change.status == "A" and _renamed_into(root, commit, change.path))):
                return None
    if any(sha not in place for sha in found):
        return None
    return sorted(found.values(), key=lambda c: place[c.sha])


def deleted_before(root: Path, base: str, folders: list[str]) -> list[str]:
    """The blob ids (the content they had) of the files under `folders` that any commit up to `base`
    deleted, side-branch commits and merges included; one path-limited `git log`."""
    if not folders:
        return []
    out = run_git(root, "--literal-pathspecs", "log", "--diff-merges=first-parent", "-M", "--diff-filter=D", "--raw",
                  "--no-abbrev", "-z", "--format=", base, "--", *folders)
    blobs = []
    for token in out.decode("utf-8", "surrogateescape").split("\x00"):
        token = token.lstrip("\n")
        if token.startswith(":") and token.endswith(" D"):
            blobs.append(token[1:].split(" ")[2])
    return blobs


def staged_changes(root: Path) -> tuple[str, list[Change]] | None:
    """(HEAD, the changes staged in the index against it), or None before the first commit; renames found
    as `git commit` will record them. Each change carries the blob at HEAD (`old_blob`) and the one in the
    index, both already in git's object store."""
    try:
        head = run_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip()
    except GitError:
        return None
    out = run_git(root, "diff", "--cached", "-M", "--raw", "--no-abbrev", "-z", head)
    return head, _parse_raw(out.decode("utf-8", "surrogateescape"), keep_old=True)


def author_identity(root: Path) -> tuple[str, str]:
    """(name, email) that the next commit will carry, or empty ones when git has none configured."""
    try:
        ident = run_git(root, "var", "GIT_AUTHOR_IDENT").decode("utf-8", "replace").strip()
    except GitError:
        return "", ""
    name, _, rest = ident.partition(" <")
    return name, rest.partition(">")[0]


def _renamed_into(root: Path, commit: Commit, path: str) -> bool:
    """Whether `path`, which a path-limited log shows as added, came from another file by a rename."""
    if not commit.parents:
        return False
    out = run_git(root, "diff-tree", "-r", "-M", "--raw", "--no-abbrev", "-z", commit.parents[0], commit.sha)
    return any(c.path == path and c.status in "RC" for c in _parse_raw(out.decode("utf-8", "surrogateescape")))


def _with_side_commits(root: Path, main: list[Commit], exclude: str | None = None) -> list[Commit]:
    """Put each merge's side-branch commits just before it, and number the whole list."""
    main_line = [c.sha for c in main]
    side = _side_commits(root, main_line, exclude) if any(c.is_merge for c in main) else {}
    side_shas = [sha for shas in side.values() for sha in shas]
    side_log = {c.sha: c for c in _stream_log(root, ["--no-walk=unsorted", "--stdin", "--diff-merges=first-parent"],
                                                stdin=side_shas)} if side_shas else {}
    start: dict[str, str] = {}
    if exclude is not None and side_log:
        # A range starts from the files as they were at its base, not from an empty tree, or a merge
        # that kept main's version of a file would look as if it deleted the file.
        touched = {p for c in side_log.values() for ch in c.changes for p in (ch.path, ch.old_path) if p}
        start = blobs_at(root, exclude, sorted(touched))
    return _assemble(main, side, side_log, start)


def blobs_at(root: Path, base: str, paths: list[str]) -> dict[str, str]:
    """path -> blob id at commit `base`, for those of `paths` that exist there."""
    if not paths:
        return {}
    found = {}
    for start in range(0, len(paths), PATHS_PER_CALL):  # a long range must not overflow the command line
        chunk = paths[start:start + PATHS_PER_CALL]
        out = run_git(root, "--literal-pathspecs", "ls-tree", "-z", "--full-tree", base, "--", *chunk)
        for entry in out.decode("utf-8", "surrogateescape").split("\x00"):
            meta, _, path = entry.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob":
                found[path] = parts[2]
    return found


def _assemble(main: list[Commit], side: dict[str, list[str]], side_log: dict[str, Commit],
              start: dict[str, str] | None = None) -> list[Commit]:
    commits: list[Commit] = []
    on_main: dict[str, str] = dict(start or {})  # path -> blob, as the first-parent line has it
    replayed: dict[str, str] = dict(start or {})  # path -> blob, as the replay of main and side commits has it
    for commit in main:
        brought = [side_log[sha] for sha in side.get(commit.sha, []) if sha in side_log]
        for side_commit in brought:
            side_commit.merged_by = commit.sha
            commits.append(side_commit)
            _apply(replayed, side_commit.changes)
        _apply(on_main, commit.changes)
        _apply(replayed, commit.changes)
        if brought:
            # A merge that kept main's version of a file (`git merge -s ours`, or a conflict resolved
            # that way) undid the side's change to it: say so, so nothing approved there counts on main.
            touched = {p for c in brought for ch in c.changes for p in (ch.path, ch.old_path) if p}
            commit.changes += _restore(on_main, replayed, touched)
        commits.append(commit)
    for ordinal, commit in enumerate(commits):
        commit.ordinal = ordinal
    return commits


def _apply(tree: dict[str, str], changes: list[Change]) -> None:
    for change in changes:
        if change.status == "D":
            tree.pop(change.path, None)
            continue
        if change.status == "R" and change.old_path:
            tree.pop(change.old_path, None)
        tree[change.path] = change.blob


def _restore(on_main: dict[str, str], replayed: dict[str, str], paths: set[str]) -> list[Change]:
    """Changes that bring the replayed files at `paths` back to what the merge's tree holds."""
    restored = []
    for path in sorted(paths, key=lambda p: p in on_main):  # deletions first, so a path's id is free again
        want, have = on_main.get(path), replayed.get(path)
        if want == have:
            continue
        if want is None:
            restored.append(Change("D", path, "0" * 40, None, have))
            replayed.pop(path)
        else:
            restored.append(Change("M" if have else "A", path, want, None, have))
            replayed[path] = want
    return restored


def _stream_log(
    root: Path, options: list[str], while_git_works: Callable[[], None] | None = None,
    stdin: list[str] | None = None, paths: list[str] | None = None,
) -> list[Commit]:
    """Parsed `git log` with each commit's file changes, read as git writes it; `paths` limits it to those files."""
    args = ["log", *options, "-M", "--raw", "--no-abbrev", "-z", f"--format={_FORMAT}"]
    if paths is not None:
        args = ["--literal-pathspecs", *args, "--", *paths]
    args, env = git_command(*args), git_environment()
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(args, cwd=root, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=errors, env=env)
        assert proc.stdout is not None
        if stdin is not None:
            assert proc.stdin is not None
            proc.stdin.write(("\n".join(stdin) + "\n").encode())
            proc.stdin.close()
        if while_git_works is not None:
            while_git_works()
        # A thread drains the pipe so git never waits on a full pipe while Python parses.
        chunks: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        fd = proc.stdout.fileno()

        def drain() -> None:
            while chunk := os.read(fd, 1 << 20):
                chunks.put(chunk)
            chunks.put(b"")

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        commits: list[Commit] = []
        names: dict[str, str] = {}
        pending = b""
        while chunk := chunks.get():
            pending += chunk
            cut = pending.rfind(b"\x1e")
            if cut > 0:
                commits += _parse_commits(pending[:cut], names)
                pending = pending[cut:]
        commits += _parse_commits(pending, names)
        reader.join()
        if proc.wait() != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git log failed: {message[-1] if message else 'no message'}")
    return commits


def _parse_commits(raw: bytes, names: dict[str, str] | None = None) -> list[Commit]:
    """Commits from the log's text; `names` shares one string per name and email across calls."""
    commits = []
    names = {} if names is None else names
    share = names.setdefault
    for chunk in raw.decode("utf-8", "surrogateescape").split("\x1e"):
        if not chunk:
            continue
        (sha, parents, an, ae, ad, cn, ce, cd, trailers, review_trailers, disposal_trailers, periodic, acks,
         raw_changes) = chunk.split("\x1f", 13)
        commits.append(Commit(sha, parents.split(), share(an, an), share(ae, ae), ad, share(cn, cn), share(ce, ce),
                              cd, _values(trailers), 0, None, _parse_raw(raw_changes),
                              reviews=_values(review_trailers), disposes=_values(disposal_trailers),
                              periodic_reviews=_values(periodic), acknowledges=_values(acks)))
    return commits


def _values(trailers: str) -> list[str]:
    """The values of one trailer key, as `%(trailers:...,separator=%x1d)` lists them."""
    return [t.strip() for t in trailers.split("\x1d") if t.strip()] if trailers else []


def _commit_graph(root: Path, exclude: str | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """Every commit HEAD reaches (not those `exclude` reaches), newest first in topological order, and
    each one's parents: one rev-list, no diffs."""
    order: list[str] = []
    parents: dict[str, list[str]] = {}
    limit = [f"^{exclude}"] if exclude else []
    for line in run_git(root, "rev-list", "--topo-order", "--parents", "HEAD", *limit).decode().splitlines():
        sha, *rest = line.split()
        order.append(sha)
        parents[sha] = rest
    return order, parents


def _side_commits(root: Path, main_line: list[str], exclude: str | None = None,
                  graph: tuple[list[str], dict[str, list[str]]] | None = None) -> dict[str, list[str]]:
    """For each first-parent merge, the commits it brought in, oldest first.

    With `exclude`, commits it reaches were brought in at or before it, so they are left out.
    """
    order, parents = graph or _commit_graph(root, exclude)
    position = {sha: index for index, sha in enumerate(order)}
    seen = set(main_line)
    side: dict[str, list[str]] = {}
    for merge in main_line:
        stack = list(parents[merge][1:])
        brought = []
        while stack:
            sha = stack.pop()
            if sha in seen or sha not in parents:
                continue
            seen.add(sha)
            brought.append(sha)
            stack.extend(parents[sha])
        if brought:
            # rev-list lists newest first; the merge replays them oldest first.
            side[merge] = sorted(brought, key=lambda s: -position[s])
    return side


def _parse_raw(text: str, keep_old: bool = False) -> list[Change]:
    """Changes from `--raw -z` output: ":mode mode old new STATUS\0path\0" (two paths for R and C); the blob
    before the change is kept for R and C, and with `keep_old` for every change."""
    tokens = text.split("\x00")
    changes = []
    index, count = 0, len(tokens)
    while index < count:
        token = tokens[index]
        if token[:1] != ":":
            token = token.lstrip("\n")
            if token[:1] != ":":
                index += 1
                continue
        fields = token[1:].split(" ")
        old_blob, new_blob, kind = fields[2], fields[3], fields[4][:1]
        if kind == "R" or kind == "C":
            changes.append(Change(kind, tokens[index + 2], new_blob, tokens[index + 1], old_blob))
            index += 3
        else:
            changes.append(Change(kind, tokens[index + 1], new_blob, None, old_blob if keep_old else None))
            index += 2
    return changes


def last_first_parent_before(root: Path, limit: datetime) -> str | None:
    """The last commit of HEAD's first-parent line, from the root, before the first one committed after `limit`.

    A date baseline is resolved along the line as it grew, so a later commit with a back-dated committer
    date cannot move it: everything after the first commit past the date stays under control.
    """
    out = run_git(root, "rev-list", "--first-parent", "--reverse", "--format=%cI", "HEAD").decode()
    lines = [line for line in out.splitlines() if line]
    last = None
    for header, date in zip(lines[::2], lines[1::2]):
        if datetime.fromisoformat(date) > limit:
            break
        last = header.removeprefix("commit ")
    return last


def read_blobs(root: Path, blob_ids: Iterable[str]) -> dict[str, bytes]:
    """Contents of many blobs from one `git cat-file --batch` process."""
    wanted = sorted(set(blob_ids))
    if not wanted:
        return {}
    out = run_git(root, "cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) < 3 or header[1] == b"missing":
            pos = header_end + 1
            continue
        size = int(header[2])
        start = header_end + 1
        blobs[sha] = out[start : start + size]
        pos = start + size + 1
    return blobs


def read_signatures(root: Path, shas: Iterable[str], allowed_signers: Path | None) -> dict[str, Signature]:
    """Signature checks for the given commits, in one `git log --no-walk` process."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    config = ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers}"] if allowed_signers else []
    out = run_git(
        root, *config, "log", "--no-walk=unsorted", "--stdin", "--format=%H%x1f%G?%x1f%GS%x1f%GF%x1e",
        stdin=("\n".join(wanted) + "\n").encode(),
    ).decode("utf-8", "replace")
    result = {}
    for record in out.split("\x1e"):
        # strip("\n"), not strip(): Python counts \x1f as white space, and a bad signature has empty trailing fields.
        fields = record.strip("\n").split("\x1f")
        if len(fields) == 4:
            result[fields[0]] = Signature(fields[1], fields[2], fields[3])
    return result
