from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    path("feedback/<str:token>/thanks/", views.feedback_thanks, name="feedback_thanks"),
    path("feedback/<str:token>/certificate/", views.certificate, name="certificate"),
    path("certificates/check/", views.certificate_verify, name="certificate_verify"),
    path("reports/", views.report, name="report"),
    path("reports/responses.csv", views.report_csv, name="report_csv"),
    path("events/<slug:slug>/", views.open_form, name="open_form"),
]
