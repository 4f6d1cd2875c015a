from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("courses/<slug:slug>/", views.course_detail, name="course_detail"),
    path("sessions/<int:pk>/book/", views.session_book, name="session_book"),
    path(
        "sessions/<int:pk>/book/check-your-email/",
        views.session_book_sent,
        name="session_book_sent",
    ),
    path("bookings/confirm/<str:token>/", views.booking_confirm, name="booking_confirm"),
    path("sessions.ics", views.sessions_feed, name="sessions_feed"),
    path("bookings/<str:token>/", views.booking_manage, name="booking_manage"),
    path(
        "bookings/<str:token>/confirmation/",
        views.booking_confirmation,
        name="booking_confirmation",
    ),
    path("bookings/<str:token>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<str:token>/calendar.ics", views.booking_calendar, name="booking_calendar"),
    path("events/", views.event_list, name="event_list"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
]
