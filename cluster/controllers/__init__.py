"""Controllers (kube-controller-manager): one module per controller, run as Celery tasks.

`runtime` is the work queue (keys, de-duplication, per-key locks, backoff, resync),
`routes` maps store events to keys, `tasks` holds the thin Celery wrappers.
"""
