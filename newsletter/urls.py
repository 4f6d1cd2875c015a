from django.urls import path

from newsletter import views
from newsletter.feeds import IssueFeed

app_name = "newsletter"

urlpatterns = [
    path("", views.issue_list, name="issue_list"),
    path("feed/", IssueFeed(), name="feed"),
    path("<slug:slug>/", views.issue_detail, name="issue_detail"),
    path("<slug:issue_slug>/<slug:slug>/", views.article_detail, name="article_detail"),
]
