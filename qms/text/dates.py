"""Dates as qms.yml and front-matter write them."""

from __future__ import annotations

import re
from datetime import datetime, timezone

DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date_baseline(text: str) -> bool:
    """Whether a `baseline:` value is a date or a date-time rather than a commit, branch or tag."""
    return bool(DATE_ONLY.match(text)) or ("T" in text and text[:4].isdigit())


def end_of(text: str) -> datetime:
    """The last moment a date or date-time baseline covers: a date covers the whole day (UTC)."""
    limit = datetime.fromisoformat(text if "T" in text else text + "T23:59:59+00:00")
    return limit if limit.tzinfo is not None else limit.replace(tzinfo=timezone.utc)
