"""gunicorn's settings; gunicorn reads this file from the directory it starts in.

Command-line options win over these, so ``--workers`` and ``--bind`` stay per host.
"""

import os

wsgi_app = "dscp.wsgi"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn's own default reads WEB_CONCURRENCY; two per core suits sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
# Load the app, and warm it up (dscp/warmup.py), once in the master before the
# workers fork, so no worker compiles or imports anything on a visitor's request.
preload_app = True
accesslog = "-"


def post_fork(server, worker):
    """Connect each worker to PostgreSQL, Redis and the broker before its first request."""
    from dscp.warmup import connect

    try:
        connect()
    except Exception as error:
        # A request connects anyway; a worker must not fail to boot for this.
        server.log.warning("Worker %s could not connect ahead of requests: %s", worker.pid, error)
