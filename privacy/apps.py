from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Data rights"

    def ready(self):
        # The preferences page and the subscribers admin offer a person's data rights;
        # subscriptions asks for them through its hooks (dscp/hooks.py), never naming privacy.
        from privacy import selectors, services
        from subscriptions import hooks as subscription_hooks

        subscription_hooks.person_data_export.fill(selectors.person_data_export)
        subscription_hooks.person_data_erase.fill(services.person_data_erase)
