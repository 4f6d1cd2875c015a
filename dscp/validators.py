"""Checks shared by every form and import that stores text from outside."""

from django.core.exceptions import ValidationError

# C0 and C1 controls, DEL and the Unicode line and paragraph separators: none
# belongs in a one-line value such as a name, and some break CSV and email headers.
_NOT_ON_ONE_LINE = {*map(chr, range(32)), *map(chr, range(0x7F, 0xA0)), "\u2028", "\u2029"}


def has_control_characters(value: str) -> bool:
    """Whether a one-line value holds a line break, tab or other control character."""
    return not _NOT_ON_ONE_LINE.isdisjoint(value)


def single_line(value: str) -> None:
    """Validator for one-line text fields."""
    if has_control_characters(value):
        raise ValidationError("Remove line breaks and tabs", code="control")
