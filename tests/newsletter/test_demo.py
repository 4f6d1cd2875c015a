import pytest

from newsletter import demo
from newsletter.emails import issue_email_render
from newsletter.models import Article, GuidanceLink, Issue, Section

pytestmark = pytest.mark.django_db


def test_demo_creates_the_december_2023_issue_once_however_often_it_runs():
    demo.load()
    demo.load()
    assert Issue.objects.filter(slug="december-2023").count() == 1
    issue = Issue.objects.get(slug="december-2023")
    assert issue.is_published
    assert issue.articles.count() == len(demo.ARTICLES)
    assert GuidanceLink.objects.filter(article__issue=issue).count() == 10


def test_demo_issue_has_every_section_of_the_seed():
    demo.load()
    used = set(
        Article.objects.filter(issue__slug="december-2023").values_list("section__slug", flat=True)
    )
    assert used == {slug for slug, _ in demo.SECTIONS}
    assert list(Section.objects.values_list("slug", flat=True)) == [s for s, _ in demo.SECTIONS]


def test_demo_issue_keeps_the_seeds_facts():
    from evaluations import demo as evaluations_demo

    # Safeguarding Week's figures come from its evaluation, through the article's live block.
    evaluations_demo.load()
    demo.load()
    text = issue_email_render(issue=Issue.objects.get(slug="december-2023")).text
    for fact in [
        "20 November",
        "Durham Safeguarding Adults Partnership",
        "4.65",
        "5.72",
        "8.17",
        "David Ashton",
        "Durham Constabulary",
        "David Pickard",
        "six months",
        "February 2024 newsletter",
        "Working Together 2018",
        "Working Together 2023",
        "17 November 2023",
        "Durham Dads and Male Carers Conference",
        "Tuesday 6 February 2024",
        "Tuesday 12 March 2024",
        "Clarify",
        "Reflect",
        "Verify",
        "https://durham-scp.org.uk/download/unseen-males-learning-from-audits/",
        "7 to 8 March 2024",
        "Eyes on the Baby",
        "Children at the Table",
        "Room 3/79-82",
        "03000 265770",
    ]:
        assert fact in text, fact


def test_demo_guidance_links_keep_publishers_and_months():
    demo.load()
    links = [
        (g.title, g.publisher, f"{g.published_on:%B %Y}")
        for g in GuidanceLink.objects.filter(article__issue__slug="december-2023")
    ]
    assert links[0] == (
        "Tell Ofsted about a serious incident in a children's home or secure children's home",
        "OFSTED",
        "October 2023",
    )
    assert (
        "Key messages from research on harmful sexual behaviour in online contexts",
        "CSA Centre",
        "October 2023",
    ) in links
    assert links[-1] == (
        "Children, violence and vulnerability 2023",
        "Youth Endowment Fund",
        "November 2023",
    )
    assert [p for _, p, _ in links].count("NSPCC Learning (YouTube video)") == 2


def test_demo_links_articles_to_priorities_that_exist():
    from tests.priorities.factories import PriorityFactory

    domestic_abuse = PriorityFactory(slug="domestic-abuse")
    demo.load()
    article = Article.objects.get(slug="priority-one-domestic-abuse")
    assert article.priority == domestic_abuse
    assert Article.objects.get(slug="priority-four-mental-health-and-wellbeing").priority is None
