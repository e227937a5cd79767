"""`manage.py create-student NAME`: a namespace, a token scoped to it, and its kubeconfig."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cluster import auth
from cluster import kubeconfig as kubeconfigs
from cluster.management.commands.bootstrap import ensure_namespace
from cluster.tls import ensure_certificate
from cluster.validation import validate


class Command(BaseCommand):
    help = "Create a student: a namespace (default: the name), a token that sees only it, " \
           "and a kubeconfig for it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--namespace", default="")
        parser.add_argument("--server", default=f"https://127.0.0.1:{settings.API_PORT}")
        parser.add_argument("--kubeconfig", default="",
                            help="where to write it (default: var/students/NAME.kubeconfig)")

    def handle(self, *args, **options) -> None:
        name = options["name"]
        namespace = options["namespace"] or name
        causes = validate("Namespace", {"apiVersion": "v1", "kind": "Namespace",
                                        "metadata": {"name": namespace}})
        if causes:
            raise CommandError(f"{namespace!r} cannot be a namespace: {causes[0]['message']}")
        ensure_namespace(namespace)
        token = auth.create_token(name, namespaces=[namespace])
        path = Path(options["kubeconfig"] or settings.VAR_DIR / "students"
                    / f"{name}.kubeconfig")
        ca_file, _key = ensure_certificate(Path(settings.VAR_DIR))
        kubeconfigs.write(path, options["server"], name, token, namespace, ca_file=ca_file)
        self.stdout.write(f"student {name}: namespace {namespace}, kubeconfig {path}")
