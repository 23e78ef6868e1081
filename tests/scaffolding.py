"""Run `qms init` as a user whose git identity is known (or not), at times after the first commit."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from qmsrepo import QmsRun, run_qms

from qms.text.dates import current_day

# People of the sample office (manual/people.yml), as git knows them.
OFFICE = {
    "huang-yan": ("Huang Yan", "huang.yan@office.example"),  # document-controller
    "chen-jing": ("Chen Jing", "chen.jing@office.example"),  # management-representative
    "wang-li": ("Wang Li", "wang.li@office.example"),  # director
}


class User:
    """One person at a terminal: a HOME without git config, and their own name in git's variables."""

    def __init__(self, home: Path, name: str = "Huang Yan", email: str = "huang.yan@office.example") -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.env = {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(home / ".config"),
                    "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
        if name:
            self.env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_NAME=name,
                            GIT_COMMITTER_EMAIL=email)
        # The suite's day (QMS_TODAY), at the time of day the clock shows: commits made "now" fall on it.
        self.later = datetime.combine(current_day(), datetime.now(timezone.utc).time(), timezone.utc).replace(microsecond=0)

    def qms(self, *args: str, cwd: Path, who: str | None = None) -> QmsRun:
        return run_qms(*args, cwd=cwd, env={**self.env, **(self.as_person(who) if who else {})})

    def as_person(self, who: str) -> dict[str, str]:
        """`who`'s identity, one minute later than the last: every commit after the first one's second."""
        self.later += timedelta(minutes=1)
        name, email = OFFICE[who]
        stamp = self.later.isoformat()
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}

    def git(self, root: Path, *args: str, who: str | None = None) -> str:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              env={**os.environ, **self.env, **(self.as_person(who) if who else {})})
        assert proc.returncode == 0, f"git {args}: {proc.stderr}"
        return proc.stdout.strip()

    def commit(self, root: Path, message: str, who: str) -> str:
        self.git(root, "add", "-A")
        self.git(root, "commit", "-q", "-m", message, who=who)
        return self.git(root, "rev-parse", "HEAD")


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}
