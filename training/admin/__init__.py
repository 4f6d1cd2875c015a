"""Training admin, one module per part of the work."""

from training.admin import bookings, courses, non_attendance, sessions  # noqa: F401  registers the ModelAdmins
