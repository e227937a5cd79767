"""`manage.py create-class NAME --students N`: a class of students, each with a namespace,
a quota, default limits, a token, a join code and a kubeconfig (var/classes/NAME/)."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cluster import classroom
from cluster.errors import ApiError


class Command(BaseCommand):
    help = "Create a class of N students: namespace, ResourceQuota, LimitRange, token, " \
           "join code and kubeconfig each."

    def add_arguments(self, parser) -> None:
        defaults = classroom.Allowance()
        parser.add_argument("name")
        parser.add_argument("--students", type=int, required=True)
        parser.add_argument("--pods", type=int, default=defaults.pods)
        parser.add_argument("--cpu", default=defaults.cpu, help="requests.cpu per student")
        parser.add_argument("--memory", default=defaults.memory,
                            help="requests.memory per student")
        parser.add_argument("--host", default="127.0.0.1",
                            help="the API host students' kubeconfigs name")

    def handle(self, *args, **options) -> None:
        allowance = classroom.Allowance(pods=options["pods"], cpu=options["cpu"],
                                        memory=options["memory"])
        try:
            created = classroom.create_class(options["name"], options["students"], allowance)
        except ApiError as exc:
            raise CommandError(exc.message) from None
        folder = Path(settings.VAR_DIR) / "classes" / created.name
        folder.mkdir(parents=True, exist_ok=True)
        for student in created.students.all():
            path = folder / f"{student.name}.kubeconfig"
            path.write_text(classroom.kubeconfig_text(student.name, student.secret,
                                                      student.namespace, options["host"]))
            path.chmod(0o600)  # it holds a secret
            self.stdout.write(f"{student.name}\t{student.join_code}\t{path}")
        self.stdout.write(f"class {created.name}: {options['students']} students "
                          f"(join at /join with the codes above)")
