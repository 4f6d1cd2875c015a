"""A row lock held by another transaction, for tests of what waits for it and what skips it."""

import threading
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def locked_elsewhere(row):
    """Another request's transaction, stuck while it holds ``row``'s lock until the block ends."""
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                type(row).objects.select_for_update().get(pk=row.pk)
                held.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30)
        yield
    finally:
        release.set()
        holder.join()
