import secrets
from datetime import datetime

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from dscp.dates import format_range


class Format(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual (online, live)"
    E_LEARNING = "e_learning", "E-learning (in your own time)"


class Agency(models.Model):
    """A partner agency a practitioner can choose when booking; the list is kept by staff."""

    name = models.CharField(max_length=200, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(
        default=True, help_text="Untick to stop offering this agency on the booking form."
    )

    class Meta:
        verbose_name = "agency"
        verbose_name_plural = "agencies"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    """Where a practitioner works; the course finder groups job roles by it."""

    EDUCATION = "education", "Education"
    EARLY_YEARS = "early_years", "Early years"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care and early help"
    POLICE = "police", "Police"
    JUSTICE = "justice", "Probation, youth justice and fire"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary and community"
    RECRUITMENT = "recruitment", "Recruitment and HR"


class JobRole(models.Model):
    """A job role practitioners choose in the course finder; strands list the roles they are for."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    singular = models.CharField(
        "one person in the role",
        max_length=120,
        blank=True,
        help_text="One person in this role with “a” or “an”, e.g. “a social worker” for Social "
        "Workers or “an HR officer”. Used in “As a social worker, book Strand 2”.",
    )

    class Meta:
        verbose_name = "job role"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def one(self) -> str:
        """“a social worker”: for sentences about one person in the role."""
        return self.singular or f"a {self.name}"

    @property
    def job_title(self) -> str:
        """What the booking form fills in: “Social worker”."""
        if not self.singular:
            return self.name
        words = self.singular.split(" ", 1)[-1]
        return words[:1].upper() + words[1:]


class Course(models.Model):
    """A course on the partnership's training programme, e.g. Eyes on the Baby."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="One or two sentences shown in the course finder.")
    description = models.TextField(
        help_text="What the course covers. Blank lines start paragraphs."
    )
    audience = models.TextField(
        "who it is for", blank=True, help_text="The practitioners this course is for."
    )
    learning_outcomes = models.TextField(
        blank=True, help_text="One outcome per line; shown as a list."
    )
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    duration = models.CharField(max_length=100, blank=True, help_text="For example, 3 hours.")
    provider = models.CharField(
        "delivered by", max_length=200, blank=True, help_text="Who delivers the course."
    )
    start_url = models.URLField(
        "start this course: web address",
        max_length=500,
        blank=True,
        help_text="For e-learning or a course run on another site: where people start it, "
        "e.g. the course on Me Learning. Shown as a “Start this course” button.",
    )
    start_site = models.CharField(
        "start this course: site name",
        max_length=100,
        blank=True,
        help_text="The site the button goes to, e.g. Me Learning.",
    )
    notice = models.TextField(
        "important notice",
        blank=True,
        help_text="Shown as a warning on the course page, "
        "e.g. “Make sure you complete the correct strand for your job role.”",
    )
    prerequisite = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A course people must complete first (e.g. Group A before Group B). The "
        "booking form asks them to confirm it, unless our register already shows it.",
    )
    priority = models.ForeignKey(
        "priorities.Priority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    active = models.BooleanField(
        default=True, help_text="Untick to take the course out of the course finder."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "course"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course_detail", kwargs={"slug": self.slug})

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]


class Strand(models.Model):
    """A version of a course for a group of job roles, e.g. Eyes on the Baby strand 2."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="strands")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, help_text="For example, Direct support to families.")
    description = models.TextField(help_text="Which practitioners this strand is for.")
    roles = models.ManyToManyField(JobRole, related_name="strands", blank=True)

    class Meta:
        verbose_name = "strand"
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="strand_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: Strand {self.number}"


class Session(models.Model):
    """One dated delivery of a course, with a fixed number of places."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    strand = models.ForeignKey(
        Strand, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(
        max_length=200, blank=True, help_text="Leave blank for a session held online."
    )
    address = models.TextField(blank=True)
    joining_url = models.URLField(
        "joining link",
        max_length=500,
        blank=True,
        help_text="For an online session: the meeting link. Sent only to people with a place, "
        "in their confirmation, reminder and calendar file. Staff are warned a week before "
        "if it is missing.",
    )
    joining_details = models.TextField(
        "joining instructions",
        blank=True,
        help_text="Anything else people need to join, e.g. a meeting ID and passcode. "
        "Only people with a place see these.",
    )
    trainer = models.CharField("delivered by", max_length=200, blank=True)
    capacity = models.PositiveIntegerField(help_text="How many places there are.")
    booking_opens_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave blank to open bookings straight away."
    )
    booking_closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave blank to close bookings when the session starts."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "session"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="session_capacity_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(booking_opens_at__isnull=True)
                | models.Q(booking_closes_at__isnull=True)
                | models.Q(booking_closes_at__gt=models.F("booking_opens_at")),
                name="session_booking_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="session_status_start")]

    def __str__(self) -> str:
        return f"{self.course.title}, {format_range(self.starts_at, self.ends_at)}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_book", kwargs={"pk": self.pk})

    @property
    def is_online(self) -> bool:
        return not self.venue

    @property
    def place(self) -> str:
        """The venue and address on one line, or "Online"."""
        if self.is_online:
            return "Online"
        lines = [line.strip() for line in self.address.splitlines() if line.strip()]
        return ", ".join([self.venue, *lines])

    @property
    def closes_at(self):
        return self.booking_closes_at or self.starts_at

    def booking_state(self, now=None) -> str:
        """Why the session can or cannot take bookings: open, cancelled, not_open, closed."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return "cancelled"
        if self.booking_opens_at and now < self.booking_opens_at:
            return "not_open"
        if now >= self.closes_at:
            return "closed"
        return "open"


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)


class Booking(models.Model):
    """A practitioner's place, or place in the queue, on a session."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    class Prerequisite(models.TextChoices):
        NOT_NEEDED = "", "Not needed"
        CONFIRMED = "confirmed", "Confirmed by the person"
        ON_RECORD = "on_record", "On our register"

    class CancelledBy(models.TextChoices):
        PERSON = "person", "The person who booked"
        STAFF = "staff", "Partnership staff"
        SESSION = "session", "The session was cancelled"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    name = models.CharField(max_length=200)
    email = models.EmailField("work email")
    phone = models.CharField(max_length=40, blank=True)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    agency_other = models.CharField(
        "other organisation", max_length=200, blank=True, help_text="When not in the list."
    )
    job_role = models.CharField(max_length=200)
    needs = models.TextField("access or dietary needs", blank=True)
    prerequisite = models.CharField(
        "prerequisite course",
        max_length=20,
        choices=Prerequisite.choices,
        blank=True,
        editable=False,
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True, editable=False)
    manage_token = models.CharField(
        max_length=64, unique=True, default=new_manage_token, editable=False
    )
    # The booking form's one-time key: a resubmitted form (double click, refresh)
    # returns the booking it already made instead of refusing a "second" one.
    form_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    promoted_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_by = models.CharField(
        max_length=20, choices=CancelledBy.choices, blank=True, editable=False
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    HOLDING_PLACE = (Status.CONFIRMED, Status.ATTENDED, Status.DID_NOT_ATTEND)

    class Meta:
        verbose_name = "booking"
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "session",
                condition=~models.Q(status="cancelled"),
                name="booking_one_active_per_email",
                violation_error_message="This email address already has a booking on this session.",
            ),
            models.UniqueConstraint(
                fields=["session", "waitlist_position"],
                condition=models.Q(status="waitlisted"),
                name="booking_unique_waitlist_position",
            ),
            models.CheckConstraint(
                condition=models.Q(status="waitlisted", waitlist_position__isnull=False)
                | (~models.Q(status="waitlisted") & models.Q(waitlist_position__isnull=True)),
                name="booking_position_only_when_waitlisted",
            ),
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | ~models.Q(agency_other=""),
                name="booking_has_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="booking_session_status"),
            models.Index(Lower("email"), name="booking_email_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("training:booking_manage", kwargs={"token": self.manage_token})

    @property
    def organisation(self) -> str:
        return self.agency.name if self.agency_id else self.agency_other

    @property
    def holds_place(self) -> bool:
        """Whether the person has a place (not the queue): only they get online joining details."""
        return self.status in self.HOLDING_PLACE

    def person_may_cancel(self, now: datetime | None = None) -> bool:
        """Whether the person can still cancel online: a place or a queue spot, before the session starts."""
        return self.status in (self.Status.CONFIRMED, self.Status.WAITLISTED) and (
            self.session.starts_at > (now or timezone.now())
        )


class ExternalEvent(models.Model):
    """An event run by another organisation, which people book on its own site."""

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "Virtual"
        EITHER = "either", "In person or virtual"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="One or two sentences shown in the list of events.")
    description = models.TextField(blank=True, help_text="Blank lines start paragraphs.")
    organiser = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave blank for a one-day event.")
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    location = models.CharField(max_length=200, blank=True)
    booking_url = models.URLField(
        "external booking link", blank=True, help_text="Where people register."
    )
    priority = models.ForeignKey(
        "priorities.Priority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="external_events",
    )
    published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "external event"
        ordering = ["starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="external_event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:event_detail", kwargs={"slug": self.slug})
