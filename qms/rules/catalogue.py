"""Every rule code qmskit reports, with its name, severity and one-line summary.

Codes are stable and never reused: users ignore them in qms.yml and CI keys
on them. docs/rules.md has a page section for each, with examples.
"""

from __future__ import annotations

from dataclasses import dataclass

from qms.model import ERROR, WARNING


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    summary: str


_RULES = [
    # Files: found while reading, before any rule runs.
    RuleInfo("F001", "not-utf8", ERROR, "the file is not UTF-8 text"),
    RuleInfo("F002", "no-front-matter", ERROR, "a document does not start with YAML front-matter"),
    RuleInfo("F003", "unclosed-front-matter", ERROR, "the front-matter has no closing '---' line"),
    RuleInfo("F004", "yaml-syntax", ERROR, "the front-matter is not valid YAML"),
    RuleInfo("F005", "duplicate-key", ERROR, "a key appears twice"),
    RuleInfo("F006", "not-markdown", WARNING, "a file in a document folder is not Markdown"),
    RuleInfo("F007", "front-matter-not-mapping", ERROR, "the front-matter is not key: value lines"),
    RuleInfo("F008", "yaml-too-complex", ERROR, "YAML aliases or nesting expand too far"),
    RuleInfo("F009", "symlink-outside", ERROR, "a symbolic link points outside the repository"),
    RuleInfo("F010", "missing-folder", WARNING, "a folder named in qms.yml does not exist"),
    RuleInfo("F011", "merge-conflict", ERROR, "git's conflict markers are still in the file"),
    RuleInfo("F012", "not-a-file", ERROR, "a FIFO, socket or device stands where a document could be"),
    RuleInfo("F013", "unreadable-folder", ERROR, "a folder of documents cannot be read"),
    RuleInfo("F014", "hidden-document", ERROR, "a file declared not controlled has a document's front-matter"),
    RuleInfo("F015", "too-long-to-print", WARNING, "a document would print to more pages than one PDF may hold"),
    RuleInfo("F016", "paragraph-too-long", WARNING, "a paragraph is too long to render with its links and emphasis"),
    # Schemas.
    RuleInfo("S001", "schema", ERROR, "front-matter does not match the schema of its type"),
    RuleInfo("S002", "registry-schema", ERROR, "the roles registry or people roster is missing or invalid"),
    RuleInfo("S003", "includes-unpublished", ERROR,
             "a published page includes (snippet, iframe, image) a document the site does not publish"),
    RuleInfo("S004", "site-config-unreadable", ERROR,
             "mkdocs.yml, or a file it inherits (INHERIT), is missing, unreadable, not YAML or inherits in a circle"),
    RuleInfo("S005", "snippet-from-web", ERROR,
             "a published page includes a snippet from a web address qms.yml does not allow"),
    # Identity.
    RuleInfo("I001", "duplicate-id", ERROR, "two files share one id"),
    RuleInfo("I002", "id-pattern", ERROR, "an id does not match its type's pattern"),
    RuleInfo("I003", "wrong-folder", ERROR, "a document is outside the folder of its type"),
    # References.
    RuleInfo("R001", "unresolved-reference", ERROR, "an id in the front-matter names no document"),
    RuleInfo("R002", "unresolved-link-id", ERROR, "[[ID]] in the body names no document"),
    RuleInfo("R003", "broken-link", ERROR, "a relative Markdown link points to no file"),
    RuleInfo("R004", "relies-on-uncontrolled", ERROR, "an effective document relies on one not in force"),
    RuleInfo("R005", "links-to-unpublished", ERROR, "a published page links to a document the site does not publish"),
    RuleInfo("R006", "parent-not-procedure", ERROR, "parent: names a document that is not a procedure"),
    RuleInfo("R009", "mistyped-link-id", WARNING, "[[text]] in the body is no id, but is close to one"),
    RuleInfo("R010", "attachment-not-committed", ERROR, "a document links to a file that git does not hold, so it is not published"),
    RuleInfo("R011", "lfs-pointer-not-fetched", ERROR, "a document links to a git-lfs file that was never fetched"),
    RuleInfo("R012", "unreferenced-asset", WARNING, "a file in an assets/ folder that no document links to"),
    # Roles and people.
    RuleInfo("P001", "unknown-role", ERROR, "a role named is not in the roles registry"),
    RuleInfo("P002", "role-unfilled", ERROR, "a role is held by nobody"),
    RuleInfo("P003", "person-unknown-role", ERROR, "a person holds a role that is not in the registry"),
    RuleInfo("P004", "reporting-cycle", ERROR, "reports_to goes round in a circle"),
    RuleInfo("P005", "duplicate-person-or-role", ERROR, "two roles or people share an id, or two people an email"),
    RuleInfo("P006", "unknown-person", ERROR, "a record names a person who is not in the roster"),
    # Document content.
    RuleInfo("D001", "missing-effective-date", ERROR, "an effective document has no effective date"),
    RuleInfo("D002", "missing-successor", ERROR, "an obsolete document does not name its successor"),
    RuleInfo("D003", "unknown-clause", ERROR, "a clause is not in its standard's catalogue, or names no declared standard"),
    RuleInfo("D004", "bad-retention", ERROR, "a record's retention is not a valid period"),
    RuleInfo("D005", "revision-scheme", ERROR, "a revision does not follow the revision scheme"),
    RuleInfo("D006", "missing-change", ERROR, "a later revision has no change summary"),
    RuleInfo("D007", "clause-not-covered", WARNING,
             "a requirement of a declared standard is addressed by no effective document and not excluded"),
    # Change control over git history (qms check --since REV, --history).
    RuleInfo("H001", "change-without-revision", ERROR, "an effective document's content changed without a new revision"),
    RuleInfo("H002", "revision-without-change", ERROR, "a new revision does not say what changed"),
    RuleInfo("H003", "revision-decreased", ERROR, "a revision went down"),
    RuleInfo("H004", "id-changed", ERROR, "a document's id changed"),
    RuleInfo("H005", "status-backwards", ERROR, "status moved backwards, or a new revision did not restart"),
    RuleInfo("H006", "effective-without-approval", ERROR, "a revision became effective without every approval"),
    RuleInfo("H007", "approval-void", WARNING, "the content changed after an approval"),
    RuleInfo("H008", "controlled-deleted", ERROR, "a controlled document or record was deleted"),
    RuleInfo("H009", "closed-record-edited", ERROR, "a closed record was changed"),
    RuleInfo("H010", "approval-refused", WARNING,
             "an approval or review does not count: wrong person, role, revision or signature, or no review first"),
    RuleInfo("H011", "history-rewritten", ERROR, "a revision or approval in a saved history report is no longer in history"),
    RuleInfo("H012", "history-replaced", ERROR, "replace refs or grafts would show other commits than those stored"),
    RuleInfo("H013", "control-change-unapproved", ERROR,
             "a change to the roster, the roles or the approval settings was not approved by the roles that approve it"),
    RuleInfo("H014", "author-outside-roster", ERROR, "content was written under an identity the roster did not know"),
    RuleInfo("H015", "baseline-by-date", WARNING, "the adoption baseline is a date rather than a commit or tag"),
    RuleInfo("H016", "effective-before-approval", ERROR, "a revision's effective date is earlier than its approval"),
    RuleInfo("H017", "whole-change-only", WARNING,
             "a commit breaks change control on its own, though the merge or pull request it belongs to does not"),
    # Supervision over time (qms check --history, judged as of a day with --as-of).
    RuleInfo("U001", "review-overdue", WARNING, "a document in force is past its next periodic review"),
    RuleInfo("U002", "periodic-review-refused", WARNING,
             "a periodic review does not count: wrong person, role, revision or signature"),
    RuleInfo("U003", "suspect-reference", WARNING,
             "a document relies on one that has had a new revision since it was approved or last reviewed"),
    RuleInfo("U004", "acknowledgement-overdue", WARNING,
             "a holder of a distribution role has not acknowledged the revision in force in time"),
    RuleInfo("U005", "acknowledgement-refused", WARNING,
             "an acknowledgement does not count: unknown person, or a revision that does not exist"),
    RuleInfo("U006", "training-revision-unknown", ERROR, "a training record names a revision that does not exist"),
    RuleInfo("U007", "unknown-risk-category", ERROR, "a document's risk category is not declared in qms.yml"),
    # Results measured from the records (tables, objectives, the accountability roll-up).
    RuleInfo("M001", "table-unreadable", ERROR,
             "a record's table (data:) cannot be read, or its kind has no table schema"),
    RuleInfo("M002", "table-cell", ERROR, "a cell of a record's table breaks its table schema"),
    RuleInfo("M003", "objective-invalid", ERROR,
             "a quality objective names an unknown kind or column, or has a bad target or measure"),
    RuleInfo("M004", "measure-undefined", WARNING, "an objective's measure divides by zero in a period"),
    RuleInfo("M005", "calendar-uncovered", WARNING,
             "the public holiday calendar does not cover a year counted in working days"),
    RuleInfo("M006", "scorecard-unknown-person", ERROR,
             "a nonconformity or error record charges points to a person not in the roster"),
    RuleInfo("M007", "reporting-line-ambiguous", ERROR, "a person's superior along the reporting line is not one person"),
    RuleInfo("M008", "review-blank-left", ERROR,
             "a closed management-review record still holds a blank marked for management to complete"),
    # Supervision over time: actions, audits and retention, judged on the day of --as-of (today by default).
    RuleInfo("U010", "action-overdue", WARNING, "an open corrective action is past its due date"),
    RuleInfo("U011", "action-not-verified", WARNING,
             "a closed corrective action has no effectiveness check (verified date and result)"),
    RuleInfo("U012", "major-without-action", WARNING, "a major nonconformity or audit finding has no corrective action"),
    RuleInfo("U013", "action-link-missing", ERROR,
             "an action or finding links to a record that does not exist or is of the wrong kind"),
    RuleInfo("U014", "audit-overdue", WARNING, "a procedure has not been audited within audit_months"),
    RuleInfo("U015", "retention-event-unknown", ERROR,
             "a retention runs from an event qmskit does not know, or whose day the record does not give"),
    RuleInfo("U016", "disposal-due", WARNING, "a record is past its retention and due for disposal"),
    # Review routing on the forge (qms codeowners).
    RuleInfo("O001", "codeowners-out-of-date", WARNING, "the generated CODEOWNERS no longer matches approvers and handles"),
    RuleInfo("O002", "approver-without-handle", WARNING, "CODEOWNERS exists but no holder of an approver role has a handle"),
]

RULES: dict[str, RuleInfo] = {rule.code: rule for rule in _RULES}
