import csv
import io

import pytest

from dscp.csv_export import csv_download, csv_safe


@pytest.mark.parametrize("typed", ["=HYPERLINK(1)", "+44 191", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted(typed):
    assert csv_safe(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["Zoe Adams", "", "a=b", "0191 383 4500"])
def test_ordinary_text_is_left_as_typed(typed):
    assert csv_safe(typed) == typed


def read(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


@pytest.mark.parametrize("streaming", [False, True])
def test_download_is_a_named_attachment_with_every_cell_defused(streaming):
    response = csv_download(
        ["Name", "Email"],
        iter([["=cmd()", "a@example.org"], ["Sam, Example", "b@example.org"]]),
        filename="register.csv",
        streaming=streaming,
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="register.csv"'
    assert read(response) == [
        ["Name", "Email"],
        ["'=cmd()", "a@example.org"],
        ["Sam, Example", "b@example.org"],
    ]
