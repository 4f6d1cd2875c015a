import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations import demo
from evaluations.models import Evaluation, Response
from evaluations.selectors import ReportFilters, report_build
from newsletter.emails import issue_email_sample
from newsletter.models import Issue

pytestmark = pytest.mark.django_db


def test_safeguarding_week_figures_are_computed_from_its_responses():
    demo.load()
    demo.load()
    week = Evaluation.objects.get(slug="safeguarding-week-2023")
    assert Response.objects.filter(evaluation=week).count() == demo.RESPONSES
    report = report_build(filters=ReportFilters(evaluation=week))
    assert f"{report.rating:.2f}" == "4.65"
    assert f"{report.knowledge.before:.2f}" == "5.72"
    assert f"{report.knowledge.after:.2f}" == "8.17"
    assert report.knowledge.change_text == "+2.45"
    assert report.knowledge.improved == 90
    assert dict(report.works_with) == {
        "Children": 38,
        "Both children and adults": 34,
        "Adults": 22,
        "Other": 6,
    }


def test_the_december_2023_issue_shows_the_figures_through_the_live_block(client):
    call_command("load_demo", stdout=io.StringIO())
    issue = Issue.objects.get(slug="december-2023")
    article = issue.articles.get(slug="safeguarding-week-2023")
    # Not typed into the article: change the responses and the figures change.
    assert "4.65" not in article.body and article.figure is not None

    page = client.get(issue.get_absolute_url()).text
    email = issue_email_sample(issue=issue)
    for figure in ("4.65", "5.72", "8.17"):
        assert figure in page
        assert figure in email.html
        assert figure in email.text
    assert "Do you work with:" in page and "<svg" in page
    assert "Do you work with:" in email.text and "<svg" not in email.html

    # Saved one by one, as responses arrive, so the cached page is refreshed.
    for response in Response.objects.filter(evaluation__slug="safeguarding-week-2023", rating=3):
        response.rating = 5
        response.save()
    assert "4.75" in client.get(issue.get_absolute_url()).text


def test_recent_training_shows_its_impact_on_the_priority_page(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert Response.objects.filter(source=Response.Source.INVITED).count() == 18
    page = client.get(reverse("priorities:priority_detail", args=["the-first-1001-days"])).text
    assert "24</span> practitioners trained" in page
    assert "7</span> organisations" in page
    assert "3.67</span> points average rise in knowledge" in page
