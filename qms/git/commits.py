"""What git says about a commit: its header, its file changes against the first parent, its signature."""


from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Change:
    status: str  # A, M, D, T, R or C
    path: str  # the path after the change (the old path for D)
    blob: str  # blob id after the change (zeros for D)
    old_path: str | None = None
    old_blob: str | None = None


# The sha given to the commit-to-be that `qms check --staged` judges: what is staged, against HEAD.
STAGED = "staged"


@dataclass(slots=True)
class Commit:
    sha: str
    parents: list[str]
    author_name: str
    author_email: str
    author_date: str
    committer_name: str
    committer_email: str
    committer_date: str
    approves: list[str]
    ordinal: int = 0
    merged_by: str | None = None  # the first-parent merge that brought this side commit in
    changes: list[Change] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)  # `Reviews: ID@REV` trailers
    disposes: list[str] = field(default_factory=list)  # `Disposes: ID` trailers: records removed at retention's end
    periodic_reviews: list[str] = field(default_factory=list)  # `Periodic-review: ID@REV` trailers
    acknowledges: list[str] = field(default_factory=list)  # `Acknowledges: ID@REV` trailers

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def label(self) -> str:
        """How a finding names the commit."""
        return "the staged change" if self.sha == STAGED else f"commit {self.short}"

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True)
class Signature:
    status: str  # git's %G?: G good, B bad, U good but untrusted, N none, E cannot check, ...
    signer: str  # %GS: the principal (SSH) or user id (GPG)
    key: str  # %GF: fingerprint of the key

    @property
    def verified(self) -> bool:
        return self.status == "G"
