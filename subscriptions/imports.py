"""Reading a CSV of subscribers for import: the file's rules, and the report of what happened."""

import csv
import io
from dataclasses import dataclass, field

from subscriptions.errors import SubscriptionError

IMPORT_MAX_ROWS = 10_000


@dataclass
class ImportRow:
    number: int  # the line in the file, counting the header as line 1
    email: str
    imported: bool
    reason: str = ""


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def imported(self) -> list[ImportRow]:
        return [row for row in self.rows if row.imported]

    @property
    def skipped(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.imported]


def subscriber_rows(csv_text: str) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows of a CSV with an ``email`` column, each with its line number."""
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    try:
        headers = reader.fieldnames
    except csv.Error:
        raise SubscriptionError("csv_unreadable") from None
    if not headers:
        raise SubscriptionError("csv_unreadable")
    reader.fieldnames = [(h or "").strip().lower() for h in headers]
    if "email" not in reader.fieldnames:
        raise SubscriptionError("csv_no_email_column")
    rows = []
    try:
        for row in reader:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            if len(rows) >= IMPORT_MAX_ROWS:
                raise SubscriptionError("csv_too_many_rows")
            rows.append((reader.line_num, row))
    except csv.Error:
        raise SubscriptionError("csv_unreadable") from None
    return rows
