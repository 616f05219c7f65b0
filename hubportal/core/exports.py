"""Downloads that stream: a CSV is written row by row as the response is sent, so a
100,000-row export holds one row in memory, not the file (measured in `make bench`,
bench/exports.py). Give it a generator, and read querysets with ``.iterator()``."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse


class _Line:
    """A file-like object whose write returns what is written: csv.writer then yields
    each formatted line instead of storing it."""

    def write(self, value: str) -> str:
        return value


LINES_PER_CHUNK = 500  # a chunk of about 30 KB per write to the socket, not a write per line


def csv_rows(header: Sequence | None, rows: Iterable[Sequence]) -> Iterable[str]:
    """The lines of a semicolon-separated CSV (what Norwegian spreadsheets open), in chunks
    of LINES_PER_CHUNK lines."""
    writer = csv.writer(_Line(), delimiter=";")
    chunk = [writer.writerow(header)] if header is not None else []
    for row in rows:
        chunk.append(writer.writerow(row))
        if len(chunk) >= LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_download(filename: str, header: Sequence | None, rows: Iterable[Sequence]):
    """A CSV attachment streamed from ``rows`` (any iterable; a generator keeps memory
    constant). ``filename`` is ASCII: the browser saves the file under it."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
