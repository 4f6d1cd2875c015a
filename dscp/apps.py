from django.apps import AppConfig


class DscpConfig(AppConfig):
    name = "dscp"
    verbose_name = "DSCP portal"
