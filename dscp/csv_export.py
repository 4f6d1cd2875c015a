"""CSV downloads for staff that are safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse

# A cell starting with one of these is read as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Stop a spreadsheet treating typed text such as "=HYPERLINK(...)" as a formula."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


class _Echo:
    """A file-like object that hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The header and each row as a CSV line, every cell made formula-safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])


def csv_download(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    filename: str,
    streaming: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """A CSV attachment; ``streaming`` for exports too large to build in memory."""
    response_class = StreamingHttpResponse if streaming else HttpResponse
    response = response_class(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
