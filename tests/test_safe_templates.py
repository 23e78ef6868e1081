"""Templates cannot reach the file system, run code, or render without end: each attempt is refused by name and line.

A repository's `templates/` may come from anyone who can open a pull request, and
`qms new` renders them. Each known way out of Jinja2's sandbox, and each way to make a
render loop or grow without end, is put in a real template at line 5 and run through
the real `qms new`. The message must name templates/procedure.md.j2:5, and nothing may
be written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from qmsrepo import QMS_YML, QmsRepo
from scaffolding import files_under

DEFAULTS = QMS_YML + "defaults:\n  procedure: {owner: document-controller, approvers: [quality-manager]}\n"
HEAD = "---\nid: {{ id }}\n---\n\n"  # the attempt goes on line 5

# name -> (template line, what the message must say)
ATTEMPTS = {
    "mro-subclasses": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "refused by the template sandbox"),
    "cycler-globals": ("{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
                       "refused by the template sandbox"),
    "template-reference-context": ("{{ self._TemplateReference__context }}", "refused by the template sandbox"),
    "lipsum-globals": ("{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}", "refused by the template sandbox"),
    "str-format": ("{{ '{0.__class__.__init__.__globals__}'.format('') }}", "refused by the template sandbox"),
    "attr-filter": ("{{ ''|attr('__class__')|attr('__mro__') }}", "has no attribute '__mro__'"),
    "include-etc-passwd": ("{% include '/etc/passwd' %}", "includes '/etc/passwd', which is not a template"),
    "include-dot-dot": ("{% include '../../../../../../etc/passwd' %}", "which is not a template"),
    "include-qms-yml": ("{% include '../qms.yml' %}", "includes '../qms.yml', which is not a template"),
    "import-etc-passwd": ("{% import '/etc/passwd' as p %}", "which is not a template"),
    "extends-dot-dot": ("{% extends '../../etc/passwd' %}", "which is not a template"),
    "range-1e9": ("{% for i in range(10**9) %}x{% endfor %}", "Range too big"),
    "power": ("{{ 9 ** 999999999 }}", "a power above 64 is not allowed"),
    "repeat": ("{{ 'x' * 1000000000 }}", "repeating a value into more than 100000 items is not allowed"),
    "join-bomb": ("{{ range(100000)|join('x' * 100000) }}", "builds a value larger than a document template may"),
    "center-bomb": ("{{ 'x'|center(1000000000) }}", "builds a value larger than a document template may"),
    "output-without-end": ("{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
                           "wrote more than 2,000,000 characters"),
    "loop-without-end": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                         "still ran after 5 s"),
    "macro-recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself without end"),
    "self-include": ("{% include 'procedure.md.j2' %}", "calls itself without end"),
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[object, dict[str, bytes], dict[str, bytes]]]:
    """Every attempt in its own repository, one after the other: (run, files before, files after).

    Run in this process (tests/qmsrepo.py), in the main thread, where `qms new` sets its time limit
    (SIGALRM) as it does in a process of its own.
    """
    base = tmp_path_factory.mktemp("templates")

    def attempt(name: str):
        repo = QmsRepo(base / name)
        repo.write("qms.yml", DEFAULTS)
        repo.write("templates/procedure.md.j2", HEAD + ATTEMPTS[name][0] + "\n")
        before = files_under(repo.root)
        run = repo.qms("new", "procedure", "--title", "Escape")
        return name, (run, before, files_under(repo.root), repo.root)

    return dict(attempt(name) for name in ATTEMPTS)


@pytest.mark.parametrize("name", sorted(ATTEMPTS))
def test_template_attempt_is_refused_by_file_and_line(outcomes, name: str) -> None:
    run, before, after, root = outcomes[name]
    assert run.code == 2, run.stdout + run.stderr
    assert run.stderr.startswith("qms: error: templates/procedure.md.j2:5: "), run.stderr
    assert ATTEMPTS[name][1] in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and "unexpected error" not in run.stderr
    assert "root:" not in run.stdout + run.stderr and "<class" not in run.stdout + run.stderr
    assert after == before  # nothing written
    assert not (Path(root) / "PWNED").exists()
