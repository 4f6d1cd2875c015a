from django.conf import settings
from django.contrib import admin
from django.urls import include, path

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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "pages.views.bad_request"
handler403 = "pages.views.permission_denied"
# Not one of Django's own: dscp.middleware.RequestGuardMiddleware shows it.
handler413 = "pages.views.request_too_large"
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"
