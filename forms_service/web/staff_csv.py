"""The staff's lists as CSV files for Excel, written one way for every export."""

from __future__ import annotations

import io
from collections.abc import Iterable

from defusedcsv import csv as defused_csv
from flask import Response


def csv_download(filename: str, headings: Iterable[str], rows: Iterable[Iterable]) -> Response:
    """An attachment Excel opens as it is: UTF-8 with a BOM, ";" between cells (Italian
    Excel splits on it), formula cells ("=…", "+…", "@…") neutralised by defusedcsv.
    None becomes an empty cell."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 only with it
    writer = defused_csv.writer(out, delimiter=";")
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
