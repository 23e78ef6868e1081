"""The audit trail as CSV, for spreadsheets."""


from __future__ import annotations

import csv
import io

from qms.history.trail import TRAIL_COLUMNS, TrailRow
from qms.text.safetext import visible


def render_csv(rows: list[TrailRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TRAIL_COLUMNS)
    for row in rows:
        # Printed to a terminal as often as opened in a spreadsheet: control characters are escaped, line breaks kept.
        writer.writerow([visible(getattr(row, column), keep="\t\n") for column in TRAIL_COLUMNS])
    return out.getvalue()
