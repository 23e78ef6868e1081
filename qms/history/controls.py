"""The rules of approval as history had them: who held which role, their e-mails and keys, and the settings.

An approval is judged against the roster and settings in force before its
commit, never against those of the change under review: otherwise one pull
request could register its author's key, grant a role, or set `ignore: [H]`,
and be judged by its own new rules. A change to the people roster, the roles
registry or the approval settings of `qms.yml` (`approvals`, `ignore`,
`baseline`, `roles`, `people`) is itself a controlled change: it is in force
only once a holder of a control approver role (`approvals: {control: [...]}`
in `qms.yml`, by default the roles that report to nobody) approves it with a
trailer naming the file and its blob, `Approves: manual/people.yml@1a2b3c4`,
and did not write it. Before that, the previous version stays in force.
Everything up to the adoption baseline is in force as it stood.

A QMS of one person cannot meet that rule alone: the one holder of a control role writes the change that
names a colleague, and the colleague approves it, judged by the controls that approval puts in force. One
approval commit covers every change by that one holder it names (the roster and `qms.yml` together), and
never a change anybody else wrote.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from qms.git.commits import Commit, Signature
from qms.git.log import blobs_at, read_blobs, read_signatures
from qms.history.model import ControlChange, Controls, ControlTimeline, Roster
from qms.history.roster import allowed_signers, signer_of
from qms.load.config import CONFIG_NAME, Config
from qms.load.documents import people_of, top_roles_of
from qms.model import Located
from qms.text.yamlsafe import parse_yaml

# The keys of qms.yml that decide how approvals are judged and what is reported.
CONTROL_SETTINGS = ("approvals", "ignore", "baseline", "roles", "people", "merge")
MERGE_SETTINGS = ("merge", "squash", "rebase")
TRAILER = re.compile(r"^\s*(?P<path>[^@\s]+)@(?P<blob>[0-9a-f]{7,64})\s*$")


def control_files(config: Config) -> tuple[str, ...]:
    return (CONFIG_NAME, config.people_file, config.roles_file)


def build_timeline(config: Config, commits: list[Commit], baseline: int,
                   seed: dict[str, bytes] | None = None) -> ControlTimeline:
    """Replay every change to the control files, keeping in force only what was approved (or came before
    `baseline`, the ordinal of the adoption baseline). `seed` gives the files' content before `commits`."""
    files = control_files(config)
    events: list[tuple[Commit, str, str | None]] = []
    for commit in commits:
        for change in commit.changes:
            if change.path in files:
                events.append((commit, change.path, None if change.status == "D" else change.blob))
            elif change.old_path in files and change.status == "R":
                events.append((commit, change.old_path, None))
    blobs = read_blobs(config.root, {blob for _, _, blob in events if blob}) if events else {}
    parsed = {blob: _parse(path, blobs.get(blob, b"")) for _, path, blob in events if blob}
    in_force: dict[str, tuple[str, Located | None]] = {
        path: ("", _parse(path, data)) for path, data in (seed or {}).items()}
    starts, timeline = [-1], [_controls(config, in_force)]
    pending: dict[str, ControlChange] = {}
    pending_content: dict[str, Located | None] = {}
    changes: list[ControlChange] = []
    signatures: dict[str, Signature] | None = None  # read only once a signature is required
    by_commit: dict[str, list[tuple[str, str | None]]] = {}
    for commit, path, blob in events:
        by_commit.setdefault(commit.sha, []).append((path, blob))
    for commit in commits:
        moved = False
        current = timeline[-1]
        for path, blob in by_commit.get(commit.sha, []):
            content = parsed.get(blob) if blob else None
            known = in_force.get(path)
            exempt = commit.ordinal <= baseline and not _moves_baseline(path, known, content)
            if exempt or known is None or _same_rules(path, known[1], content):
                in_force[path] = (blob or "", content)
                pending.pop(path, None)
                moved = True
                continue
            proposed = ControlChange(path, blob or "", commit, current.roster.identify(commit.author_name,
                                                                                   commit.author_email))
            proposed.proposed = _controls(config, {**in_force, path: (blob or "", content)})
            proposed.content = content
            pending[path], pending_content[path] = proposed, content
            changes.append(proposed)
        approving = [waiting for trailer in commit.approves
                     if (match := TRAILER.match(trailer)) is not None and match["path"] in files
                     and (waiting := pending.get(match["path"])) is not None
                     and waiting.blob.startswith(match["blob"])]
        before = dict(in_force)  # what the approvals of this commit are judged by, whatever order they come in
        for waiting in {id(c): c for c in approving}.values():  # a file named twice is judged once
            rules = judging_rules(config, current, before, waiting, approving)
            problem = refusal(rules, commit.author_name, commit.author_email, waiting)
            if problem is None and current.require_signature:  # the settings in force say, never the change
                if signatures is None:
                    signatures = _control_signatures(config, commits, files, parsed, seed)
                problem = unsigned(rules, commit, waiting, signatures.get(commit.sha))
            if problem is not None:
                waiting.refusals.append(f"commit {commit.short}: {problem}")
                continue
            waiting.approved_by = rules.roster.identify(commit.author_name, commit.author_email)
            waiting.approval_commit = commit
            in_force[waiting.path] = (waiting.blob, pending_content.pop(waiting.path))
            del pending[waiting.path]
            moved = True
        if moved:
            starts.append(commit.ordinal + 1)  # in force for the commits after this one
            timeline.append(_controls(config, in_force))
    return ControlTimeline(starts, timeline, changes, dict(in_force))


def sole_holder_wrote(current: Controls, change: ControlChange) -> bool:
    """Whether `change` was written by the one person who holds a control role in force: a QMS of one person
    taking on a second, where nobody but the author could approve it."""
    author = current.roster.people.get(change.author.person or "")
    if author is None or not set(author.roles) & set(current.approvers):
        return False
    return not any(set(p.roles) & set(current.approvers) for p in current.roster.people.values() if p.id != author.id)


def judging_rules(config: Config, current: Controls, files: dict[str, tuple[str, Located | None]],
                  change: ControlChange, approved_together: list[ControlChange]) -> Controls:
    """The controls an approval of `change` is judged by: those in force (`current`, read from `files`); or,
    where the one holder of a control role wrote it, those the approval puts in force, with every other change
    by the same person that the same commit approves (the roster and `qms.yml` together), so that the colleague
    it names approves it. A change by anyone else never joins them: nobody approves their own way in."""
    if change.proposed is None or not sole_holder_wrote(current, change):
        return current
    joint = [c for c in approved_together if c.author.person == change.author.person and c.path != change.path]
    if not joint:
        return change.proposed
    return _controls(config, {**files, **{c.path: (c.blob, c.content) for c in (*joint, change)}})


def refusal(rules: Controls, name: str, email: str, change: ControlChange) -> str | None:
    """Why the person with this git identity may not approve `change` under `rules` (judging_rules), or None."""
    approver = rules.roster.identify(name, email)
    if approver.person is None:
        return f"{approver.email} is not the email of anyone in the people roster in force"
    person = rules.roster.people[approver.person]
    if not set(person.roles) & set(rules.approvers):
        return (f"{person.name} holds none of the roles that approve changes to the rules of approval "
                f"({', '.join(rules.approvers) or 'none: set approvals: control: in qms.yml'})")
    if change.author.person == approver.person or change.author.email.lower() == approver.email.lower():
        return f"{person.name} wrote this change and cannot approve it (segregation of duties)"
    return None


def unsigned(rules: Controls, commit: Commit, change: ControlChange, signature: Signature | None) -> str | None:
    """Why an approval of `change` judged by `rules` (judging_rules) does not count while the controls in force
    require signed approvals, or None: as for a document, git must verify the commit's signature with a key
    registered for its approver."""
    roster = rules.roster  # for the newcomer of a one-person QMS, the roster that names them (judging_rules)
    approver = roster.identify(commit.author_name, commit.author_email)
    if signature is None or signature.status == "N":
        return "the approval is not signed, and qms.yml requires signed approvals"
    if not signature.verified or signer_of(signature, roster) != approver.person:
        return (f"the signature is not one git can verify with a key registered for {approver.label()} "
                "in the people roster in force")
    return None


def _control_signatures(config: Config, commits: list[Commit], files: tuple[str, ...],
                        parsed: dict[str, Located | None], seed: dict[str, bytes] | None) -> dict[str, Signature]:
    """The signatures of the commits that approve a change to a control file, in one git call, checked
    against every key any version of the roster registered (whose key it is, is decided per approval)."""
    approving = [c.sha for c in commits
                 if any((m := TRAILER.match(t)) is not None and m["path"] in files for t in c.approves)]
    rosters = [located for located in parsed.values() if located is not None and located.path == config.people_file]
    if seed and config.people_file in seed:
        seeded = _parse(config.people_file, seed[config.people_file])
        if seeded is not None:
            rosters.append(seeded)
    people = [person for roster in rosters for person in people_of(roster)]
    with tempfile.TemporaryDirectory(prefix="qms-signers-") as folder:
        signers = Path(folder) / "allowed_signers"
        signers.write_text(allowed_signers(people), encoding="utf-8")
        return read_signatures(config.root, approving, signers)


def _parse(path: str, raw: bytes) -> Located | None:
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None
    parsed = parse_yaml(text)
    if parsed.problems or not isinstance(parsed.value, dict):
        return None
    return Located(path, parsed.value, parsed.lines)


def _moves_baseline(path: str, known: tuple[str, Located | None] | None, content: Located | None) -> bool:
    """Whether a new qms.yml changes a baseline already set: never exempt as "before adoption", or a commit
    could declare itself the baseline."""
    if path != CONFIG_NAME or known is None or known[1] is None:
        return False
    before = known[1].data.get("baseline")
    return before is not None and (content is None or content.data.get("baseline") != before)


def _same_rules(path: str, before: Located | None, after: Located | None) -> bool:
    """Whether a new version of a control file changes nothing that judges approvals."""
    if before is None or after is None:
        return before is after
    if path == CONFIG_NAME:
        return _settings(before.data) == _settings(after.data)
    return before.data == after.data


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in CONTROL_SETTINGS}


def _controls(config: Config, files: dict[str, tuple[str, Located | None]]) -> Controls:
    settings = files.get(CONFIG_NAME, ("", None))[1]
    people = files.get(config.people_file, ("", None))[1]
    roles = files.get(config.roles_file, ("", None))[1]
    data = settings.data if settings is not None else {}
    approvals = data.get("approvals") if isinstance(data.get("approvals"), dict) else {}
    control = approvals.get("control") if isinstance(approvals, dict) else None
    approvers = ([r for r in control if isinstance(r, str)] if isinstance(control, list)
                 else top_roles_of(roles) if roles is not None else [])
    ignore = data.get("ignore")
    baseline = data.get("baseline")
    merge = data.get("merge")
    return Controls(
        roster=Roster(people_of(people) if people is not None else []),
        require_signature=bool(approvals.get("require_signature", False)) if isinstance(approvals, dict) else False,
        ignore=tuple(str(code) for code in ignore) if isinstance(ignore, list) else (),
        baseline=str(baseline) if baseline is not None else None,
        approvers=tuple(approvers),
        merge=merge if merge in MERGE_SETTINGS else "merge",
    )


def read_seed(config: Config, base: str) -> dict[str, bytes]:
    """The control files as they were at commit `base`."""
    at_base = blobs_at(config.root, base, list(control_files(config)))
    blobs = read_blobs(config.root, set(at_base.values())) if at_base else {}
    return {path: blobs.get(blob, b"") for path, blob in at_base.items()}
