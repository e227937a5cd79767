"""`manage.py bootstrap`: the revision row, the built-in namespaces, the admin kubeconfig."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cluster import auth, store
from cluster import kubeconfig as kubeconfigs
from cluster.errors import AlreadyExists
from cluster.models import Revision
from cluster.tls import ensure_certificate


def ensure_namespace(name: str) -> bool:
    """Create a namespace unless it exists; True when it was created."""
    try:
        store.create("Namespace", {"metadata": {"name": name}})
        return True
    except AlreadyExists:
        return False


class Command(BaseCommand):
    help = "Create the built-in namespaces and an admin token, and write its kubeconfig."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--server", default=f"https://127.0.0.1:{settings.API_PORT}")
        parser.add_argument("--kubeconfig", default=str(settings.VAR_DIR / "kubeconfig"))

    def handle(self, *args, **options) -> None:
        Revision.objects.get_or_create(id=1)
        for name in ("default", "kube-system", "kube-node-lease"):
            ensure_namespace(name)
        from scheduler.priorities import ensure_priority_classes
        ensure_priority_classes()  # Borg's four priority bands
        path = Path(options["kubeconfig"])
        token = kubeconfigs.token_in(path)
        # Keep a working token across restarts, so kubectl sessions stay valid.
        if not token or not auth.token_is_valid(token):
            token = auth.create_token("admin", admin=True)
        ca_file, _key = ensure_certificate(Path(settings.VAR_DIR))
        kubeconfigs.write(path, options["server"], "admin", token, ca_file=ca_file)
        self.stdout.write(f"kubeconfig written: {path}")
