"""What the partnership offers: formats, agencies, job roles, courses, strands, events run by others."""

from django.db import models
from django.urls import reverse


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

    def is_for(self, role: JobRole | None) -> bool:
        """Whether a role is in the course's audience groups (a course with none is for all).

        Reads ``audiences`` through ``.all()``, so prefetched audiences cost no query."""
        if role is None:
            return True
        groups = {audience.sector for audience in self.audiences.all()}
        return not groups or role.sector in groups

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]


class Audience(models.Model):
    """A sector a course is for: the finder offers the course only to roles in its sectors."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="audiences")
    sector = models.CharField(max_length=20, choices=Sector.choices)

    class Meta:
        verbose_name = "audience group"
        ordering = ["course", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["course", "sector"], name="audience_unique_sector"),
        ]

    def __str__(self) -> str:
        return self.get_sector_display()


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


class ExternalEvent(models.Model):
    """An event run by another organisation: people register on its own site, or book a
    place here on a session set up for it, like any course's."""

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
    session = models.OneToOneField(
        "training.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event",
        verbose_name="book here: session",
        help_text="To take bookings in the portal instead of linking out: add a session with "
        "its places (under a course for the event) and choose it here. Its booking, waiting "
        "list and register work as any session's. Leave the external booking link blank.",
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
            models.CheckConstraint(
                condition=models.Q(booking_url="") | models.Q(session__isnull=True),
                name="external_event_one_way_to_book",
                violation_error_message="Either link to the organiser's registration page or "
                "choose a session to book here, not both.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:event_detail", kwargs={"slug": self.slug})
