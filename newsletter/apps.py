from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        # Answer what apps below ask of this one (dscp/hooks.py), without them naming it.
        from newsletter import emails, selectors
        from priorities import hooks as priority_hooks
        from subscriptions import hooks as subscription_hooks

        priority_hooks.articles_for_priority.fill(selectors.articles_for_priority)
        subscription_hooks.welcome_issue.fill(emails.latest_issue_contents)
