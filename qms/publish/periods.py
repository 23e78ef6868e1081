"""Reporting periods: a month (2026-11), a quarter (2026Q3), a half-year (2026H1) or a year (2026)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

GRAINS = ("month", "quarter", "half-year", "year")
MONTHS_IN = {"month": 1, "quarter": 3, "half-year": 6, "year": 12}
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})|[Qq]([1-4])|[Hh]([12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    first_month: int  # 1..12
    grain: str

    @property
    def months(self) -> int:
        return MONTHS_IN[self.grain]

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        month = self.first_month + self.months
        return date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def label(self) -> str:
        if self.grain == "month":
            return f"{self.year}-{self.first_month:02d}"
        if self.grain == "quarter":
            return f"{self.year}Q{(self.first_month - 1) // 3 + 1}"
        if self.grain == "half-year":
            return f"{self.year}H{(self.first_month - 1) // 6 + 1}"
        return str(self.year)

    def previous(self) -> Period:
        month = self.first_month - self.months
        return Period(self.year + (month - 1) // 12, (month - 1) % 12 + 1, self.grain)

    def split(self, grain: str) -> list[Period]:
        """The periods of a finer grain that make up this one (itself when the grain is not finer)."""
        step = MONTHS_IN[grain]
        if step >= self.months:
            return [self]
        return [Period(self.year, m, grain) for m in range(self.first_month, self.first_month + self.months, step)]


def parse_period(text: str) -> Period | None:
    match = _PATTERN.match(text.strip())
    if not match:
        return None
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        return Period(year, month, "month") if 1 <= month <= 12 else None
    if match.group(3):
        return Period(year, (int(match.group(3)) - 1) * 3 + 1, "quarter")
    if match.group(4):
        return Period(year, (int(match.group(4)) - 1) * 6 + 1, "half-year")
    return Period(year, 1, "year")


def period_of(day: date, grain: str) -> Period:
    step = MONTHS_IN[grain]
    return Period(day.year, (day.month - 1) // step * step + 1, grain)
