"""Demo content: the two public lists and a few example subscribers with consent records."""

from django.conf import settings

from subscriptions import services
from subscriptions.models import ConsentRecord, MailingList, Subscriber

LISTS = [
    {
        "slug": "newsletter",
        "name": "DSCP newsletter",
        "description": "News from the partnership, the four priorities, learning briefings "
        f"and national guidance, {settings.PARTNERSHIP['newsletter_frequency']}.",
        "order": 1,
    },
    {
        "slug": "training-updates",
        "name": "Training updates",
        "description": "New multi-agency training courses and sessions as they are announced.",
        "order": 2,
    },
]

PEOPLE = """email,name,organisation
alex.morgan@example.org,Alex Morgan,Durham Constabulary
priya.shah@example.org,Priya Shah,County Durham and Darlington NHS Foundation Trust
sam.taylor@example.org,Sam Taylor,Durham County Council Children's Services
jo.walker@example.org,,
chris.hall@example.org,Chris Hall,Meadowfield Primary School
"""

EVIDENCE = "Demo data: example addresses only, no real consent."


def load() -> str:
    lists = {}
    for item in LISTS:
        lists[item["slug"]], _ = MailingList.objects.update_or_create(
            slug=item["slug"], defaults={k: v for k, v in item.items() if k != "slug"}
        )
    # The import skips anyone already on the list, so running this twice adds nothing.
    reports = [
        services.subscriber_import(
            mailing_list=lists["newsletter"],
            csv_text=PEOPLE,
            lawful_basis=EVIDENCE,
            recorded_by="load_demo",
        ),
        services.subscriber_import(
            mailing_list=lists["training-updates"],
            csv_text="email\npriya.shah@example.org\nchris.hall@example.org\n",
            lawful_basis=EVIDENCE,
            recorded_by="load_demo",
        ),
    ]
    # One person who has since left, so the admin shows an unsubscribe in the history.
    jo = Subscriber.objects.get(email="jo.walker@example.org")
    services.subscriber_unsubscribe(
        subscriber=jo, lists=[lists["newsletter"]], method=ConsentRecord.Method.EMAIL_LINK
    )
    imported = sum(len(report.imported) for report in reports)
    return f"{len(lists)} mailing lists, {Subscriber.objects.count()} subscribers ({imported} new subscriptions)"
