"""After the other apps' demo content: rebuild the index, so make run's demo searches."""

from search import services


def load() -> str:
    counts = services.index_rebuild()
    return ", ".join(f"{label}: {n}" for label, n in counts.items())
