"""Start and stop a whole kubelab cluster: services, process table, supervisor.

Used by `manage.py up` and by the test fixtures, so nothing here reads Django
settings at import time: everything is passed in as a `ClusterConfig`.
"""
