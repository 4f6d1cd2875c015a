from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        # Answer what apps below ask of this one (dscp/hooks.py), without them naming it.
        from priorities import hooks as priority_hooks
        from training import selectors

        priority_hooks.courses_for_priority.fill(selectors.courses_for_priority)
