"""Training admin, one module per part of the work."""

from training.admin import bookings, courses, sessions  # noqa: F401  registers the ModelAdmins
