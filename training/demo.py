"""Demo training: the seed's courses, dates and events, plus sessions always in the future."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.text import slugify

from priorities import selectors as priority_selectors
from training.models import (
    Agency,
    Audience,
    Booking,
    Course,
    ExternalEvent,
    JobRole,
    Sector,
    Session,
    Strand,
)

AGENCIES = [
    "Durham County Council – Children's Services",
    "Durham County Council – Early Help and One Point",
    "Durham County Council – Education and Schools",
    "Durham County Council – Adult and Health Services",
    "Durham Constabulary",
    "County Durham and Darlington NHS Foundation Trust",
    "Tees, Esk and Wear Valleys NHS Foundation Trust",
    "North East and North Cumbria Integrated Care Board",
    "North East Ambulance Service",
    "County Durham and Darlington Fire and Rescue Service",
    "Probation Service",
    "A school or college",
    "Early years setting or childminder",
    "Voluntary or community sector organisation",
    "Housing provider",
]

EYES_ON_THE_BABY_STRANDS = [
    (
        "Occasional contact with vulnerable families",
        "Staff who meet vulnerable families occasionally as part of their everyday work, "
        "for example working inside people's homes or responding to a crisis.",
        [
            "Maintenance workers",
            "Housing Officers",
            "Fire Service (Home Checks)",
            "Fire Wardens / Inspectors",
            "Probation Officers",
            "Youth Offending Officers",
            "Refugee Services",
            "Food bank / Milk Bank / Baby Bank staff",
            "Police Officers",
            "Police Community Support Officers",
            "Paramedics",
            "Domestic Violence Teams",
            "Urgent Treatment Centre Staff",
            "Shelter Staff",
            "Temporary Housing Staff",
        ],
    ),
    (
        "Direct support to vulnerable families",
        "Staff who support vulnerable families directly, with frequent contact or help "
        "with infant care or family issues.",
        [
            "Children's Services Staff",
            "Early Help Practitioners",
            "One Point Key Workers",
            "Family Workers",
            "Social Workers",
            "Foster Carers / Connected Carers",
            "Families First Staff",
            "Mental Health Support Staff",
            "Drugs & Alcohol Support Staff",
            "Breastfeeding Support Staff",
            "Gypsy & Roma Support Staff",
            "Early Years / Nursery Staff",
            "Childminders",
            "Fatherhood Champions",
            "Pharmacy staff",
        ],
    ),
    (
        "Routine or emergency health care",
        "Health practitioners involved in the routine or emergency care of vulnerable "
        "families, for example pre- and postnatal support or universal safer sleep advice.",
        [
            "Health Visitors / Home Visitors",
            "Midwives & Maternity Care Assistants",
            "Community Midwives",
            "Infant Feeding Leads",
            "GPs and Practice Nurses",
            "Neonatal Care Staff",
            "Family Nurse Partnership Staff",
            "Smoking Cessation Services",
            "Perinatal Mental Health",
            "Paediatricians",
            "Paediatric OTs & PTs",
        ],
    ),
]

# Every job role the finder offers: the seed's strand examples (named as the seed
# names them) and the roles the other courses are for, each with its sector and
# how to say one person in it.
JOB_ROLES = {
    Sector.EDUCATION: {
        "Teachers": "a teacher",
        "Designated Safeguarding Leads": "a designated safeguarding lead",
        "Headteachers": "a headteacher",
        "Teaching Assistants": "a teaching assistant",
        "School Business Managers": "a school business manager",
        "School Governors": "a school governor",
    },
    Sector.EARLY_YEARS: {
        "Early Years / Nursery Staff": "an early years or nursery worker",
        "Childminders": "a childminder",
    },
    Sector.HEALTH: {
        "Paramedics": "a paramedic",
        "Urgent Treatment Centre Staff": "an urgent treatment centre worker",
        "Mental Health Support Staff": "a mental health support worker",
        "Drugs & Alcohol Support Staff": "a drug and alcohol support worker",
        "Breastfeeding Support Staff": "a breastfeeding support worker",
        "Pharmacy staff": "a pharmacy worker",
        "Health Visitors / Home Visitors": "a health visitor or home visitor",
        "Midwives & Maternity Care Assistants": "a midwife or maternity care assistant",
        "Community Midwives": "a community midwife",
        "Infant Feeding Leads": "an infant feeding lead",
        "GPs and Practice Nurses": "a GP or practice nurse",
        "Neonatal Care Staff": "a neonatal care worker",
        "Family Nurse Partnership Staff": "a Family Nurse Partnership worker",
        "Smoking Cessation Services": "a smoking cessation worker",
        "Perinatal Mental Health": "a perinatal mental health worker",
        "Paediatricians": "a paediatrician",
        "Paediatric OTs & PTs": "a paediatric occupational therapist or physiotherapist",
        "School Nurses": "a school nurse",
    },
    Sector.SOCIAL_CARE: {
        "Children's Services Staff": "a children's services worker",
        "Early Help Practitioners": "an early help practitioner",
        "One Point Key Workers": "a One Point key worker",
        "Family Workers": "a family worker",
        "Social Workers": "a social worker",
        "Foster Carers / Connected Carers": "a foster or connected carer",
        "Families First Staff": "a Families First worker",
        "Domestic Violence Teams": "a domestic violence team worker",
    },
    Sector.POLICE: {
        "Police Officers": "a police officer",
        "Police Community Support Officers": "a police community support officer",
    },
    Sector.JUSTICE: {
        "Fire Service (Home Checks)": "a fire service officer doing home checks",
        "Fire Wardens / Inspectors": "a fire warden or inspector",
        "Probation Officers": "a probation officer",
        "Youth Offending Officers": "a youth offending officer",
    },
    Sector.HOUSING: {
        "Maintenance workers": "a maintenance worker",
        "Housing Officers": "a housing officer",
        "Shelter Staff": "a shelter worker",
        "Temporary Housing Staff": "a temporary housing worker",
    },
    Sector.VOLUNTARY: {
        "Refugee Services": "a refugee services worker",
        "Food bank / Milk Bank / Baby Bank staff": "a food, milk or baby bank worker",
        "Gypsy & Roma Support Staff": "a Gypsy and Roma support worker",
        "Fatherhood Champions": "a fatherhood champion",
        "Volunteers": "a volunteer",
        "Youth Workers": "a youth worker",
    },
    Sector.RECRUITMENT: {
        "Recruiters and HR Officers": "a recruiter or HR officer",
        "Recruiting Managers": "a recruiting manager",
    },
}

COUNTY_HALL = ("County Hall", "Aykley Heads\nDurham\nDH1 5UJ")
ONLINE_JOINING = (
    "The session is on Microsoft Teams. Join a few minutes early from a quiet place, "
    "with your camera and microphone working."
)
# A reserved example domain: the demo never points people at a real meeting.
DEMO_JOINING_URL = "https://teams.example.org/meet/dscp-training-{pk}"
ME_LEARNING = ("https://www.melearning.co.uk/", "Me Learning")

COURSES = [
    {
        "slug": "safeguarding-children-introduction-group-a",
        "title": "Safeguarding Children: Introduction (Group A)",
        "summary": "The basics every practitioner needs before the partnership's other courses: "
        "recognising abuse and neglect, and what to do when you are worried about a child.",
        "description": "E-learning in your own time. Complete it before booking a course that "
        "asks for Group A first.",
        "audience": "Everyone who works or volunteers with children or their families.",
        "learning_outcomes": "Recognise the signs of abuse and neglect\n"
        "Know what to do, and who to tell, when you are worried about a child",
        "format": "e_learning",
        "start_url": ME_LEARNING[0],
        "start_site": ME_LEARNING[1],
        "duration": "1 hour, in your own time",
        "provider": "DSCP",
        "priority": None,
    },
    {
        "slug": "safer-recruitment-dbs-eligibility-workshop",
        "title": "Safer Recruitment – DBS Eligibility Workshop",
        "summary": "Which roles can have which level of Disclosure and Barring Service (DBS) "
        "check, and how to get eligibility right when you recruit.",
        "description": "A practical workshop for anyone who recruits staff or volunteers to work "
        "with children. It explains the levels of DBS check, how to decide which one a role is "
        "eligible for, and what to do with the result.\n\nPlaces are limited, so book early.",
        "audience": "Managers, recruiters and HR staff in partner agencies, schools and the "
        "voluntary sector who decide which DBS check a role needs.",
        "learning_outcomes": "Know the levels of DBS check and what each shows\n"
        "Decide whether a role is eligible for a standard or enhanced check\n"
        "Know when a barred list check is allowed\n"
        "Know where to get advice when a case is not clear",
        "format": "virtual",
        "duration": "3 hours",
        "provider": "DBS North East Regional Advisor",
        "priority": None,
    },
    {
        "slug": "eyes-on-the-baby",
        "title": "Eyes on the Baby",
        "summary": "Helping the multi-agency workforce prevent Sudden Unexpected Death in Infancy "
        "(SUDI): safer sleep advice and keeping eyes on the baby. In three strands by job role.",
        "description": "Most unexpected deaths of babies under one happen in families facing "
        "poverty and several risks at once. Reaching those families needs every agency.\n\n"
        "This training helps practitioners give consistent safer sleep advice, share concerns "
        "between services, and keep eyes on the baby. It comes in three strands; book the one "
        "for your job role. The e-learning version is on Me Learning: use Start this course.",
        "notice": "Make sure you complete the correct strand for your job role. Me Learning "
        "should already show you the right one, based on the sector and service you chose "
        "when you registered.",
        "start_url": ME_LEARNING[0],
        "start_site": ME_LEARNING[1],
        "audience": "Everyone whose work brings them into contact with babies and their families, "
        "from housing officers and police officers to midwives and health visitors.",
        "learning_outcomes": "Know the risk factors for SUDI\n"
        "Give safer sleep advice that fits the family's circumstances\n"
        "Know who to tell, and how, when you are worried about a baby",
        "format": "virtual",
        "duration": "2 hours",
        "provider": "DSCP with Public Health, Durham County Council",
        "priority": "the-first-1001-days",
    },
    {
        "slug": "domestic-abuse-seeing-the-whole-family",
        "title": "Domestic Abuse: Seeing the Whole Family",
        "summary": "Recognising domestic abuse, its impact on children, and working with the whole "
        "family, including the men in children's lives.",
        "description": "A multi-agency course on recognising domestic abuse, understanding its "
        "impact on children, and planning safely with the whole family.",
        "audience": "Practitioners in every agency who work with children or parents.",
        "learning_outcomes": "Recognise the signs of domestic abuse and coercive control\n"
        "Understand the impact on children as victims in their own right\n"
        "Include fathers and male carers in assessment and planning",
        "format": "in_person",
        "duration": "Full day",
        "provider": "DSCP training pool",
        "priority": "domestic-abuse",
    },
    {
        "slug": "child-and-adolescent-to-parent-violence-and-abuse",
        "title": "Child and Adolescent to Parent Violence and Abuse (CAPVA)",
        "summary": "Understanding violence and abuse from children towards parents and carers, "
        "and how agencies can respond together.",
        "description": "Building on the partnership's learning cycle on CAPVA, this session "
        "looks at how it presents, why it is often hidden, and the support available locally.",
        "audience": "Practitioners working with families, including early help, schools, "
        "youth justice and police.",
        "learning_outcomes": "Recognise CAPVA and how it differs from other family violence\n"
        "Know the local pathways and support\nRespond without blaming the parent or the child",
        "format": "virtual",
        "duration": "2 hours 30 minutes",
        "provider": "CAPVA Ambassadors",
        "priority": "domestic-abuse",
    },
    {
        "slug": "exploitation-and-harm-outside-the-home",
        "title": "Exploitation and Harm Outside the Home",
        "summary": "Spotting and responding to criminal and sexual exploitation and other harm "
        "children face outside their families.",
        "description": "A course on contextual safeguarding: the places, peers and online spaces "
        "where children are harmed, and how partners act together.",
        "audience": "Practitioners working with children aged 10 and over.",
        "learning_outcomes": "Recognise signs of criminal and sexual exploitation\n"
        "Understand contextual safeguarding\nShare information through the right routes",
        "format": "in_person",
        "duration": "Half a day",
        "provider": "DSCP training pool with Durham Constabulary",
        "priority": "harm-outside-the-home",
    },
    {
        "slug": "supporting-childrens-mental-health-and-wellbeing",
        "title": "Supporting Children's Mental Health and Wellbeing",
        "summary": "Noticing when a child is struggling, having the conversation, and finding the "
        "right support.",
        "description": "An introduction for practitioners to children's mental health, "
        "self-harm and the local support offer.",
        "audience": "Anyone working with children and young people.",
        "learning_outcomes": "Notice signs a child is struggling\nTalk about mental health "
        "with children and parents\nKnow the local services and how to refer",
        "format": "e_learning",
        "start_url": ME_LEARNING[0],
        "start_site": ME_LEARNING[1],
        "duration": "1 hour, in your own time",
        "provider": "DSCP",
        "priority": "mental-health-and-wellbeing",
    },
]

DEMO_PEOPLE = [
    ("Alex Morgan", "alex.morgan@example.org", "Social Worker"),
    ("Priya Shah", "priya.shah@example.org", "Health Visitor"),
    ("Sam Robson", "sam.robson@example.org", "Police Officer"),
    ("Jordan Lee", "jordan.lee@example.org", "Early Help Practitioner"),
    ("Chris Bell", "chris.bell@example.org", "Designated Safeguarding Lead"),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _session(course, *, day, start, end, strand=None, capacity=20, online=True, trainer=""):
    venue, address = ("", "") if online else COUNTY_HALL
    session, _ = Session.objects.get_or_create(
        course=course,
        strand=strand,
        starts_at=_at(day, *start),
        defaults={
            "ends_at": _at(day, *end),
            "capacity": capacity,
            "venue": venue,
            "address": address,
            "joining_details": ONLINE_JOINING if online else "",
            "trainer": trainer or course.provider,
        },
    )
    if online and not session.joining_url:
        session.joining_url = DEMO_JOINING_URL.format(pk=session.pk)
        session.save(update_fields=["joining_url"])
    return session


# Nobody runs training on Christmas Day, Boxing Day or New Year's Day.
CLOSED_DAYS = {(12, 25), (12, 26), (1, 1)}


def working_day(start: date, days_ahead: int) -> date:
    """The day ``days_ahead`` after ``start``, or the first working day after it."""
    day = start + timedelta(days=days_ahead)
    while day.weekday() >= 5 or (day.month, day.day) in CLOSED_DAYS:
        day += timedelta(days=1)
    return day


# A session held recently with its register taken, so evaluations and the
# priority pages have attendance to count.
HELD_SESSION_ATTENDED = 24
HELD_SESSION_ABSENT = 2


def _held_session(strand: Strand, *, now: datetime, today: date) -> None:
    recent = strand.sessions.filter(
        starts_at__lt=now, starts_at__gte=now - timedelta(days=60), bookings__isnull=False
    )
    if recent.exists():
        return
    day = working_day(today, -28)
    session = _session(
        strand.course, strand=strand, day=day, start=(10, 0), end=(12, 0), capacity=30
    )
    agencies = list(Agency.objects.all())
    for n in range(HELD_SESSION_ATTENDED + HELD_SESSION_ABSENT):
        Booking.objects.create(
            session=session,
            name=f"Practitioner {n + 1}",
            email=f"practitioner{n + 1}@example.org",
            job_role="Health Visitor" if n % 2 else "Family Worker",
            agency=agencies[n % 7],
            status=Booking.Status.ATTENDED
            if n < HELD_SESSION_ATTENDED
            else Booking.Status.DID_NOT_ATTEND,
            # The demo's people followed their emailed links: their bookings stand.
            created_at=now - timedelta(days=40),
            verified_at=now - timedelta(days=40),
        )


def load() -> str:
    """Create or refresh the demo training; safe to run again."""
    for order, name in enumerate(AGENCIES):
        Agency.objects.update_or_create(name=name, defaults={"order": order})
    priorities = priority_selectors.priorities_by_slug()
    courses = {}
    for spec in COURSES:
        spec = dict(spec)
        slug = spec.pop("slug")
        spec["priority"] = priorities.get(spec["priority"]) if spec["priority"] else None
        courses[slug], _ = Course.objects.update_or_create(slug=slug, defaults=spec)
    # Group A before Group B: the workshop asks people to confirm the introduction first.
    dbs = courses["safer-recruitment-dbs-eligibility-workshop"]
    dbs.prerequisite = courses["safeguarding-children-introduction-group-a"]
    dbs.save(update_fields=["prerequisite"])
    # The workshop is for the people who recruit: the finder offers it to their roles only.
    for sector in (Sector.EDUCATION, Sector.RECRUITMENT, Sector.VOLUNTARY):
        Audience.objects.get_or_create(course=dbs, sector=sector)

    for sector, roles in JOB_ROLES.items():
        for name, singular in roles.items():
            JobRole.objects.update_or_create(
                slug=slugify(name), defaults={"name": name, "sector": sector, "singular": singular}
            )

    baby = courses["eyes-on-the-baby"]
    strands = []
    for number, (title, description, roles) in enumerate(EYES_ON_THE_BABY_STRANDS, start=1):
        strand, _ = Strand.objects.update_or_create(
            course=baby, number=number, defaults={"title": title, "description": description}
        )
        strand.roles.set(
            JobRole.objects.get_or_create(slug=slugify(role), defaults={"name": role})[0]
            for role in roles
        )
        strands.append(strand)

    # The seed's two dates: Tuesday 6 February and Tuesday 12 March 2024.
    for day in (date(2024, 2, 6), date(2024, 3, 12)):
        _session(dbs, day=day, start=(9, 30), end=(12, 30), capacity=20)

    # Sessions dated from today, so the demo always has training to book.
    today = timezone.localdate()
    now = timezone.now()
    plans = [
        (dbs, None, 10, (9, 30), (12, 30), 20, True),
        (dbs, None, 38, (13, 30), (16, 30), 20, True),
        (baby, strands[0], 7, (10, 0), (12, 0), 30, True),
        (baby, strands[1], 14, (10, 0), (12, 0), 30, True),
        (baby, strands[2], 21, (13, 0), (15, 0), 30, True),
        (baby, strands[1], 45, (10, 0), (12, 0), 30, True),
        (courses["domestic-abuse-seeing-the-whole-family"], None, 18, (9, 30), (16, 0), 4, False),
        (
            courses["child-and-adolescent-to-parent-violence-and-abuse"],
            None,
            25,
            (13, 0),
            (15, 30),
            25,
            True,
        ),
        (courses["exploitation-and-harm-outside-the-home"], None, 32, (9, 30), (12, 30), 24, False),
    ]
    planned: dict[tuple, list] = {}
    for course, strand, *rest in plans:
        planned.setdefault((course, strand), []).append(rest)
    for (course, strand), dates in planned.items():
        # Top up to the planned number of future sessions; never add more.
        existing = course.sessions.filter(strand=strand, starts_at__gt=now).count()
        for days, start, end, capacity, online in dates[existing:]:
            _session(
                course,
                strand=strand,
                day=working_day(today, days),
                start=start,
                end=end,
                capacity=capacity,
                online=online,
            )

    # A small full session with a waiting list, so course leads can try the admin.
    full = (
        courses["domestic-abuse-seeing-the-whole-family"].sessions.filter(starts_at__gt=now).first()
    )
    agency = Agency.objects.get(name="Durham County Council – Children's Services")
    for index, (name, email, role) in enumerate(DEMO_PEOPLE):
        if full.bookings.filter(email=email).exists():
            continue
        place = index < full.capacity
        last = index - full.capacity + 1
        Booking.objects.create(
            session=full,
            name=name,
            email=email,
            job_role=role,
            agency=agency,
            status=Booking.Status.CONFIRMED if place else Booking.Status.WAITLISTED,
            waitlist_position=None if place else last,
            verified_at=now,
        )

    _held_session(strands[1], now=now, today=today)

    ExternalEvent.objects.update_or_create(
        slug="national-vulnerability-and-exploitation-conference-2024",
        defaults={
            "title": "National Vulnerability and Exploitation Conference 2024",
            "summary": "A free national conference on protecting children and adults from "
            "vulnerability-related risk and harm, for policing and wider partners.",
            "description": "Hosted by the Vulnerability, Knowledge and Practice Programme (VKPP) "
            "with the Hydrant Programme and the Tackling Organised Exploitation (TOEX) "
            "Programme. It looks at issues that cut across the programmes, the Child Sexual "
            "Exploitation Taskforce and the wider vulnerability and exploitation landscape.\n\n"
            "Attend in person at the College of Policing in Ryton (free; accommodation is not "
            "included) or virtually.",
            "organiser": "Vulnerability, Knowledge and Practice Programme (VKPP), with the "
            "Hydrant Programme and TOEX",
            "starts_on": date(2024, 3, 7),
            "ends_on": date(2024, 3, 8),
            "attendance": ExternalEvent.Attendance.EITHER,
            "location": "College of Policing, Ryton",
            "priority": priorities.get("harm-outside-the-home"),
        },
    )
    ExternalEvent.objects.update_or_create(
        slug="durham-dads-and-male-carers-conference-2023",
        defaults={
            "title": "Durham Dads and Male Carers Conference 2023",
            "summary": "A conference on including dads and male carers, and making sure their "
            "voices are heard, supported by the DSCP.",
            "description": "The DSCP was pleased to support this conference on the journey "
            "County Durham is on to be inclusive of dads and male carers.",
            "organiser": "County Durham partners, supported by the DSCP",
            "starts_on": date(2023, 11, 17),
            "ends_on": None,
            "attendance": ExternalEvent.Attendance.IN_PERSON,
            "location": "County Durham",
            "priority": priorities.get("the-first-1001-days"),
        },
    )
    return (
        f"{Course.objects.count()} courses, "
        f"{Session.objects.filter(starts_at__gt=now).count()} upcoming sessions, "
        f"{ExternalEvent.objects.count()} external events, {Agency.objects.count()} agencies"
    )
