"""The December 2023 issue, re-created from the seed's facts with body text in our own words.

Links to priorities, courses and events are looked up by slug and left out
when the other app has not created them, so this runs in any order of work.
"""

import datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from newsletter.models import Article, GuidanceLink, Issue, Resource, Section

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
<p>The first piece of work under this priority looked at child and adolescent to parent violence
and abuse (CAPVA). A practitioner briefing is being written and will be on the website in
December 2023. We have also looked back at how the first cycle went, to improve the next one.</p>
<h4>Key achievements</h4>
<ul>
<li>IDG members were committed: they came to meetings and completed the work.</li>
<li>Partners talked openly across agencies, which helped everyone understand each other's approaches and priorities.</li>
<li>Online surveys reached practitioners and had a good response.</li>
</ul>
<h4>What we learned</h4>
<ul>
<li>Phase 1: the question from the Performance and Learning Group (PLG) was broad and gave the group little direction. The IDG work for Priority Two now has a clearer question.</li>
<li>Phase 2: few children and families took part, even with financial incentives. We have considered the outside factors that may explain this and will use them in planning engagement for Priority Two.</li>
<li>Phase 3: some partners were reluctant to share information about children and families within the group and questioned whether it was proportionate. The business unit will consider this when updating the information sharing document, so it is clear what can be shared for improvement work.</li>
</ul>
<h4>Next steps</h4>
<p>The work now moves to phase 6. The Performance and Learning Group has agreed an action plan for the next 6 to 12 months:</p>
<ul>
<li><strong>Communication:</strong> targeted messages to the partnership about CAPVA and RYPP.</li>
<li><strong>Evaluation:</strong> impact and outcome tools to measure what the programme achieves.</li>
<li><strong>Data:</strong> changes to recording systems so partners can see demand and record outcomes for children referred for CAPVA.</li>
<li><strong>Training:</strong> a look at the RYPP training programme and who delivers it to children; CAPVA Ambassadors will keep rolling out RYPP training, probably from 2024.</li>
</ul>
<p>The business team will also write a short briefing on the work and the learning from this first priority.</p>
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
<p><strong>Eyes on the Baby</strong> training helps staff across County Durham prevent sudden
unexpected death in infancy (SUDI). Most unexpected deaths of babies under one happen in families
living in poverty with several risks or vulnerabilities, so reaching the families most at risk
takes every agency. Training the whole workforce helps staff give safer sleep advice, work together
across services and keep eyes on the baby.</p>
<p>The training comes in three strands. Please take the strand for your job role: Me Learning
should already show the right one, based on the sector and service you chose when you registered.</p>
<h4>Strand 1: occasional contact</h4>
<p>For staff who meet vulnerable families now and then in their everyday work, for example in
people's homes or in a crisis: maintenance workers, housing officers, fire service home checks,
probation and youth offending officers, refugee services, food, milk and baby bank staff, police
officers and PCSOs, paramedics, domestic violence teams, urgent treatment centre, shelter and
temporary housing staff.</p>
<h4>Strand 2: direct support</h4>
<p>For staff in frequent contact with families or helping with infant care or family issues:
children's services, early help and One Point key workers, family workers, social workers, foster
and connected carers, Families First, mental health and drug and alcohol support staff,
breastfeeding support, Gypsy and Roma support, early years and nursery staff, childminders,
fatherhood champions and pharmacy staff.</p>
<h4>Strand 3: routine or emergency health care</h4>
<p>For health practitioners giving routine or emergency care, such as antenatal and postnatal
support or universal safer sleep advice: health visitors and home visitors, midwives and maternity
care assistants, community midwives, infant feeding leads, GPs and practice nurses, neonatal
staff, the Family Nurse Partnership, smoking cessation services, perinatal mental health,
paediatricians, and paediatric occupational therapists and physiotherapists.</p>
""",
    },
    {
        "section": "priorities",
        "slug": "priority-four-mental-health-and-wellbeing",
        "title": "Priority Four: Mental Health and Wellbeing",
        "priority": "mental-health-and-wellbeing",
        "summary": "Children at the Table: the NCB and other children's charities ask the next government to put children first.",
        "link_url": "https://www.ncb.org.uk/",
        "link_text": "Find the Children at the Table report on the NCB website",
        "body": """
<h4>Children at the Table</h4>
<p>In its landmark report <em>Children at the Table</em>, the National Children's Bureau (NCB),
with a coalition of children's charities, calls on the next government to put the wellbeing of
children and young people at the heart of its decisions.</p>
<p>The report sets out the pressures on children today – rising poverty, mental health concerns and
gaps in education – and argues for a committed, cross-government strategy. It asks government to
involve children and young people in decisions, and to invest more in early intervention and
prevention.</p>
""",
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
<p>Places are limited, so book soon. We hope to offer the workshop again in the new training
programme from April 2024.</p>
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
<p>Unseen males have been a golden thread through the partnership's work over the last year. From
our audit activity we have now written a seven-point learning briefing on professional curiosity
about self-reported information: <strong>Clarify, Reflect and Verify</strong>.</p>
<p>National and local case reviews show that children might sometimes have been protected from
harm if practitioners had clarified, reflected on and verified what families told them during
assessments. Much of what we know about a family comes from the family itself, so practitioners
need a healthy curiosity: check the facts, gather evidence, record where information came from, and
don't let something self-reported turn into assumed fact over time.</p>
<h4>Clarify</h4>
<ul>
<li>Who is telling me this, and is it first-hand?</li>
<li>Have I understood it correctly? Who can I talk it through with?</li>
<li>What is the context? Where, when, who, why, what and how?</li>
</ul>
<p>Tip: arrange multi-agency supervision to discuss concerns, and prepare for difficult conversations with respect and empathy.</p>
<h4>Reflect</h4>
<ul>
<li>How does this change my understanding of strengths, vulnerabilities and risks?</li>
<li>What does it mean for the child?</li>
<li>Do I need to change how I work with the family?</li>
</ul>
<p>Tip: make time in your day to pause. What do you know for sure, and what have you assumed?</p>
<h4>Verify</h4>
<ul>
<li>Who can confirm the information is accurate?</li>
<li>Do I have consent to share or gather more information to confirm it?</li>
<li>Triangulate what you have been told, establish the facts and gather more information.</li>
</ul>
<p>Tip: talk through anything unclear with colleagues, partner agencies and in supervision.</p>
""",
        "resources": [
            {
                "title": "Unseen Males: Learning from Audits",
                "kind": Resource.Kind.LEARNING_BRIEFING,
                "summary": "Self-reported information – Clarify, Reflect and Verify: professional curiosity.",
                "url": "https://durham-scp.org.uk/download/unseen-males-learning-from-audits/",
            }
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
                "https://www.gov.uk/guidance/tell-ofsted-about-a-serious-incident-in-a-childrens-home-or-secure-childrens-home",
            ),
            (
                "Missing children, missing grades",
                "Children's Commissioner",
                (2023, 11),
                "https://www.childrenscommissioner.gov.uk/?s=Missing+children%2C+missing+grades",
            ),
            (
                "The multi-agency response to children and families who need help",
                "OFSTED",
                (2023, 11),
                "https://www.gov.uk/search/all?keywords=The+multi-agency+response+to+children+and+families+who+need+help",
            ),
            (
                "Homeless 16- and 17-year olds in need of care",
                "Children's Commissioner",
                (2023, 11),
                "https://www.childrenscommissioner.gov.uk/?s=Homeless+16-+and+17-year+olds",
            ),
            (
                "Key messages from research on harmful sexual behaviour in online contexts",
                "CSA Centre",
                (2023, 10),
                "https://www.csacentre.org.uk/?s=harmful+sexual+behaviour+in+online+contexts",
            ),
            (
                "Private fostering: 'the potentially vulnerable children going under the radar of services'",
                "Community Care",
                (2023, 11),
                "https://www.communitycare.co.uk/?s=private+fostering",
            ),
            (
                "Supporting new parents through adversity – part one",
                "NSPCC Learning (YouTube video)",
                (2023, 11),
                "https://www.youtube.com/results?search_query=NSPCC+Learning+supporting+new+parents+through+adversity+part+one",
            ),
            (
                "Supporting new parents through adversity - part two",
                "NSPCC Learning (YouTube video)",
                (2023, 11),
                "https://www.youtube.com/results?search_query=NSPCC+Learning+supporting+new+parents+through+adversity+part+two",
            ),
            (
                "The Online Safety Act: what it means for children and professionals",
                "NSPCC Learning",
                (2023, 11),
                "https://learning.nspcc.org.uk/search?query=Online+Safety+Act",
            ),
            (
                "Children, violence and vulnerability 2023",
                "Youth Endowment Fund",
                (2023, 11),
                "https://youthendowment.org.uk/reports/children-violence-and-vulnerability-2023/",
            ),
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
        how = f'<a href="{reverse("subscriptions:subscribe")}">subscribe online</a>'
    except NoReverseMatch:
        how = f'email <a href="mailto:{email}?subject=Subscribe">{email}</a>'
    return (
        f"<p>To get the newsletter by email, {how}.</p>"
        "<p>Every newsletter email has a link to unsubscribe or change your preferences. "
        f'You can also email <a href="mailto:{email}">{email}</a> to unsubscribe.</p>'
    )


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
                "body": bodies.get(spec["slug"], spec.get("body", "")),
                "order": order * 10,
                "link_url": spec.get("link_url", ""),
                "link_text": spec.get("link_text", ""),
                "figure": _by_slug("evaluations.Figure", spec.get("figure")),
                **related,
            },
        )
        for n, (title, publisher, (year, month), url) in enumerate(spec.get("guidance", []), 1):
            GuidanceLink.objects.update_or_create(
                article=article,
                title=title,
                defaults={
                    "publisher": publisher,
                    "published_on": datetime.date(year, month, 1),
                    "url": url,
                    "order": n * 10,
                },
            )
        for n, resource in enumerate(spec.get("resources", []), 1):
            Resource.objects.update_or_create(
                article=article,
                title=resource["title"],
                defaults={**resource, "order": n * 10},
            )
    return (
        f"issue {issue.title} with {len(ARTICLES)} articles in {len(SECTIONS)} sections, "
        f"{links} links to priorities, courses and events"
    )
