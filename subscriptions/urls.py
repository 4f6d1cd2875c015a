from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/check-your-email/", views.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/check-your-email/", views.unsubscribe_sent, name="unsubscribe_sent"),
    path("unsubscribe/<str:token>/", views.unsubscribe_link, name="unsubscribe_link"),
    path("unsubscribe/<str:token>/one-click/", views.one_click, name="one_click"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path(
        "preferences/<str:token>/unsubscribe/",
        views.preferences_unsubscribe,
        name="preferences_unsubscribe",
    ),
    path("preferences/<str:token>/my-data.json", views.preferences_data, name="preferences_data"),
    path("preferences/<str:token>/erase/", views.preferences_erase, name="preferences_erase"),
]
