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
# With the request id, so an access line can be matched with the app's own lines.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" id=%({x-request-id}o)s'
# gunicorn's lines go through the portal's formatter, so a token in a link
# (in the request line or the referrer) is logged only as a hash.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "scrubbed": {
            "()": "dscp.logs.ScrubbingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "scrubbed",
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def post_fork(server, worker):
    """Connect each worker to PostgreSQL, Redis and the broker before its first request."""
    from dscp.warmup import connect

    try:
        connect()
    except Exception as error:
        # A request connects anyway; a worker must not fail to boot for this.
        server.log.warning("Worker %s could not connect ahead of requests: %s", worker.pid, error)
