"""An existing document set in git, as an organisation brings it to qmskit: commits by several people, back-dated."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

PEOPLE = {
    "alice": ("Alice Archer", "alice@acme.example"),
    "bob": ("Bob Baker", "bob@acme.example"),
    "carol": ("Carol Chen", "carol@acme.example"),
}
ADOPTER = ("Dana Doc", "dana@acme.example")


class LegacyRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", ADOPTER[0])
        self.git("config", "user.email", ADOPTER[1])

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        return subprocess.run(["git", *args], cwd=self.root, env={**base, **(env or {})}, capture_output=True,
                              text=True, check=True).stdout

    def write(self, rel: str, data: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    def commit(self, who: str, date: str, message: str, files: dict[str, str | bytes] | None = None,
               moves: dict[str, str] | None = None) -> None:
        """One commit by `who` on `date` (YYYY-MM-DD), writing `files` and moving `moves` (old -> new) with git mv."""
        for rel, data in (files or {}).items():
            self.write(rel, data)
        for old, new in (moves or {}).items():
            (self.root / new).parent.mkdir(parents=True, exist_ok=True)
            self.git("mv", old, new)
        self.git("add", "-A")
        name, email = PEOPLE[who]
        stamp = f"{date}T10:00:00+00:00"
        self.git("commit", "-q", "-m", message, env={
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": stamp})

    def read(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def committed(self, rel: str) -> bytes:
        return subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=self.root, capture_output=True, check=True).stdout

    def give_roles(self) -> None:
        """What the organisation does after --apply: say who holds which role (qms adopt never guesses). Here the
        person with most commits holds every role, and everyone else the last one."""
        roles = [r["id"] for r in yaml.safe_load((self.root / "manual/roles.yml").read_text(encoding="utf-8"))["roles"]]
        path = self.root / "manual/people.yml"
        first, _, rest = path.read_text(encoding="utf-8").partition("roles: []  # fill in")
        path.write_text(first + f"roles: [{', '.join(roles)}]" + rest.replace("roles: []  # fill in",
                                                                              f"roles: [{roles[-1]}]"), encoding="utf-8")
