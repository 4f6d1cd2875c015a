"""The December 2023 issue, re-created from the seed's facts with body text in our own words.

Links to priorities, courses and events are looked up by slug and left out
when the other app has not created them, so this runs in any order of work.
"""

import datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from newsletter.models import Article, GuidanceLink, Issue, Resource, Section
from training.demo import EYES_ON_THE_BABY_STRANDS

SECTIONS = [
    ("latest-news", "Latest News from the DSCP"),
    ("priorities", "Priorities"),
    ("whats-new", "What's New"),
    ("events", "Events"),
    ("training", "Training"),
    ("local-resources", "Local Resources"),
    ("spotlight", "Spotlight On"),
    ("national-guidance", "National Guidance and Useful Resources"),
    ("contact-us", "Contact Us"),
    ("subscriptions", "Subscriptions"),
]

WELCOME = """
<p>Welcome to the December 2023 edition of the DSCP Newsletter. We hope you find it useful.
If you have comments, or ideas for future issues, email us at
<a href="mailto:DSCPsecure@durham.gov.uk">DSCPsecure@durham.gov.uk</a>.</p>
<p>You can also follow the partnership on Twitter:
<a href="https://twitter.com/DurhamSCP">@DurhamSCP</a>.</p>
"""

# A placeholder link in the seed ("#") stays blank here: it shows as "link to
# follow" and is listed for staff on the issue's admin page, rather than being
# replaced by a guessed search page.
LINK_TO_FOLLOW = ""


def _strand(number: int, who: str) -> str:
    roles = "".join(f"<li>{escape(role)}</li>" for role in EYES_ON_THE_BABY_STRANDS[number - 1][2])
    return f"<h4>Strand {number}</h4><p>{who} Examples of practitioners:</p><ul>{roles}</ul>"


ARTICLES = [
    {
        "section": "latest-news",
        "slug": "safeguarding-week-2023",
        "title": "Safeguarding Week 2023",
        "summary": "Our joint Safeguarding Week with the Durham Safeguarding Adults Partnership, and what people told us about it.",
        # The evaluation's figures come live from the portal, not typed here.
        "figure": "safeguarding-week-2023-evaluation",
        "body": """
<p>In the week beginning 20 November we ran a joint Safeguarding Week with the Durham
Safeguarding Adults Partnership. Thank you to every partner who came along: we hope the
sessions were useful in your day-to-day practice and gave you something to think about.
Thank you too to the facilitators, who brought so much knowledge and experience to their sessions.</p>
""",
    },
    {
        "section": "priorities",
        "slug": "priority-one-domestic-abuse",
        "title": "Priority One: Domestic Abuse",
        "priority": "domestic-abuse",
        "summary": "The first learning cycle of our 2023–2026 priorities looked at child and adolescent to parent violence and abuse (CAPVA).",
        "body": """
<p>The partnership has finished the first learning cycle for its 2023–2026 priorities. The
Improvement Delivery Group (IDG), where practitioners from different agencies look together at
safeguarding practice – what works well, where there are challenges and how we can learn –
led the cycle.</p>
<p>The first piece of work under this priority looked at
<a href="{capva_url}">Child and Adolescent to Parent Violence and Abuse (CAPVA)</a>. A practitioner
briefing is being written and will be on the website in December 2023. We have also looked back at
how the first cycle went, to find ways to develop it and learn from it.</p>
<h4>Key achievements</h4>
<ul>
<li>IDG members were committed: they came to meetings and completed the work.</li>
<li>Partners talked openly across agencies, which helped key practitioners understand each other's approaches and priorities.</li>
<li>Online surveys reached practitioners and had a good response.</li>
</ul>
<h4>What we learned</h4>
<ul>
<li>Phase 1: the question from the Performance and Learning Group (PLG) was broad and gave the group little direction. <em>We used this feedback to give the IDG work for Priority Two a clearer question.</em></li>
<li>Phase 2: few children and families took part, even with financial incentives. <em>We have considered the outside factors that may explain this and will use them in planning engagement for Priority Two.</em></li>
<li>Phase 3: some partners were reluctant to share information about children and families within the group, and questioned whether it was proportionate.</li>
<li><em>IDG work sits within Working Together 2018; the DSCP Business Unit will also consider this when updating the information sharing document, so it is clear what can be shared for improvement work.</em></li>
</ul>
<h4>Next steps</h4>
<p>The work now moves to phase 6. The Performance and Learning Group has agreed an action plan, and over the next 6 to 12 months work will be done on:</p>
<ul>
<li><strong>Communication:</strong> targeted messages from the DSCP to tell the partnership about CAPVA and RYPP.</li>
<li><strong>Evaluation:</strong> impact and outcome tools, developed by the partnership, to measure what the programme achieves.</li>
<li><strong>Data:</strong> changes to recording systems so partners can see demand and record outcomes for children referred for CAPVA.</li>
<li><strong>Training:</strong> a look at the RYPP training programme and who delivers it to children; CAPVA Ambassadors will keep rolling out RYPP training, probably from 2024.</li>
</ul>
<p>The DSCP business team will also write a short briefing for the partnership on the work done and the learning from this first priority.</p>
<p>To find out more about the Improvement Delivery Group or the priority work, contact Laura Bywater
or Vicki Vickerson at <a href="mailto:DSCPSecure@durham.gov.uk">DSCPSecure@durham.gov.uk</a>.</p>
""",
    },
    {
        "section": "priorities",
        "slug": "priority-two-harm-outside-the-home",
        "title": "Priority Two: Harm Outside the Home",
        "priority": "harm-outside-the-home",
        "event": "national-vulnerability-and-exploitation-conference-2024",
        "summary": "The National Vulnerability and Exploitation Conference on 7 and 8 March 2024, in person or online.",
        "body": """
<h4>National Vulnerability and Exploitation Conference, 7 to 8 March 2024</h4>
<p>The Vulnerability, Knowledge and Practice Programme (VKPP) invites colleagues to its National
Vulnerability and Exploitation Conference. You can attend in person at the College of Policing in
Ryton, free of charge (accommodation is not included), or join online.</p>
<p>The Hydrant Programme, the Tackling Organised Exploitation (TOEX) Programme and VKPP are hosting
the event. It is about protecting children and adults from vulnerability-related risk and harm,
looking at issues that cut across the programmes, the Child Sexual Exploitation Taskforce and the
wider vulnerability and exploitation landscape.</p>
<p>The conference is for policing and for partners beyond policing.</p>
<p>For more details and to register, go to
<a href="{conference_url}">Vulnerability and Exploitation Conference 2024</a>.</p>
""",
    },
    {
        "section": "priorities",
        "slug": "priority-three-1001-days",
        "title": "Priority Three: 1001 Days",
        "priority": "the-first-1001-days",
        "course": "eyes-on-the-baby",
        "summary": "Eyes on the Baby training helps staff prevent sudden unexpected death in infancy (SUDI) in County Durham.",
        "body": """
<p><strong>Eyes on the Baby</strong> training helps staff across County Durham prevent SUDI (sudden
unexpected death in infancy). Most unexpected deaths of babies under 1 year happen in families
living in poverty with several risks or vulnerabilities, so reaching the families most at risk of
infant death takes a multi-agency approach. Training the multi-agency workforce in County Durham
helps staff give safer sleep advice, work together across services and keep Eyes on the Baby to
reduce SUDI.</p>
<p>The training comes in 3 strands. <strong>Please make sure you complete the correct strand for
your job role.</strong> Me Learning <strong>should</strong> already show you the right one, based
on the sector and service you chose when you registered:
<a href="{eyes_on_the_baby_url}">start Eyes on the Baby</a>.</p>
"""
        + _strand(
            1,
            "For staff who meet vulnerable families <strong>occasionally</strong> in their everyday "
            "work, for example working inside people's homes or responding to a crisis.",
        )
        + _strand(
            2,
            "For staff who give <strong>direct</strong> support to vulnerable families, for example "
            "<strong>frequent</strong> contact with families or help with infant care or family issues.",
        )
        + _strand(
            3,
            "For health practitioners involved in the <strong>routine or emergency care</strong> of "
            "vulnerable families, for example pre- and postnatal support or universal safer sleep advice.",
        ),
    },
    {
        "section": "priorities",
        "slug": "priority-four-mental-health-and-wellbeing",
        "title": "Priority Four: Mental Health and Wellbeing",
        "priority": "mental-health-and-wellbeing",
        "summary": "Children at the Table: the NCB and other children's charities ask the next government to put children first.",
        "body": """
<h4>Children at the Table</h4>
<p>In its landmark report <em>Children at the Table</em>, the National Children's Bureau (NCB),
with a coalition of children's charities, calls on the next government to put the wellbeing of
children and young people at the heart of its decisions.</p>
<p>The report sets out the pressures on children today – rising poverty, mental health concerns and
gaps in education – and argues for a committed, cross-government strategy. It asks government to
involve children and young people in decisions, and to invest more in early intervention and
prevention programmes.</p>
""",
        "resources": [
            {
                "title": "Children at the Table",
                "kind": Resource.Kind.REPORT,
                "summary": "Read the report (National Children's Bureau).",
                "url": LINK_TO_FOLLOW,
            }
        ],
    },
    {
        "section": "whats-new",
        "slug": "new-chair-of-the-executive-group",
        "title": "New Chair of the Executive Group",
        "summary": "David Ashton of Durham Constabulary chairs the Executive Group for the next six months.",
        "body": """
<p>In the November 2023 newsletter we said goodbye and good luck to David Pickard, our Independent
Chair and Scrutineer. David Ashton of Durham Constabulary has now taken on the role of partnership
Chair of the Executive Group for the next six months.</p>
<h4>What the partnership Chair does</h4>
<p>The Chair oversees how the partner organisations work together. They engage with partnership
colleagues and other stakeholders so that joint working, shared decisions and good governance
bring the most benefit. The Chair also helps shape how the partnership develops, making sure links
with other partnerships work well and support the DSCP's vision and values.</p>
""",
    },
    {
        "section": "whats-new",
        "slug": "new-independent-scrutineer",
        "title": "New Independent Scrutineer",
        "summary": "We are appointing an Independent Scrutineer and hope to announce who in the February 2024 newsletter.",
        "body": """
<p>We will appoint our new Independent Scrutineer over the next two months, and we hope to share
the news of the appointment in the February 2024 newsletter.</p>
<h4>What is an Independent Scrutineer?</h4>
<p>Working Together 2018 says independent scrutiny should give assurance about how well local
multi-agency arrangements safeguard and promote the welfare of all children, including how serious
child safeguarding cases are identified and reviewed. The scrutineer looks at how well the
safeguarding partners lead, and agrees how this is reported. Each area decides how to put the role
in place, but the scrutiny must be objective, act as a critical friend and encourage reflection
that drives continuous improvement.</p>
<h4>Working Together 2023</h4>
<p>The draft of Working Together 2023 proposes changes to the independent scrutiny and independent
chair roles. While the consultation continues the final arrangements are not known, but the draft
suggests the two roles should be separate – which is why the DSCP is appointing a separate
scrutineer now. The final guidance is expected in December 2023 with clear recommendations for
strengthening partnership arrangements.</p>
""",
    },
    {
        "section": "events",
        "slug": "durham-dads-and-male-carers-conference",
        "title": "Durham Dads and Male Carers Conference",
        "event": "durham-dads-and-male-carers-conference-2023",
        "summary": "On 17 November 2023 the DSCP supported the Durham Dads and Male Carers Conference.",
        "body": """
<p>On 17 November 2023 the DSCP was pleased to support the Durham Dads and Male Carers Conference
2023. It was a great chance to talk about Durham's journey to include dads and male carers, and to
make sure their voices are heard.</p>
""",
    },
    {
        "section": "training",
        "slug": "safer-recruitment-dbs-eligibility-workshop",
        "title": "Safer Recruitment – DBS Eligibility Workshop",
        "course": "safer-recruitment-dbs-eligibility-workshop",
        "summary": "Two dates: Tuesday 6 February and Tuesday 12 March 2024. Places are limited.",
        "body": """
<p>We are pleased to add the Safer Recruitment – DBS Eligibility Workshop to our training
programme. It runs on two dates, <strong>Tuesday 6 February 2024</strong> and
<strong>Tuesday 12 March 2024</strong>, and is delivered by the Disclosure and Barring Service's
North East Regional Adviser.</p>
<p>Places are limited, so don't delay:
<a href="{safer_recruitment_url}">book a place on the Safer Recruitment – DBS Eligibility Workshop</a>.
We hope to offer the workshop again in the new training programme from April 2024.</p>
<p>Please share this across your organisation and contacts. For more information, email
<a href="mailto:dscptraining@durham.gov.uk">dscptraining@durham.gov.uk</a>.</p>
""",
    },
    {
        "section": "local-resources",
        "slug": "unseen-males",
        "title": "Unseen Males",
        "summary": "A seven-point learning briefing from our audits: clarify, reflect and verify self-reported information.",
        "body": """
<p>Unseen males have been a golden thread through the partnership's work over the last year, and
we have completed several pieces of work on it.</p>
<p>From our audit activity we have now written a 7-point learning briefing called Clarify, Reflect
and Verify:
<a href="https://durham-scp.org.uk/download/unseen-males-learning-from-audits/">https://durham-scp.org.uk/download/unseen-males-learning-from-audits/</a></p>
<h2>Unseen Males: Learning from Audits</h2>
<p><strong>Self-reported information – Clarify, Verify and Reflect: professional curiosity</strong></p>
<h3>1. Background</h3>
<p>National and local case reviews tell us that children might sometimes have been safeguarded and
protected from harm if the practitioners working with the family had been able to
<strong>clarify, reflect and verify</strong> what they were told during assessments. In a recent
multi-agency audit the DSCP noted that if practitioners had asked questions to
<strong>clarify</strong> what was presented to them, they might have been able to
<strong>reflect</strong> it back and <strong>verify</strong> what life was really like for the child
in those circumstances. Taking these three steps gives a better assessment of risk and need, so the
right support and intervention can be offered.</p>
<h4>Why does this matter?</h4>
<p>When we work with families, much of what we know about them comes from the family directly: it
is "self-reported". Professionals need to triangulate what parents say by establishing the facts,
gathering evidence and communicating well with everyone involved. Every professional needs a
conscious, healthy curiosity: don't take information at face value, but <strong>clarify</strong>
it, <strong>reflect</strong> back what you are told and <strong>verify</strong> it. Record clearly
where each piece of information came from and whether it was self-reported, so that it does not
become assumed fact as time passes. Wherever you can, check self-reported details by asking who,
where and when, and confirm the information.</p>
<h3>2. Clarify</h3>
<ul>
<li>Who is giving the information, and is it first-hand?</li>
<li>Have I understood it correctly? Can I understand it further, and who can I discuss it with?</li>
<li>What is the context? How can I find out more: where, when, who, why, what and how?</li>
</ul>
<p><strong>Top tip:</strong> arrange multi-agency supervision to discuss the concerns or factors you
have identified. Prepare for difficult conversations, and be ready to respond with respect and
empathy.</p>
<h3>3. Reflect</h3>
<ul>
<li>How does this new information change my understanding of strengths, vulnerabilities and risks?</li>
<li>What does it mean for the child?</li>
<li>Do I need to change how I work with the family because of it?</li>
</ul>
<p><strong>Top tip:</strong> make time and space in your working day to pause and reflect on what
you have seen and heard. What do you know for sure? What have you assumed?</p>
<h3>4. Verify</h3>
<ul>
<li>Who can confirm the information is accurate?</li>
<li>Have I asked for consent to share information with others, or to gather more in order to confirm it?</li>
<li>Triangulate the information you have been given.</li>
<li>Establish the facts.</li>
<li>Gather more information.</li>
</ul>
<p><strong>Top tip:</strong> talk through anything that is not clear with colleagues, with partner
organisations and in your supervision.</p>
<h3>5. Learning</h3>
<ul>
<li>Self-reported information can come to be treated as fact; passed on over time, it can lead to the wrong assessment.</li>
<li>Professionals should keep a conscious and healthy scepticism about information they are given.</li>
<li>This helps avoid over-optimism and assumptions based on self-reported information.</li>
<li>Professionals should record clearly in children's files and records where information came from.</li>
<li>Reflect on self-reported information and what it means for safeguarding and promoting the welfare of children.</li>
<li>Consider whether the plan, or the way you work with the family, needs to change in the light of the information.</li>
<li>Find out more so you better understand what you are being told.</li>
</ul>
<h3>6. Complicating factors</h3>
<ul>
<li>Your own experiences and values can get in the way: for example a fear of saying the wrong thing, or not knowing much about a subject, can lead you to avoid uncovering information you don't feel able to deal with.</li>
<li>You may be so used to seeing certain behaviours or situations that you no longer notice them, or accept them as part of the family's dynamic.</li>
<li>Outside factors, such as too little support for practitioners or managers and not enough time and space to reflect, can be a barrier.</li>
</ul>
<p><strong>Top tip:</strong> notice any feeling of unease or uncertainty when you discuss
information, and act on what you find out.</p>
<h3>7. Useful links</h3>
<p>Details of resources and training are on the DSCP website.</p>
""",
        "resources": [
            {
                "title": "Graded Care Profile 2",
                "kind": Resource.Kind.TOOL,
                "summary": "Practice guidance on the DSCP website.",
                "url": "https://durham-scp.org.uk/professionals/practice-guidance/",
            },
            {
                "title": "Child Exploitation Risk Assessment Tool",
                "kind": Resource.Kind.TOOL,
                "summary": "The child exploitation risk assessment information form.",
                "url": "https://durham-scp.org.uk/download/child-exploitation-risk-assessment-information-form/",
            },
            {
                "title": "Recognising and responding to child abuse and neglect: NSPCC Learning",
                "kind": Resource.Kind.PRACTICE_GUIDANCE,
                "summary": "NSPCC, May 2023.",
                "url": LINK_TO_FOLLOW,
            },
            {
                "title": "Signs of Safety for Professionals (durham-scp.org.uk)",
                "kind": Resource.Kind.TOOL,
                "summary": "The Signs of Safety mapping tool.",
                "url": LINK_TO_FOLLOW,
            },
            {
                "title": "Seeing the Child (durham-scp.org.uk)",
                "kind": Resource.Kind.PRACTICE_GUIDANCE,
                "summary": "The developing world of the child.",
                "url": LINK_TO_FOLLOW,
            },
        ],
    },
    {
        "section": "spotlight",
        "slug": "christmas",
        "title": "Christmas",
        "summary": "A Christmas thank you from the DSCP Business Team.",
        "body": """
<p>To everyone in the Durham Safeguarding Children Partnership,</p>
<p>Looking back on the year, we could not have achieved what we have without your help, support,
enthusiasm and energy. Thank you for your commitment through the changes to our structure,
processes and practice.</p>
<p>The business unit is looking forward to 2024, with plans in place to keep strengthening how we
safeguard children in County Durham.</p>
<p>We hope you all have a restful break with family and friends.</p>
<p>Many thanks,<br>The DSCP Business Team</p>
""",
    },
    {
        "section": "national-guidance",
        "slug": "national-guidance",
        "title": "National Guidance and Useful Resources",
        "summary": "New national guidance, research and resources from October and November 2023.",
        "body": "",
        "guidance": [
            (
                "Tell Ofsted about a serious incident in a children's home or secure children's home",
                "OFSTED",
                (2023, 10),
            ),
            ("Missing children, missing grades", "Children's Commissioner", (2023, 11)),
            (
                "The multi-agency response to children and families who need help",
                "OFSTED",
                (2023, 11),
            ),
            (
                "Homeless 16- and 17-year olds in need of care",
                "Children's Commissioner",
                (2023, 11),
            ),
            (
                "Key messages from research on harmful sexual behaviour in online contexts",
                "CSA Centre",
                (2023, 10),
            ),
            (
                "Private fostering: 'the potentially vulnerable children going under the radar of services'",
                "Community Care",
                (2023, 11),
            ),
            (
                "Supporting new parents through adversity – part one",
                "NSPCC Learning (YouTube video)",
                (2023, 11),
            ),
            (
                "Supporting new parents through adversity - part two",
                "NSPCC Learning (YouTube video)",
                (2023, 11),
            ),
            (
                "The Online Safety Act: what it means for children and professionals",
                "NSPCC Learning",
                (2023, 11),
            ),
            ("Children, violence and vulnerability 2023", "Youth Endowment Fund", (2023, 11)),
        ],
    },
    {
        "section": "contact-us",
        "slug": "contact-us",
        "title": "Contact Us",
        "summary": "How to get in touch with the DSCP business unit.",
    },
    {
        "section": "subscriptions",
        "slug": "subscriptions",
        "title": "Subscriptions",
        "summary": "How to subscribe to the newsletter, or unsubscribe.",
    },
]


def _contact_body() -> str:
    p = settings.PARTNERSHIP
    return (
        f"<p>{'<br>'.join(p['address'])}</p>"
        f"<p>Telephone: {p['telephone']}<br>"
        f'Email: <a href="mailto:{p["email"]}">{p["email"]}</a><br>'
        f'Website: <a href="{p["website"]}">{p["website"].removeprefix("https://")}</a><br>'
        f'Twitter: <a href="https://twitter.com/{p["twitter"]}">@{p["twitter"]}</a></p>'
    )


def _subscriptions_body() -> str:
    email = settings.PARTNERSHIP["email"]
    try:
        how = f'fill in our <a href="{reverse("subscriptions:subscribe")}">subscription form</a>'
    except NoReverseMatch:
        how = f'email <a href="mailto:{email}?subject=Subscribe">{email}</a>'
    return (
        f"<p>To subscribe to the newsletter, {how}.</p>"
        "<p>Every newsletter email has a link to unsubscribe or change your preferences. "
        f'You can also email <a href="mailto:{email}">{email}</a> to unsubscribe.</p>'
    )


def _internal_links() -> dict[str, str]:
    """Where the seed's links to our own pages go: the learning cycle, the event, the courses."""
    return {
        "{capva_url}": reverse("priorities:priority_detail", kwargs={"slug": "domestic-abuse"})
        + "#learning-cycle",
        "{conference_url}": reverse(
            "training:event_detail",
            kwargs={"slug": "national-vulnerability-and-exploitation-conference-2024"},
        ),
        "{eyes_on_the_baby_url}": reverse(
            "training:course_detail", kwargs={"slug": "eyes-on-the-baby"}
        ),
        "{safer_recruitment_url}": reverse(
            "training:course_detail", kwargs={"slug": "safer-recruitment-dbs-eligibility-workshop"}
        ),
    }


def _body(spec: dict, links: dict[str, str]) -> str:
    body = spec.get("body", "")
    for placeholder, url in links.items():
        body = body.replace(placeholder, url)
    return body


def _by_slug(label: str, slug: str | None):
    if not slug:
        return None
    return apps.get_model(label).objects.filter(slug=slug).first()


def load() -> str:
    """Create or refresh the December 2023 issue; safe to run again."""
    sections = {}
    for order, (slug, title) in enumerate(SECTIONS, start=1):
        # get_or_create: a re-run must not undo the order staff have chosen.
        sections[slug], _ = Section.objects.get_or_create(
            slug=slug, defaults={"title": title, "order": order * 10}
        )
    issue, _ = Issue.objects.update_or_create(
        slug="december-2023",
        defaults={
            "title": "December 2023",
            "issue_date": datetime.date(2023, 12, 1),
            "introduction": WELCOME,
            "status": Issue.Status.PUBLISHED,
            "published_at": datetime.datetime(2023, 12, 8, 9, 0, tzinfo=ZoneInfo("Europe/London")),
        },
    )
    bodies = {"contact-us": _contact_body(), "subscriptions": _subscriptions_body()}
    internal = _internal_links()
    links = 0
    for order, spec in enumerate(ARTICLES, start=1):
        related = {
            "priority": _by_slug("priorities.Priority", spec.get("priority")),
            "course": _by_slug("training.Course", spec.get("course")),
            "event": _by_slug("training.ExternalEvent", spec.get("event")),
        }
        links += sum(1 for obj in related.values() if obj)
        article, _ = Article.objects.update_or_create(
            issue=issue,
            slug=spec["slug"],
            defaults={
                "section": sections[spec["section"]],
                "title": spec["title"],
                "summary": spec["summary"],
                "body": bodies.get(spec["slug"]) or _body(spec, internal),
                "order": order * 10,
                "link_url": spec.get("link_url", ""),
                "link_text": spec.get("link_text", ""),
                "figure": _by_slug("evaluations.Figure", spec.get("figure")),
                **related,
            },
        )
        for n, (title, publisher, (year, month)) in enumerate(spec.get("guidance", []), 1):
            GuidanceLink.objects.update_or_create(
                article=article,
                title=title,
                defaults={
                    "publisher": publisher,
                    "published_on": datetime.date(year, month, 1),
                    "order": n * 10,
                },
                # A re-run keeps an address staff have filled in since.
                create_defaults={
                    "publisher": publisher,
                    "published_on": datetime.date(year, month, 1),
                    "order": n * 10,
                    "url": LINK_TO_FOLLOW,
                },
            )
        resources = spec.get("resources", [])
        article.resources.exclude(title__in=[r["title"] for r in resources]).delete()
        for n, resource in enumerate(resources, 1):
            fields = {**resource, "order": n * 10}
            Resource.objects.update_or_create(
                article=article,
                title=resource["title"],
                defaults={k: v for k, v in fields.items() if k != "url" or v},
                create_defaults=fields,
            )
    return (
        f"issue {issue.title} with {len(ARTICLES)} articles in {len(SECTIONS)} sections, "
        f"{links} links to priorities, courses and events"
    )
