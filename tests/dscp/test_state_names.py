"""States are compared through their names (``booking.Status.WAITLISTED``), never strings:
a renamed state then fails loudly, where a string would quietly match nothing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SKIP = {".venv", "node_modules", "tests", "migrations", "bench", "var"}
# A state, status or who-cancelled compared with a quoted literal, in Python or a template.
STRING_STATE = re.compile(
    r"""\b(status|state|booking_state(\(\))?|cancelled_by)\s*(==|!=)\s*["'][a-z_]+["']"""
)


def _sources():
    for path in ROOT.rglob("*"):
        if path.suffix in {".py", ".html", ".txt"} and not SKIP & set(path.parts):
            yield path


def test_no_state_is_compared_with_a_string():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        for number, line in enumerate(path.read_text(errors="ignore").splitlines(), 1)
        if STRING_STATE.search(line)
    ]
    assert found == []


def test_the_check_finds_a_state_compared_with_a_string():
    assert STRING_STATE.search('{% if booking.status == "waitlisted" %}')
    assert STRING_STATE.search("if session.booking_state() != 'open':")
    assert not STRING_STATE.search("if booking.status == booking.Status.WAITLISTED:")
