"""The demo's December 2023 issue held against the seed it re-creates.

The demo is written in our own words, so this does not compare sentences; it
reads the seed's structure (its sections, named links, strand role lists and
numbered points) and checks each one has its counterpart on the issue's page and
in the plain-text email. A link the seed names that is not mapped below fails
the test, so nothing the seed linked to can be dropped unnoticed.
"""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from newsletter import demo, selectors
from newsletter.emails import issue_email_render
from newsletter.models import Issue

pytestmark = pytest.mark.django_db

# The seed as it was sent, kept byte for byte beside this test.
SEED = Path(__file__).parent / "seed" / "dscp-newsletter-december-2023.txt"

# Sections that follow the seed's "In This Issue" list without being in it.
SECTIONS_AFTER_CONTENTS = ["Contact Us", "Subscriptions"]

# Headings inside the seed's articles, as the demo words them.
HEADINGS = [
    "Key achievements",
    "What we learned",
    "Next steps",
    "National Vulnerability and Exploitation Conference, 7 to 8 March 2024",
    "Strand 1",
    "Strand 2",
    "Strand 3",
    "Children at the Table",
    "What the partnership Chair does",
    "What is an Independent Scrutineer?",
    "Working Together 2023",
    "Unseen Males: Learning from Audits",
    "Why does this matter?",
]

TITLE = "title"  # an article: listed in "In this issue" and titled on the page
TO_FOLLOW = "to follow"  # a placeholder in the seed: shown as "link to follow", listed for staff
ADDRESS = "address"  # a real address in the seed: carried over as it is


def internal(name: str, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)


# Every link the seed names, and what stands for it in the demo.
LINKS = {
    "Safeguarding Week 2023": (TITLE, "Safeguarding Week 2023"),
    "Priority One: Domestic Abuse": (TITLE, "Priority One: Domestic Abuse"),
    "Priority Two: Harm Outside The Home": (TITLE, "Priority Two: Harm Outside the Home"),
    "Priority Three: 1001 Days": (TITLE, "Priority Three: 1001 Days"),
    "Priority Four: Mental Health and Wellbeing": (
        TITLE,
        "Priority Four: Mental Health and Wellbeing",
    ),
    "New Chair of the Executive Group": (TITLE, "New Chair of the Executive Group"),
    "New Independent Scrutineer": (TITLE, "New Independent Scrutineer"),
    "Durham Dad's and Male Carers Conference": (TITLE, "Durham Dads and Male Carers Conference"),
    "Safer Recruitment—Disclosure Barring Service (DBS) Eligibility Workshop": (
        TITLE,
        "Safer Recruitment – DBS Eligibility Workshop",
    ),
    "Unseen Males": (TITLE, "Unseen Males"),
    "Christmas": (TITLE, "Christmas"),
    "Child and Adolescent to Parent Violence and Abuse (CAPVA)": (
        "priorities:priority_detail",
        {"slug": "domestic-abuse"},
        "#learning-cycle",
        "Child and Adolescent to Parent Violence and Abuse (CAPVA)",
    ),
    "Vulnerability and Exploitation Conference 2024": (
        "training:event_detail",
        {"slug": "national-vulnerability-and-exploitation-conference-2024"},
        "",
        "Vulnerability and Exploitation Conference 2024",
    ),
    "CLICK HERE": (
        "training:course_detail",
        {"slug": "eyes-on-the-baby"},
        "",
        "start Eyes on the Baby",
    ),
    "You can read the report here.": (TO_FOLLOW, "Children at the Table"),
    "HERE": (
        "training:course_detail",
        {"slug": "safer-recruitment-dbs-eligibility-workshop"},
        "",
        "book a place on the Safer Recruitment – DBS Eligibility Workshop",
    ),
    "https://durham-scp.org.uk/download/unseen-males-learning-from-audits/": (
        ADDRESS,
        "https://durham-scp.org.uk/download/unseen-males-learning-from-audits/",
    ),
    "https://durham-scp.org.uk/professionals/practice-guidance/": (
        ADDRESS,
        "Graded Care Profile 2",
    ),
    "https://durham-scp.org.uk/download/child-exploitation-risk-assessment-information-form/": (
        ADDRESS,
        "Child Exploitation Risk Assessment Tool",
    ),
    "Recognising and responding to child abuse and neglect: NSPCC Learning": (
        TO_FOLLOW,
        "Recognising and responding to child abuse and neglect: NSPCC Learning",
    ),
    "Signs of Safety for Professionals (durham-scp.org.uk)": (
        TO_FOLLOW,
        "Signs of Safety for Professionals (durham-scp.org.uk)",
    ),
    "Seeing the Child (durham-scp.org.uk)": (TO_FOLLOW, "Seeing the Child (durham-scp.org.uk)"),
    "Subscription Form": ("subscriptions:subscribe", {}, "", "subscription form"),
    "https://twitter.com/DurhamSCP": (ADDRESS, "@DurhamSCP"),
}


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_links(seed: str) -> list[tuple[str, str]]:
    """(name, address) of every link in the seed; a bare address is its own name."""
    named = [
        (re.sub(r"\\(.)", r"\1", name), url)
        for name, url in re.findall(r"\[((?:[^\]\\]|\\.)+)\]\(([^)]*)\)", seed)
    ]
    bare = [(url, url) for url in re.findall(r"<(https?://[^>]+)>", seed)]
    return named + bare


def seed_guidance(seed: str) -> list[str]:
    part = seed.split("National Guidance & Resources", 1)[1].split("Contact Us", 1)[0]
    return [name for name, _ in seed_links(part)]


def seed_strands(seed: str) -> dict[int, list[str]]:
    strands = {}
    for number, block in re.findall(
        r"^STRAND (\d)\n(.*?)(?=^STRAND |^Priority Four)", seed, re.M | re.S
    ):
        strands[int(number)] = re.findall(r"^- (.+)$", block, re.M)
    return strands


def seed_numbered_points(seed: str) -> dict[str, int]:
    """The learning briefing's numbered parts and how many points each lists."""
    briefing = seed.split("Unseen Males: Learning from Audits", 1)[1].split("Spotlight On", 1)[0]
    parts = re.split(r"^(\d) ([A-Z][A-Za-z ]+)$", briefing, flags=re.M)[1:]
    return {
        f"{number}. {title}": len(re.findall(r"^- ", body, re.M))
        for number, title, body in zip(parts[::3], parts[1::3], parts[2::3], strict=True)
    }


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def rendered(client):
    demo.load()
    issue = Issue.objects.get(slug="december-2023")
    html = client.get(issue.get_absolute_url()).content.decode()
    page_text = collapse(unescape(re.sub(r"<[^>]+>", " ", html)))
    email_text = issue_email_render(issue=issue).text
    return issue, html, page_text, email_text


def test_every_link_the_seed_names_is_mapped_in_this_test():
    seed = seed_text()
    guidance = set(seed_guidance(seed))
    named = {name for name, _ in seed_links(seed)} - guidance - {"#"}
    assert named == set(LINKS)
    assert len(guidance) == 10


def seed_sections(seed: str) -> list[str]:
    in_this_issue = seed.split("In This Issue\n\n", 1)[1].split("\n\n", 1)[0]
    contents = re.findall(r"^- ◆ ([^:\n]+?)(?::|$)", in_this_issue, re.M)
    for title in SECTIONS_AFTER_CONTENTS:
        assert re.search(rf"^{title}$", seed, re.M), title
    return [title for title in contents if title != "Welcome"] + SECTIONS_AFTER_CONTENTS


def test_every_section_of_the_seed_is_a_section_of_the_demo_issue(rendered):
    _, html, _, email_text = rendered
    sections = seed_sections(seed_text())
    assert len(sections) == 10
    for title in sections:
        assert re.search(rf"<h2[^>]*>\s*{re.escape(escape_html(title))}\s*</h2>", html), title
        assert title.upper() in email_text, title


def test_every_heading_inside_the_seeds_articles_is_kept(rendered):
    _, html, _, email_text = rendered
    for heading in HEADINGS:
        assert re.search(rf"<h\d[^>]*>\s*{re.escape(escape_html(heading))}\s*</h\d>", html), heading
        assert f"\n{heading}\n" in email_text, heading


def test_every_link_the_seed_names_is_on_the_page_and_in_the_email(rendered):
    issue, html, page_text, email_text = rendered
    email_flat = collapse(email_text)
    to_follow = {title for _, title in selectors.issue_links_to_follow(issue=issue)}
    for seed_name, target in LINKS.items():
        kind, *rest = target
        if kind == TITLE:
            (title,) = rest
            assert re.search(rf">\s*{re.escape(escape_html(title))}\s*</a>", html), title
            assert title in email_text, title
        elif kind == TO_FOLLOW:
            (title,) = rest
            assert f"{title} (link to follow)" in page_text, title
            assert f"{title} (link to follow)" in email_flat, title
            assert title in to_follow, title
        elif kind == ADDRESS:
            (name,) = rest
            assert f'href="{seed_name}"' in html, seed_name
            assert name in page_text, name
            assert seed_name in email_text, seed_name
        else:
            url = internal(kind, **rest[0]) + rest[1]
            name = rest[2]
            assert re.search(
                rf'href="{re.escape(url)}"[^>]*>\s*{re.escape(escape_html(name))}\s*</a>',
                collapse(html),
            ), name
            assert f"{name} ({settings.SITE_URL}{url})" in email_flat, name


def test_every_guidance_link_keeps_its_title_and_is_left_for_staff_to_fill_in(rendered):
    issue, _, page_text, email_text = rendered
    to_follow = {title for _, title in selectors.issue_links_to_follow(issue=issue)}
    for title in seed_guidance(seed_text()):
        assert f"{title} (link to follow)" in page_text, title
        assert title in email_text, title
        assert title in to_follow, title


def test_every_strand_lists_every_role_the_seed_lists(rendered):
    _, html, _, email_text = rendered
    strands = seed_strands(seed_text())
    assert sorted(strands) == [1, 2, 3]
    assert sum(len(roles) for roles in strands.values()) == 41
    page_parts = re.split(r"<h\d[^>]*>Strand \d</h\d>", html)
    email_parts = re.split(r"\nStrand \d\n", email_text)
    for number, roles in strands.items():
        page_items = re.findall(r"<li>(.*?)</li>", page_parts[number].split("</ul>", 1)[0])
        assert [unescape(item) for item in page_items] == roles, number
        email_items = re.findall(r"^- (.+)$", email_parts[number].split("\n\n\n", 1)[0], re.M)
        assert email_items[: len(roles)] == roles, number


def test_every_numbered_part_of_the_briefing_keeps_all_its_points(rendered):
    _, html, _, email_text = rendered
    parts = seed_numbered_points(seed_text())
    assert sorted(parts) == [
        "1. Background",
        "2. Clarify",
        "3. Reflect",
        "4. Verify",
        "5. Learning",
        "6. Complicating Factors",
        "7. Useful links",
    ]
    article_html = html.split('id="unseen-males"', 1)[1].split('id="christmas"', 1)[0]
    article_text = email_text.split("\nUnseen Males\n", 1)[1].split("\nRead online:", 1)[0]
    for heading, points in parts.items():
        after = re.split(rf"<h\d[^>]*>{re.escape(heading)}</h\d>", article_html, flags=re.I)
        assert len(after) == 2, heading
        assert after[1].split("<h", 1)[0].count("<li") == points, heading
        after_text = re.split(rf"^{re.escape(heading)}$", article_text, flags=re.M | re.I)
        assert len(after_text) == 2, heading
        block = re.split(r"^\d\. ", after_text[1], flags=re.M)[0]
        assert len(re.findall(r"^- ", block, re.M)) == points, heading


def test_priority_one_keeps_its_achievements_learning_and_next_steps(rendered):
    _, html, _, email_text = rendered
    article = html.split('id="priority-one-domestic-abuse"', 1)[1].split('id="priority-two', 1)[0]
    lists = re.findall(r"<ul>(.*?)</ul>", article, re.S)
    assert [chunk.count("<li>") for chunk in lists[:3]] == [3, 4, 4]
    for theme in ("Communication:", "Evaluation:", "Data:", "Training:"):
        assert theme in email_text


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")
