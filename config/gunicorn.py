"""Gunicorn's configuration for production (README, "Running in production"): `gunicorn -c
config/gunicorn.py config.wsgi`. `sexto bench` serves the site with this same file, so the
load figures measure what the README runs; a command-line option overrides any value here.

Threads, not more processes: a request mostly waits on PostgreSQL, and a thread waiting lets
another run, at the memory cost of one process. Each thread keeps its own database
connection (DATABASE_CONN_MAX_AGE), so workers x threads connections per server: keep that
under PostgreSQL's max_connections with every server counted.
"""

import multiprocessing

bind = "127.0.0.1:8000"
worker_class = "gthread"
workers = multiprocessing.cpu_count() + 1
threads = 4
# Behind the reverse proxy: connections from it are kept open between requests.
keepalive = 5
# A request longer than this is stuck: the worker is replaced rather than held forever.
timeout = 30
graceful_timeout = 10
# Each worker is replaced after this many requests (give or take the jitter), bounding any
# slow leak without restarting them all at once.
max_requests = 5000
max_requests_jitter = 500
accesslog = None  # the reverse proxy logs requests; errors still go to standard error
