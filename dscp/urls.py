from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from dscp import views

admin.site.site_header = "DSCP portal administration"
admin.site.site_title = "DSCP portal"
admin.site.index_title = "Newsletter, priorities, training and subscriptions"

urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("healthz", views.healthz, name="healthz"),
    path("newsletter/", include("newsletter.urls")),
    path("priorities/", include("priorities.urls")),
    path("training/", include("training.urls")),
    path("", include("subscriptions.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "dscp.views.bad_request"
handler403 = "dscp.views.permission_denied"
handler404 = "dscp.views.page_not_found"
handler500 = "dscp.views.server_error"
