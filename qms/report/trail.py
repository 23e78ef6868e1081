"""The audit trail as CSV, for spreadsheets."""


from __future__ import annotations

import csv
import io

from qms.history.trail import TRAIL_COLUMNS, TrailRow


def render_csv(rows: list[TrailRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TRAIL_COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, column) for column in TRAIL_COLUMNS])
    return out.getvalue()
