"""kubelab settings. Everything a deployment changes comes from the environment."""
from __future__ import annotations

from pathlib import Path

from config.database import database_from_url
from config.env import env_bool, env_choice, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KUBELAB_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "kubelab-dev-only-not-secret")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    "127.0.0.1", "localhost", "[::1]",
    *filter(None, env_str("KUBELAB_ALLOWED_HOSTS", "").split(",")),
]

# --- the cluster -----------------------------------------------------------
PORT = env_int("PORT", 8000, minimum=1)
# The same API over TLS, for kubectl (it sends bearer tokens only over TLS).
API_PORT = env_int("KUBELAB_API_PORT", 6443, minimum=1)
# The front (nginx) listens on PORT; behind it a WSGI server answers plain
# requests and an ASGI server answers websockets and watch streams.
WSGI_PORT = env_int("KUBELAB_WSGI_PORT", PORT + 10, minimum=1)
ASGI_PORT = env_int("KUBELAB_ASGI_PORT", PORT + 11, minimum=1)
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
KUBELAB_NODES = env_int("KUBELAB_NODES", 3, minimum=0)
# "auto" means: docker when an engine answers, else simulated (decided at start).
KUBELAB_RUNTIME = env_choice("KUBELAB_RUNTIME", "auto", ("auto", "docker", "simulated"))
KUBELAB_SIMULATED_NODES = env_int("KUBELAB_SIMULATED_NODES", 0, minimum=0)
# Watch events are kept at least this long; older resourceVersions get 410.
WATCH_HISTORY_SECONDS = env_int("KUBELAB_WATCH_HISTORY_SECONDS", 600, minimum=1)
# The map's kinds are kept longer, for the dashboard's time travel (a class, not ten
# minutes); see dashboard/history.py. 0 keeps them no longer than watches do.
HISTORY_SECONDS = env_int("KUBELAB_HISTORY_SECONDS", 3 * 3600, minimum=0)
# Events channel in Redis that every committed write is published to.
EVENTS_CHANNEL = env_str("KUBELAB_EVENTS_CHANNEL", "kubelab:events")
SERVICE_CLUSTER_IP_RANGE = env_str("KUBELAB_SERVICE_CIDR", "10.96.0.0/12")
NODE_PORT_RANGE = (30000, 32767)
MAX_REQUEST_BYTES = 3 * 1024 * 1024
# Per non-admin token, per API process: requests per second and burst (0 turns it off);
# over it, 429 with Retry-After (cluster/ratelimit.py).
API_RATE_LIMIT = env_int("KUBELAB_API_RATE_LIMIT", 20, minimum=0)
API_RATE_BURST = env_int("KUBELAB_API_RATE_BURST", 40, minimum=1)
# After-commit consumers of store events (cluster/dispatch.py): each a callable(event).
KUBELAB_EVENT_ROUTES: list[str] = [
    "cluster.kubelet.routes.route",
    "cluster.controllers.routes.route",
    "scheduler.routes.route",
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kubelab.sqlite3'}"), BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "channels",
    "cluster",
    "scheduler",
    "dashboard",
]

# The API authenticates with bearer tokens itself; no sessions or CSRF
# middleware sit in the hot path of /api.
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

USE_TZ = True
TIME_ZONE = "UTC"
APPEND_SLASH = False
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "controllers"
CELERY_BEAT_SCHEDULE = {
    "compact-watch-history": {"task": "cluster.tasks.compact_watch_history", "schedule": 30.0},
    "sweep-deletions": {"task": "cluster.tasks.sweep_deletions", "schedule": 2.0},
    "scheduler-tick": {"task": "scheduler.tasks.tick", "schedule": 1.0},
    "scheduler-resync": {"task": "scheduler.tasks.resync", "schedule": 10.0},
    "controllers-resync": {"task": "controllers.resync", "schedule": 15.0},
    "controllers-monitor": {"task": "controllers.monitor", "schedule": 0.5},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KUBELAB_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
