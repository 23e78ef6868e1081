"""The command line and qms.yml: finding the repository, bad settings, rule selection, help and version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from qmsrepo import QmsRepo, run_qms

import qms
from qms.rules.catalogue import RULES

PROC = "procedures/qp-01-document-control.md"


def cannot_run(run) -> str:
    """Exit 2 with one clear message on stderr and no traceback; returns stderr."""
    assert run.code == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    return run.stderr


def two_problems(repo: QmsRepo) -> None:
    """Give the repository one D001 and one P001 finding."""
    repo.edit(PROC, "effective: 2026-02-01\n", "")
    repo.edit(PROC, "owner: document-controller", "owner: doc-controller")


def elsewhere(repo: QmsRepo) -> Path:
    """A folder outside the repository (not its parent, which holds a folder named qms)."""
    folder = repo.root.parent / "elsewhere"
    folder.mkdir(exist_ok=True)
    return folder


# --- Finding the repository


def test_no_qms_yml_says_how_to_start(tmp_path: Path) -> None:
    """`qms check` in a folder that is not a QMS repository."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.md").write_text("# Notes\n", encoding="utf-8")
    err = cannot_run(run_qms("check", cwd=folder))
    assert "is not a QMS repository" in err
    assert "no qms.yml here or in any parent folder" in err
    assert "To start one, add a qms.yml" in err


def test_directory_option_from_another_folder(repo: QmsRepo) -> None:
    """`qms -C path/to/qms check` run from somewhere else checks that repository."""
    two_problems(repo)
    run = run_qms("-C", str(repo.root), "check", "--format", "json", cwd=elsewhere(repo))
    assert run.code == 1
    assert {(f["code"], f["path"]) for f in json.loads(run.stdout)["findings"]} == {
        ("D001", PROC), ("P001", PROC),
    }


def test_directory_option_to_missing_folder(repo: QmsRepo) -> None:
    """`-C` naming a folder that does not exist is a usage error."""
    err = cannot_run(run_qms("-C", str(repo.root / "nope"), "check", cwd=elsewhere(repo)))
    assert "nope" in err


def test_run_from_sub_folder_finds_qms_yml(repo: QmsRepo) -> None:
    """Started in records/2026/, the check finds qms.yml above and reports paths from the top."""
    two_problems(repo)
    run = run_qms("check", "--format", "json", cwd=repo.root / "records" / "2026")
    assert run.code == 1
    assert {f["path"] for f in json.loads(run.stdout)["findings"]} == {PROC}


# --- Invalid qms.yml


def test_qms_yml_bad_yaml(repo: QmsRepo) -> None:
    """A syntax error in qms.yml stops the check with its line."""
    repo.edit("qms.yml", "language: en", "language: [en")
    err = cannot_run(repo.qms("check"))
    assert "qms.yml:" in err
    assert "YAML syntax error" in err
    assert "qms.yml:3:" in err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("revision_scheme: integer", "revision_scheme: roman",
         'qms.yml:3: revision_scheme must be one of integer, letter, major-minor, letter-number (found "roman")'),
        ("revision_scheme: integer", "revison_scheme: integer",
         "qms.yml:3: unknown key 'revison_scheme': did you mean \"revision_scheme\"?"),
        ("organisation: Test Office\n", "", "qms.yml:1: required key 'organisation' is missing"),
        ("review_months: 12", "review_months: twelve", "qms.yml:4: review_months must be a whole number"),
    ],
    ids=["enum", "unknown-key", "missing", "type"],
)
def test_qms_yml_schema_error(repo: QmsRepo, old: str, new: str, expected: str) -> None:
    """A setting qms.yml does not allow: exit 2, the line, and the choices."""
    repo.edit("qms.yml", old, new)
    assert expected in cannot_run(repo.qms("check"))


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("types:\n  form:\n    folder: ../shared\n    id_pattern: 'F-\\d{2}'\n",
         'qms.yml:8: types > form > folder must be a path inside the repository'),
        ("roles: /etc/qms/roles.yml\n", 'qms.yml:6: roles must be a path inside the repository'),
    ],
    ids=["folder", "roles"],
)
def test_qms_yml_path_outside_repository(repo: QmsRepo, setting: str, expected: str) -> None:
    """qms.yml may not send the check to folders or files outside the repository."""
    (repo.root.parent / "shared").mkdir()
    (repo.root.parent / "shared" / "f-01.md").write_text("# outside\n", encoding="utf-8")
    repo.write("qms.yml", repo.read("qms.yml").replace("roles: manual/roles.yml\n", "") + setting)
    assert expected in cannot_run(repo.qms("check"))


def test_qms_yml_ignores_unknown_code(repo: QmsRepo) -> None:
    """`ignore: [Z9]` names no rule: exit 2 naming qms.yml and the code."""
    repo.write("qms.yml", repo.read("qms.yml") + "ignore: [Z9]\n")
    err = cannot_run(repo.qms("check"))
    assert "qms.yml" in err and "'Z9' is not a rule code or prefix" in err


@pytest.mark.parametrize(
    ("contents", "expected"),
    [
        ('{\n  "allOf": [}', "schemas/procedure.schema.json:2: is not valid JSON"),
        ('{"type": "objekt"}', "schemas/procedure.schema.json: is not a valid JSON Schema"),
        ('{"allOf": [{"$ref": "urn:qmskit:shipped:procedur"}]}',
         "a $ref in the repository's schemas/ leads nowhere ('urn:qmskit:shipped:procedur')"),
    ],
    ids=["bad-json", "not-a-schema", "ref-nowhere"],
)
def test_broken_repository_schema(repo: QmsRepo, contents: str, expected: str) -> None:
    """The repository's own schemas/ file is broken: exit 2 naming it, never a crash."""
    repo.write("schemas/procedure.schema.json", contents)
    assert expected in cannot_run(repo.qms("check"))


# --- Choosing rules


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "D001"], {"D001"}),
        (["--select", "D"], {"D001"}),
        (["--select", "d001,P001"], {"D001", "P001"}),
        (["--select", "D", "--select", "P0"], {"D001", "P001"}),
        (["--ignore", "P001"], {"D001"}),
        (["--ignore", "P"], {"D001"}),
        (["--ignore", "D0,P00"], set()),
        (["--select", "R"], set()),
        (["--select", "D,P", "--ignore", "D001"], {"P001"}),
    ],
)
def test_select_and_ignore_on_command_line(repo: QmsRepo, args: list[str], codes: set[str]) -> None:
    """`--select` and `--ignore` by whole code or prefix, repeated or comma-separated."""
    two_problems(repo)
    run = repo.check(*args)
    assert run.codes() == codes
    assert run.code == (1 if codes else 0)


def test_ignore_in_qms_yml(repo: QmsRepo) -> None:
    """`ignore: [P001]` in qms.yml leaves P001 out of every run; --select cannot bring it back."""
    two_problems(repo)
    repo.write("qms.yml", repo.read("qms.yml") + "ignore: [P001]\n")
    assert repo.check().codes() == {"D001"}
    run = repo.check("--select", "P001")
    assert (run.code, run.findings) == (0, [])


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_code_on_command_line(repo: QmsRepo, option: str) -> None:
    """A mistyped rule code is a usage error, not a silent no-op."""
    err = cannot_run(repo.qms("check", option, "D001,X12"))
    assert "'X12' is not a rule code or prefix" in err


def test_unknown_format_is_usage_error(repo: QmsRepo) -> None:
    """`--format yaml` is not one of the formats."""
    run = repo.qms("check", "--format", "yaml")
    assert run.code == 2
    assert "'yaml' is not one of" in run.stderr


# --- Version, help, rules


def test_version(repo: QmsRepo) -> None:
    """`qms --version` prints the package version."""
    run = repo.qms("--version")
    assert run.code == 0
    assert run.stdout.strip() == f"qms (qmskit) {qms.__version__}"


@pytest.mark.parametrize(
    ("command", "example"),
    [("check", "qms check --select R,P --ignore R003"), ("rules", "qms rules")],
)
def test_help_shows_an_example(repo: QmsRepo, command: str, example: str) -> None:
    """`qms check --help` and `qms rules --help` each show an example."""
    run = repo.qms(command, "--help")
    assert run.code == 0
    assert "Example" in run.stdout
    assert example in run.stdout
    assert "--format" in run.stdout


def test_rules_json_lists_the_catalogue(repo: QmsRepo) -> None:
    """`qms rules --format json` lists every code, in catalogue order, with name and severity."""
    run = repo.qms("rules", "--format", "json")
    assert run.code == 0
    rows = json.loads(run.stdout)
    assert [row["code"] for row in rows] == list(RULES)
    for row in rows:
        info = RULES[row["code"]]
        assert row == {"code": info.code, "name": info.name, "severity": info.severity, "summary": info.summary}
    assert {"F001", "S001", "I001", "R004", "P006", "D006"} <= {row["code"] for row in rows}


def test_rules_text_lists_every_code(repo: QmsRepo) -> None:
    """`qms rules` prints a table with every code and its name."""
    run = repo.qms("rules")
    assert run.code == 0
    for info in RULES.values():
        assert info.code in run.stdout and info.name in run.stdout
