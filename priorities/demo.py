"""The four priorities as the December 2023 newsletter reported them (facts from the seed)."""

from datetime import date

from priorities.models import (
    Achievement,
    Action,
    ActionStatus,
    Document,
    LearningCycle,
    LearningPoint,
    Phase,
    PhaseStatus,
    Priority,
    Theme,
)

CONTACT = "DSCPSecure@durham.gov.uk"

PRIORITIES = [
    {
        "number": 1,
        "slug": "domestic-abuse",
        "title": "Domestic Abuse",
        "summary": (
            "Domestic abuse harms children who live with it, and some children and young "
            "people also use violence or abuse towards their parents. Through the Improvement "
            "Delivery Group, practitioners from across the partnership look at how well we "
            "respond, learn together and agree what to change."
        ),
        "lead": "Laura Bywater or Vicki Vickerson",
    },
    {
        "number": 2,
        "slug": "harm-outside-the-home",
        "title": "Harm Outside the Home",
        "summary": (
            "Children can be exploited or harmed away from their families: in the community, "
            "online and by people they meet outside the home. This priority brings partners "
            "together to spot the risk early and protect children and young people from it."
        ),
        "lead": "",
    },
    {
        "number": 3,
        "slug": "the-first-1001-days",
        "title": "The First 1001 Days",
        "summary": (
            "The time from pregnancy to a child's second birthday shapes the rest of their life. "
            "This priority helps everyone who meets babies and their families to keep them "
            "safe, including giving consistent advice on safer sleep."
        ),
        "lead": "",
    },
    {
        "number": 4,
        "slug": "mental-health-and-wellbeing",
        "title": "Mental Health and Wellbeing",
        "summary": (
            "More children and young people are struggling with their mental health. This "
            "priority looks at how partners support children's wellbeing early, before "
            "problems grow, and keeps practitioners up to date with national thinking."
        ),
        "lead": "",
    },
]

CAPVA = "Child and Adolescent to Parent Violence and Abuse (CAPVA)"
CAPVA_PURPOSE = (
    "The first learning cycle for the 2023 to 2026 priorities. The Performance and Learning "
    "Group asked the Improvement Delivery Group, a multi-agency space where practitioners "
    "look together at what is working and what is hard, to look at how partners respond to "
    "children and young people who are violent or abusive towards their parents. A briefing "
    "for practitioners on what was found is being written for the website."
)

PHASES = [
    (
        "Setting the question",
        "The Performance and Learning Group set the question for the Improvement Delivery "
        "Group to explore.",
        PhaseStatus.COMPLETE,
    ),
    (
        "Hearing from children and families",
        "The group invited children and families to tell us about their experience, and "
        "surveyed practitioners online.",
        PhaseStatus.COMPLETE,
    ),
    (
        "Looking at practice together",
        "Partners shared and discussed what each agency knew and did for the children and "
        "families involved.",
        PhaseStatus.COMPLETE,
    ),
    (
        "Reflecting on what we found",
        "The group drew out what works well, what gets in the way and how the cycle itself went.",
        PhaseStatus.COMPLETE,
    ),
    (
        "Agreeing the action plan",
        "An action plan was developed and agreed within the Performance and Learning Group.",
        PhaseStatus.COMPLETE,
    ),
    (
        "Putting the plan into practice",
        "Over the next 6 to 12 months, partners carry out the action plan under four themes: "
        "communication, evaluation, data and training.",
        PhaseStatus.IN_PROGRESS,
    ),
]

ACHIEVEMENTS = [
    "Members of the Improvement Delivery Group committed to the work: they came to the "
    "meetings and saw it through to the end.",
    "Partners talked openly with each other across agencies, which helped practitioners "
    "understand one another's approaches and priorities.",
    "Online surveys reached practitioners and brought a good number of responses.",
]

# (phase number, what we learned, what we did about it)
LEARNING = [
    (
        1,
        "The question the Performance and Learning Group set was too broad, so the group "
        "lacked a clear direction.",
        "The question for the Improvement Delivery Group's work on Priority Two has been "
        "made clearer.",
    ),
    (
        2,
        "Few children and families took part, even with a payment offered for their time.",
        "We looked at the outside factors that may explain this, and they will shape how we "
        "plan to involve families in the work on Priority Two.",
    ),
    (
        3,
        "Some partners were reluctant to share information about children and families in "
        "the group, and asked whether doing so was proportionate.",
        "The group's work sits within Working Together 2018. The DSCP Business Unit will also "
        "make this clear when it updates the information-sharing document, so partners know "
        "they can share information for improvement work.",
    ),
]

# (theme, description, owner, start, due, status)
NEXT_STEPS = [
    (
        "Communication",
        "Write a short briefing for the partnership on the work done and what we learned "
        "from this first priority.",
        "DSCP Business Unit",
        date(2023, 12, 1),
        date(2023, 12, 31),
        ActionStatus.DONE,
    ),
    (
        "Communication",
        "Targeted communication to tell partners about CAPVA and the RYPP programme.",
        "DSCP Business Unit",
        date(2023, 12, 1),
        date(2024, 12, 31),
        ActionStatus.ON_TRACK,
    ),
    (
        "Evaluation",
        "Develop impact and outcome tools to measure what difference the programme makes.",
        "Performance and Learning Group",
        date(2023, 12, 1),
        date(2024, 12, 31),
        ActionStatus.NOT_STARTED,
    ),
    (
        "Data",
        "Change recording systems so partners can see the demand for CAPVA support and "
        "record the outcomes for children referred.",
        "Partner agencies' recording systems leads",
        date(2023, 12, 1),
        date(2024, 12, 31),
        ActionStatus.AT_RISK,
    ),
    (
        "Training",
        "Review the RYPP training programme and who delivers the courses to children.",
        "Improvement Delivery Group",
        date(2023, 12, 1),
        date(2024, 6, 30),
        ActionStatus.ON_TRACK,
    ),
    (
        "Training",
        "CAPVA Ambassadors continue to roll out RYPP training, likely from 2024.",
        "CAPVA Ambassadors",
        date(2024, 1, 1),
        date(2024, 12, 31),
        ActionStatus.NOT_STARTED,
    ),
]

DOCUMENTS = {
    "harm-outside-the-home": [
        {
            "title": "National Vulnerability and Exploitation Conference, 7 to 8 March 2024",
            "url": "https://www.vkpp.org.uk/",
            "date": date(2024, 3, 7),
            "summary": (
                "Hosted by the Vulnerability Knowledge and Practice Programme (VKPP) with the "
                "Hydrant Programme and the Tackling Organised Exploitation (TOEX) Programme. "
                "Two days on protecting children and adults from vulnerability-related risk and "
                "harm, including the work of the Child Sexual Exploitation Taskforce. Open to "
                "policing and wider partners: free in person at the College of Policing, "
                "Ryton (accommodation not included), or join online."
            ),
        }
    ],
    "mental-health-and-wellbeing": [
        {
            "title": "Children at the Table",
            "url": "https://childrenatthetable.org.uk/",
            "date": date(2023, 11, 1),
            "summary": (
                "A report from the National Children's Bureau and a coalition of children's "
                "charities asking the next government to put children's wellbeing first: a "
                "cross-government strategy, children and young people involved in decisions, "
                "and more investment in early help and prevention. It sets out the pressures "
                "children face, from rising poverty to mental health and gaps in education."
            ),
        }
    ],
}

OTHER_ACHIEVEMENTS = {
    "the-first-1001-days": [
        "Eyes on the Baby training is now available to help staff prevent sudden unexpected "
        "death in infancy (SUDI) in County Durham. It comes in three strands matched to how "
        "often you meet vulnerable families, so practitioners can give the same safer sleep "
        "advice and work together to keep eyes on the baby.",
    ],
}


def load() -> str:
    """Create or refresh the four priorities and what the December 2023 issue said of them."""
    themes = {
        name: Theme.objects.get_or_create(name=name, defaults={"order": order})[0]
        for order, name in enumerate(["Communication", "Evaluation", "Data", "Training"], 1)
    }
    priorities = {}
    for spec in PRIORITIES:
        priorities[spec["slug"]], _ = Priority.objects.update_or_create(
            number=spec["number"],
            defaults={**spec, "contact_email": CONTACT, "order": spec["number"], "active": True},
        )

    domestic_abuse = priorities["domestic-abuse"]
    cycle, _ = LearningCycle.objects.update_or_create(
        priority=domestic_abuse,
        title=CAPVA,
        defaults={"purpose": CAPVA_PURPOSE, "start_date": date(2023, 4, 1), "end_date": None},
    )
    phases = {}
    for number, (title, description, status) in enumerate(PHASES, start=1):
        phases[number], _ = Phase.objects.update_or_create(
            cycle=cycle,
            number=number,
            defaults={"title": title, "description": description, "status": status},
        )
    for order, text in enumerate(ACHIEVEMENTS, start=1):
        Achievement.objects.update_or_create(
            priority=domestic_abuse, order=order, defaults={"text": text}
        )
    for order, (phase, text, response) in enumerate(LEARNING, start=1):
        LearningPoint.objects.update_or_create(
            priority=domestic_abuse,
            order=order,
            defaults={"phase": phases[phase], "text": text, "response": response},
        )
    for theme, description, owner, start, due, status in NEXT_STEPS:
        Action.objects.update_or_create(
            priority=domestic_abuse,
            description=description,
            defaults={
                "theme": themes[theme],
                "owner": owner,
                "start_date": start,
                "due_date": due,
                "status": status,
            },
        )
    for slug, texts in OTHER_ACHIEVEMENTS.items():
        for order, text in enumerate(texts, start=1):
            Achievement.objects.update_or_create(
                priority=priorities[slug], order=order, defaults={"text": text}
            )
    for slug, documents in DOCUMENTS.items():
        for order, document in enumerate(documents, start=1):
            Document.objects.update_or_create(
                priority=priorities[slug],
                title=document["title"],
                defaults={**document, "order": order},
            )
    return (
        f"{len(priorities)} priorities; the {CAPVA} learning cycle with {len(PHASES)} phases "
        f"and {len(NEXT_STEPS)} next steps"
    )
