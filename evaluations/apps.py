from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "Evaluations"

    def ready(self):
        # Answer what apps below ask of this one (dscp/hooks.py), without them naming it.
        from evaluations import selectors
        from priorities import hooks as priority_hooks

        priority_hooks.impact_for_priority.fill(selectors.impact_for_priority)
