"""`qms build` publishes only while `qms check` has no errors that affect what would be published.

Which errors those are (docs/decisions.md, "qms build refuses while the check has errors that affect the
site"): every error, except one on a document or record the build would not publish, since that file
never reaches the site. Some errors matter wherever they are: a file that cannot be read (F), an id
that is duplicated or malformed (I: another document's revision history could be shown under it), and
the publishing rules themselves (S003 includes, R005 links). `--force` builds anyway and lists what it
skipped; the site still leaves out every unpublished document and include (qms/site), so it never
publishes restricted text.
"""

from __future__ import annotations

from qms.model import ERROR, Finding
from qms.publish.visibility import PUBLISHED, visibility
from qms.rules.runner import CheckResult, run_check
from qms.workspace import Workspace

# Codes that affect the site whichever file they are on.
ANYWHERE = ("F", "I", "S003", "R005")
# Settings MkDocs cannot read (a missing or circular INHERIT): no build can run past them, not even --force.
UNBUILDABLE = ("S004",)


def publishing_errors(workspace: Workspace, audit: bool = False) -> CheckResult:
    """`qms check`'s errors (its content rules, as a plain `qms check` runs them) that affect the site."""
    result = run_check(workspace)
    by_path = {doc.path: doc for doc in workspace.documents.documents}

    def affects(finding: Finding) -> bool:
        if finding.severity != ERROR:
            return False
        doc = by_path.get(finding.path)
        if doc is None:  # qms.yml, the roles and people files, the site's own pages, a file that cannot be read
            return True
        return visibility(doc, audit) == PUBLISHED or finding.code.startswith(ANYWHERE)

    return CheckResult([f for f in result.findings if affects(f)], result.documents, result.records, result.files)
