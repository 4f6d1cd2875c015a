"""Site-wide pages. Their URL names stay un-namespaced ("home", "contact", ...):
the site shell and every app's templates link to them."""

from django.urls import path

from pages import views

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.static_page, {"template": "contact"}, name="contact"),
    path("accessibility/", views.static_page, {"template": "accessibility"}, name="accessibility"),
    path("privacy/", views.static_page, {"template": "privacy"}, name="privacy"),
    path("cookies/", views.static_page, {"template": "cookies"}, name="cookies"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
]
