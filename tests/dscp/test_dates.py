from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from dscp.dates import format_range, format_time

LONDON = ZoneInfo("Europe/London")


def test_a_morning_session_reads_as_people_write_it():
    start = datetime(2024, 2, 6, 9, 30, tzinfo=LONDON)
    end = datetime(2024, 2, 6, 12, 30, tzinfo=LONDON)
    assert format_range(start, end) == "6 February 2024, 9:30am to 12:30pm"


def test_a_two_day_conference_names_both_days():
    start = datetime(2024, 3, 7, 9, 0, tzinfo=LONDON)
    end = datetime(2024, 3, 8, 16, 0, tzinfo=LONDON)
    assert format_range(start, end) == "7 March 2024, 9am to 8 March 2024, 4pm"


def test_times_are_shown_in_london_even_when_stored_in_utc():
    start = datetime(2024, 7, 1, 8, 0, tzinfo=ZoneInfo("UTC"))  # 9am BST
    end = datetime(2024, 7, 1, 11, 0, tzinfo=ZoneInfo("UTC"))
    assert format_range(start, end) == "1 July 2024, 9am to 12pm"


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_time_of_day_has_am_or_pm_and_a_twelve_hour_clock(hour, minute):
    text = format_time(datetime(2024, 1, 1, hour, minute))
    assert text.endswith(("am", "pm"))
    assert 1 <= int(text[:-2].split(":")[0]) <= 12
