"""A button on an object's admin page that runs one service on that object.

Publishing an issue and pausing, resuming or cancelling a send are the same steps: a POST,
the change permission on the object, the service, then back to the object's page with the
service's error or the done message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from newsletter.errors import NewsletterError


class ServiceButtons:
    """For a ModelAdmin: ``self._button(request, pk, service, done)`` from a button's view."""

    def _button_arguments(self, request, obj) -> dict:
        """What the services take, e.g. ``{"issue": obj, "by": request.user}``; ``done`` may name them."""
        raise NotImplementedError

    # A button changes what readers see or who is mailed: never on a GET.
    @method_decorator(require_POST)
    def _button(self, request, pk, service, done: str):
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        arguments = self._button_arguments(request, obj)
        try:
            service(**arguments)
        except NewsletterError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, done.format(**arguments), messages.SUCCESS)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
