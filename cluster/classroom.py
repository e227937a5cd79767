"""A teacher's class: N students, each with a namespace, a quota, default limits, a token
and a join code; and resetting a student's namespace (or the whole class's).

Used by `manage.py create-class` and the dashboard's /class page. Every object goes
through the store; the Classroom/Student rows are bookkeeping for the teacher.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from cluster import auth, store
from cluster import kubeconfig as kubeconfigs
from cluster.errors import AlreadyExists, ApiError, BadRequest
from cluster.models import Classroom, Student, Token
from cluster.resources import RESOURCES
from cluster.validation import names

# No 0/O, 1/I/L: codes are read off a projector and typed by hand. 31^6 ≈ 887 million.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
QUOTA_NAME = "student-quota"
LIMITS_NAME = "student-limits"
# Kinds a reset keeps: the teacher's quota and limits.
KEPT_KINDS = ("ResourceQuota", "LimitRange")
MAX_STUDENTS = 200


@dataclass(frozen=True)
class Allowance:
    """What each student may use, and the defaults their containers get."""

    pods: int = 10
    cpu: str = "2"
    memory: str = "2Gi"
    default_cpu: str = "100m"
    default_memory: str = "64Mi"
    limit_cpu: str = "500m"
    limit_memory: str = "256Mi"

    def quota(self, namespace: str) -> dict:
        return {"apiVersion": "v1", "kind": "ResourceQuota",
                "metadata": {"name": QUOTA_NAME, "namespace": namespace},
                "spec": {"hard": {"pods": str(self.pods), "requests.cpu": self.cpu,
                                  "requests.memory": self.memory}}}

    def limit_range(self, namespace: str) -> dict:
        return {"apiVersion": "v1", "kind": "LimitRange",
                "metadata": {"name": LIMITS_NAME, "namespace": namespace},
                "spec": {"limits": [{"type": "Container",
                                     "defaultRequest": {"cpu": self.default_cpu,
                                                        "memory": self.default_memory},
                                     "default": {"cpu": self.limit_cpu,
                                                 "memory": self.limit_memory}}]}}


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def check_class_name(name: str) -> None:
    """Student namespaces are `<class>-NN`, so the class name must leave room for that."""
    problems = names.dns1123_label(f"{name}-00")
    if not name or problems:
        raise BadRequest(f'invalid class name "{name}": '
                         f"{problems[0] if problems else 'must not be empty'}")


def create_class(name: str, students: int, allowance: Allowance | None = None) -> Classroom:
    """The class and its students, all or nothing (one transaction)."""
    check_class_name(name)
    if not 1 <= students <= MAX_STUDENTS:
        raise BadRequest(f"a class has 1 to {MAX_STUDENTS} students, not {students}")
    allowance = allowance or Allowance()
    with transaction.atomic():
        try:
            classroom = Classroom.objects.create(name=name)
        except IntegrityError:
            raise AlreadyExists(f'class "{name}" already exists') from None
        for i in range(1, students + 1):
            add_student(classroom, f"{name}-{i:02d}", allowance)
    return classroom


def add_student(classroom: Classroom, name: str, allowance: Allowance) -> Student:
    namespace = name
    store.create("Namespace", {"metadata": {"name": namespace,
                                            "labels": {"kubelab.io/class": classroom.name}}})
    store.create("ResourceQuota", allowance.quota(namespace))
    store.create("LimitRange", allowance.limit_range(namespace))
    secret = auth.create_token(name, namespaces=[namespace])
    token = Token.objects.get(key_hash=auth._hash(secret))
    for _ in range(20):
        code = new_code()
        if not Student.objects.filter(join_code=code).exists():
            break
    return Student.objects.create(classroom=classroom, name=name, namespace=namespace,
                                  join_code=code, token=token, secret=secret)


def find_by_code(code: str) -> Student | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return Student.objects.select_related("classroom").filter(join_code=code).first()


def reset_namespace(namespace: str) -> int:
    """Delete everything in a namespace but the teacher's quota and limits; returns how
    many objects were deleted. Pods on nodes get their grace period, as with kubectl."""
    deleted = 0
    # Owners first, so the controllers do not recreate what is being removed.
    for res in sorted((r for r in RESOURCES if r.namespaced and r.kind not in KEPT_KINDS),
                      key=lambda r: r.kind not in ("Deployment", "ReplicaSet")):
        for obj_name in res.model.objects.filter(namespace=namespace) \
                .values_list("name", flat=True):
            try:
                store.delete(res.kind, namespace, obj_name, propagation="Background")
                deleted += 1
            except ApiError:
                continue  # gone already (a cascade got there first)
    return deleted


def reset_class(classroom: Classroom) -> int:
    return sum(reset_namespace(s.namespace) for s in classroom.students.all())


def kubeconfig_text(student_name: str, secret: str, namespace: str, host: str = "") -> str:
    """A kubeconfig for the API's TLS port on `host` (default 127.0.0.1)."""
    from cluster.tls import ensure_certificate

    ca_file, _key = ensure_certificate(Path(settings.VAR_DIR))
    server = f"https://{host or '127.0.0.1'}:{settings.API_PORT}"
    return kubeconfigs.render(server, student_name, secret, namespace, ca_file=ca_file)
