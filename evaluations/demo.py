"""Safeguarding Week 2023's evaluation, with responses whose figures are the seed's own.

The seed reports an average rating of 4.65 out of 5 and knowledge rising from 5.72
to 8.17 out of 10. The 100 responses below give exactly those means (465, 572 and
817 points), so the report and the newsletter's live block compute them.
"""

import datetime
from itertools import cycle, islice

from django.utils import timezone

from evaluations import services
from evaluations.models import Evaluation, Figure, Invitation, Response, WorksWith
from training import selectors as training_selectors

RESPONSES = 100
# (score, how many people gave it); each list covers all 100 responses.
RATINGS = [(5, 70), (4, 25), (3, 5)]  # 465 / 100 = 4.65
KNOWLEDGE_BEFORE = [(3, 10), (4, 20), (5, 20), (6, 4), (7, 34), (8, 8), (9, 4)]  # 5.72
KNOWLEDGE_AFTER = [(5, 2), (6, 5), (7, 16), (8, 39), (9, 27), (10, 11)]  # 8.17
CONFIDENCE_BEFORE = [(4, 15), (5, 25), (6, 30), (7, 30)]  # 5.75
CONFIDENCE_AFTER = [(7, 10), (8, 45), (9, 35), (10, 10)]  # 8.45
WORKS_WITH = [
    (WorksWith.CHILDREN, 38),
    (WorksWith.BOTH, 34),
    (WorksWith.ADULTS, 22),
    (WorksWith.OTHER, 6),
]
AGENCIES = [
    ("Durham County Council", 31),
    ("County Durham and Darlington NHS Foundation Trust", 20),
    ("Durham Constabulary", 16),
    ("A school or college", 15),
    ("Voluntary and community sector", 12),
    ("Other", 6),
]
COMMENTS = [
    "I will ask about who else lives in the home at every visit.",
    "Really useful to hear how adult services see the same families.",
    "I will use the Clarify, Reflect, Verify prompts in supervision.",
    "More time for questions next year, please.",
]


def _expand(counts) -> list:
    values = [value for value, n in counts for _ in range(n)]
    assert len(values) == RESPONSES, counts
    return values


def load() -> str:
    """Create or refresh Safeguarding Week 2023's form, responses and newsletter figure."""
    week, _ = Evaluation.objects.update_or_create(
        slug="safeguarding-week-2023",
        defaults={
            "title": "Safeguarding Week 2023",
            "starts_on": datetime.date(2023, 11, 20),
            "ends_on": datetime.date(2023, 11, 24),
            "hours": 2,
            "open_link": True,
            # The week is over: its figures are history, the link takes no more answers.
            "active": False,
        },
    )
    if not week.responses.exists():
        # Before and after scores are paired low with low, so most people improved;
        # the ten who knew most beforehand are paired with the lowest "after" scores.
        before = sorted(_expand(KNOWLEDGE_BEFORE))
        after = sorted(_expand(KNOWLEDGE_AFTER))
        after = after[10:] + after[:10]
        days = [week.starts_on + datetime.timedelta(days=n % 5) for n in range(RESPONSES)]
        comments = list(islice(cycle(COMMENTS + [""] * 6), RESPONSES))
        Response.objects.bulk_create(
            Response(
                evaluation=week,
                source=Response.Source.OPEN,
                held_on=day,
                works_with=works_with,
                agency=agency,
                rating=rating,
                knowledge_before=kb,
                knowledge_after=ka,
                confidence_before=cb,
                confidence_after=ca,
                comments=comment,
            )
            for day, works_with, agency, rating, kb, ka, cb, ca, comment in zip(
                days,
                _expand(WORKS_WITH),
                _expand(AGENCIES),
                _expand(RATINGS),
                before,
                after,
                sorted(_expand(CONFIDENCE_BEFORE)),
                sorted(_expand(CONFIDENCE_AFTER)),
                comments,
                strict=True,
            )
        )
    Figure.objects.update_or_create(
        slug="safeguarding-week-2023-evaluation",
        defaults={
            "title": "What the evaluations told us",
            "evaluation": week,
            "show_works_with": True,
            "show_ratings": False,
        },
    )
    answered = _recent_training_feedback()
    return (
        f"{week.title}: {week.responses.count()} responses and a newsletter figure; "
        f"{answered} responses from recent training"
    )


# Three in four attendees of recent training answer; each answer is a
# (rating, knowledge before, knowledge after, works with) pattern in turn.
ANSWER_EVERY = 4
PATTERNS = [
    (5, 4, 8, WorksWith.CHILDREN),
    (4, 5, 8, WorksWith.BOTH),
    (5, 3, 7, WorksWith.CHILDREN),
]


def _recent_training_feedback() -> int:
    """Invite everyone on a recent register, and answer for most of them through the service."""
    now = timezone.now()
    attended = training_selectors.attended_bookings(
        ended_after=now - datetime.timedelta(days=90), ended_before=now
    ).select_related("session__course", "agency")
    answered = 0
    for n, booking in enumerate(attended.order_by("pk")):
        evaluation = services.evaluation_for_session(session=booking.session)
        invitation, _ = Invitation.objects.get_or_create(
            booking=booking, defaults={"evaluation": evaluation, "sent_at": now}
        )
        if invitation.used_at or n % ANSWER_EVERY == ANSWER_EVERY - 1:
            continue
        rating, before, after, works_with = PATTERNS[n % len(PATTERNS)]
        services.response_submit_invited(
            invitation=invitation,
            answers=services.Answers(
                works_with=works_with,
                agency=booking.organisation,
                rating=rating,
                knowledge_before=before,
                knowledge_after=after,
                confidence_before=before,
                confidence_after=after,
            ),
        )
        answered += 1
    return answered
