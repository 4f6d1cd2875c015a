from django.urls import path

from priorities import views

app_name = "priorities"

urlpatterns = [
    path("", views.priority_list, name="priority_list"),
    path("<slug:slug>/", views.priority_detail, name="priority_detail"),
]
