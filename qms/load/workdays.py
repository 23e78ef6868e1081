"""Working days: weekends, public holidays, and the make-up working days Chinese calendars move onto weekends.

`calendar:` in qms.yml picks the public calendar (`country: CN`, read from the `chinese-calendar` package, which
follows the State Council's yearly notice; or `none` for weekends only) and adds the office's own days off
(`holidays:`) and working days (`working_days:`). A year the package does not yet know counts weekends and the
office's own days only, and says so (`uncovered_years`), so a figure is never silently wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from qms.errors import ConfigError


@dataclass
class WorkCalendar:
    country: str = "CN"
    extra_holidays: frozenset[date] = frozenset()
    extra_working: frozenset[date] = frozenset()
    uncovered_years: set[int] = field(default_factory=set)
    _known: dict[date, bool] = field(default_factory=dict)
    # A running count of working days from `_first`, one entry a day, so a duration is one subtraction.
    _first: date | None = None
    _counts: list[int] = field(default_factory=list)

    def is_working_day(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._decide(day)
        return known

    def _decide(self, day: date) -> bool:
        if day in self.extra_working:
            return True
        if day in self.extra_holidays:
            return False
        if self.country.upper() == "CN":
            try:
                import chinese_calendar  # type: ignore[import-untyped]

                return bool(chinese_calendar.is_workday(day))
            except NotImplementedError:  # a year the package has no notice for yet
                self.uncovered_years.add(day.year)
        return day.weekday() < 5

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`: 0 for the same day, 1 from a Friday to the
        Monday after. Negative when `end` is before `start`."""
        return self.working_day_number(end) - self.working_day_number(start)

    def working_day_number(self, day: date) -> int:
        """The day's number in a running count of working days: the difference of two is working_days_between.
        The count is kept for one run of days from the first day asked, grown at either end when needed."""
        if self._first is None:
            self._first = day
            self._counts = [0]
        offset = (day - self._first).days
        if offset < 0:
            self._grow_back(-offset)
            offset = 0
        elif offset >= len(self._counts):
            self._grow_on(offset)
        return self._counts[offset]

    def _grow_on(self, offset: int) -> None:
        assert self._first is not None
        counts = self._counts
        day = self._first + timedelta(days=len(counts))
        while len(counts) <= offset:
            counts.append(counts[-1] + self.is_working_day(day))
            day += timedelta(days=1)

    def _grow_back(self, days: int) -> None:
        assert self._first is not None
        first = self._first - timedelta(days=days)
        before = [0] * days
        running = self._counts[0]
        for i in range(days - 1, -1, -1):  # the day after before[i] counts from before[i]'s number
            running -= self.is_working_day(first + timedelta(days=i + 1))
            before[i] = running
        self._counts = before + self._counts
        self._first = first


def calendar_from(settings: dict[str, Any] | None) -> WorkCalendar:
    """The `calendar:` of qms.yml (qms.schema.json has checked the shape); China's by default."""
    settings = settings or {}
    return WorkCalendar(
        country=str(settings.get("country", "CN")),
        extra_holidays=frozenset(_dates(settings.get("holidays"))),
        extra_working=frozenset(_dates(settings.get("working_days"))),
    )


def _dates(values: Any) -> list[date]:
    out = []
    for value in values or ():
        try:
            out.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            raise ConfigError(f"qms.yml: calendar: '{value}' is not a day of the calendar; write YYYY-MM-DD") from None
    return out
