from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsletter import views as newsletter_views
from priorities import views as priorities_views

admin.site.site_header = "DSCP portal administration"
admin.site.site_title = "DSCP portal"
admin.site.index_title = "Newsletter, priorities, training and subscriptions"

urlpatterns = [
    path("", include("pages.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("priorities/", include("priorities.urls")),
    path("training/", include("training.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("search/", include("search.urls")),
    path("", include("subscriptions.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]

# Uploads are served by the app that owns them, which decides who may fetch each
# file (a draft issue's attachments are for staff only) and serves it as a download
# or a safe image (dscp.uploads.upload_response). Built from MEDIA_URL, so a stored
# file's .url reaches its view.
MEDIA = settings.MEDIA_URL.strip("/")
urlpatterns += [
    path(f"{MEDIA}/newsletter/<path:name>", newsletter_views.upload, name="newsletter_upload"),
    path(
        f"{MEDIA}/priorities/<path:name>",
        priorities_views.document_file,
        name="priorities_document_file",
    ),
]

handler400 = "pages.views.bad_request"
handler403 = "pages.views.permission_denied"
# Not one of Django's own: dscp.middleware.RequestGuardMiddleware shows it.
handler413 = "pages.views.request_too_large"
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"
