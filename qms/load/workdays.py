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


@dataclass
class WorkCalendar:
    country: str = "CN"
    extra_holidays: frozenset[date] = frozenset()
    extra_working: frozenset[date] = frozenset()
    uncovered_years: set[int] = field(default_factory=set)
    _known: dict[date, bool] = field(default_factory=dict)
    # Working days counted from an epoch, per day, so a duration is one subtraction (a million rows).
    _ordinal: dict[date, int] = field(default_factory=dict)

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
        return self._count_to(end) - self._count_to(start)

    def _count_to(self, day: date) -> int:
        count = self._ordinal.get(day)
        if count is None:
            count = self._ordinal[day] = self._count_from_epoch(day)
        return count

    def _count_from_epoch(self, day: date) -> int:
        # Walk from the nearest day already counted; the first day asked for is day 0, so no year outside the
        # records is looked up (and reported as uncovered).
        if not self._ordinal:
            self._ordinal[day] = 0
            return 0
        nearest = min(self._ordinal, key=lambda known: abs((known - day).days))
        count = self._ordinal[nearest]
        step = timedelta(days=1)
        current = nearest
        while current < day:
            current += step
            count += self.is_working_day(current)
        while current > day:
            count -= self.is_working_day(current)
            current -= step
        return count


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
        out.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
    return out
