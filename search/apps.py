from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        # The index follows every save of the content it covers (admin, services,
        # demo) in the same transaction, without the content apps knowing about it.
        from search import signals

        signals.connect()
