import pytest

from training import services
from training.models import Agency


@pytest.fixture
def agency(db):
    return Agency.objects.create(name="Durham Constabulary")


@pytest.fixture
def book(agency):
    """Book through the service, as the booking form does, and (unless ``confirm=False``)
    confirm as the person does by following the emailed link."""

    def _book(session, email, confirm=True, **kwargs):
        booking = services.booking_create(
            session=session,
            name=kwargs.pop("name", email.split("@")[0].title()),
            email=email,
            job_role=kwargs.pop("job_role", "Police Officer"),
            agency=kwargs.pop("agency", agency),
            **kwargs,
        )
        return (
            services.booking_confirm(booking=booking, now=kwargs.get("now")) if confirm else booking
        )

    return _book
