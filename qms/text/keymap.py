"""Foreign front-matter read as qmskit's: key names and status words renamed as qms.yml maps them.

An adopted document set may say `documentId:` for `id:` and `status: approved` for
`status: effective`. The mapping renames them as the front-matter is read (by the
loader and by history alike), and keeps each key's line, so that a finding still
points at the key as it is written in the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from qms.text.yamlsafe import KeyPath


@dataclass(frozen=True)
class FrontMatterMap:
    keys: dict[str, str] = field(default_factory=dict)  # foreign key -> qmskit key
    status: dict[str, str] = field(default_factory=dict)  # foreign status word -> qmskit status

    def __bool__(self) -> bool:
        return bool(self.keys or self.status)

    def fingerprint(self) -> str:
        """Short and stable: what a cache of parsed front-matter depends on besides the bytes."""
        if not self:
            return ""
        text = json.dumps([sorted(self.keys.items()), sorted(self.status.items())])
        return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()

    def written_key(self, raw: bytes, key: str) -> str:
        """The name under which `raw` (a file's bytes) writes qmskit's `key`: a foreign one mapped onto it, or
        `key` itself. A command that sets a key writes it where it is, never a second copy beside it."""
        for foreign, native in self.keys.items():
            if native == key and re.search(rb"^" + re.escape(foreign.encode("utf-8")) + rb"[ \t]*:", raw, re.M):
                return foreign
        return key

    def apply(self, data: dict[str, Any], lines: dict[KeyPath, int] | None = None) -> tuple[dict[str, Any], list[str]]:
        """(the front-matter with mapped keys and status, the foreign keys left alone because the
        qmskit key is written beside them). `lines` is updated in place."""
        if not self:
            return data, []
        clashes = []
        mapped: dict[str, Any] = {}
        renamed: dict[str, str] = {}
        for key, value in data.items():
            target = self.keys.get(key) if isinstance(key, str) else None
            if target is None or target == key:
                mapped.setdefault(key, value)
                continue
            if target in data:  # both written: the qmskit key is kept, and the check names the foreign one
                clashes.append(key)
                continue
            mapped[target] = value
            renamed[key] = target
        status = mapped.get("status")
        if isinstance(status, str) and status in self.status:
            mapped["status"] = self.status[status]
        if lines is not None and renamed:
            for path in [p for p in lines if p and p[0] in renamed]:
                moved: KeyPath = (renamed[str(path[0])], *path[1:])
                lines[moved] = lines.pop(path)
        return mapped, clashes
