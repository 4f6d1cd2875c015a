from celery import shared_task

from search import services


@shared_task
def index_rebuild() -> dict[str, int]:
    """Nightly catch-up for writes that send no signals (QuerySet.update, raw SQL)."""
    return services.index_rebuild()
