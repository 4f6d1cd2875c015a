from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save

# Apps whose models public pages show; a change to any of them starts a new
# version of the page cache (dscp/pagecache.py). Sending writes thousands of
# rows that no public page shows, so those models are left out.
PUBLIC_CONTENT_APPS = ["newsletter", "priorities", "training", "evaluations", "pages"]
PRIVATE_MODELS = {"newsletter.send", "newsletter.delivery"}


class DscpConfig(AppConfig):
    name = "dscp"
    verbose_name = "DSCP portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from dscp.middleware import touch_session
        from dscp.pagecache import content_changed

        user_logged_in.connect(touch_session, dispatch_uid="dscp.touch_session")

        for label in PUBLIC_CONTENT_APPS:
            if not apps.is_installed(label):
                continue
            # Auto-created models are the many-to-many tables: m2m_changed names them.
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                if model._meta.label_lower in PRIVATE_MODELS:
                    continue
                for signal in (post_save, post_delete, m2m_changed):
                    signal.connect(content_changed, sender=model, dispatch_uid=f"pages-{model}")
