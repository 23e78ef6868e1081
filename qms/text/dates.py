"""Dates as qms.yml and front-matter write them."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timezone

DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date_baseline(text: str) -> bool:
    """Whether a `baseline:` value is a date or a date-time rather than a commit, branch or tag."""
    return bool(DATE_ONLY.match(text)) or ("T" in text and text[:4].isdigit())


def end_of(text: str) -> datetime:
    """The last moment a date or date-time baseline covers: a date covers the whole day (UTC)."""
    limit = datetime.fromisoformat(text if "T" in text else text + "T23:59:59+00:00")
    return limit if limit.tzinfo is not None else limit.replace(tzinfo=timezone.utc)


def current_day() -> date:
    """The day qmskit takes for today: the clock's, unless QMS_TODAY (YYYY-MM-DD) names another.

    Every default that depends on the day (what is in force, what is due, the effective date an approval
    writes) reads it here, so a run can be reproduced on a later day, as SOURCE_DATE_EPOCH does for builds;
    the test suite pins it so that its verdicts do not change as the calendar moves on. `--as-of` is the
    option users give; QMS_TODAY is for a whole run.
    """
    pinned = os.environ.get("QMS_TODAY", "")
    if DATE_ONLY.match(pinned):
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            pass
    return date.today()
