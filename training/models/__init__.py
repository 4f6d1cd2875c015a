"""Training models: ``catalogue`` (courses and what they are for), ``sessions`` (dates and
places), ``policies`` (non-attendance) and ``bookings``. ``new_manage_token`` is exported
here too because migrations name it by this path."""

from training.models.bookings import Booking, new_manage_token
from training.models.catalogue import (
    Agency,
    Audience,
    Course,
    ExternalEvent,
    Format,
    JobRole,
    Sector,
    Strand,
)
from training.models.policies import NonAttendancePolicy
from training.models.sessions import Session

__all__ = [
    "Agency",
    "Audience",
    "Booking",
    "Course",
    "ExternalEvent",
    "Format",
    "JobRole",
    "NonAttendancePolicy",
    "Sector",
    "Session",
    "Strand",
    "new_manage_token",
]
