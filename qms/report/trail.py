"""The audit trail as CSV, for spreadsheets."""


from __future__ import annotations

import csv
import io

from qms.history.trail import TRAIL_COLUMNS, TrailRow
from qms.text.safetext import csv_cell


def render_csv(rows: list[TrailRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TRAIL_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(getattr(row, column)) for column in TRAIL_COLUMNS])
    return out.getvalue()
