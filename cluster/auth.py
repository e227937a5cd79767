"""Bearer tokens: creating them (stored hashed), authenticating and authorising requests."""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from cluster.errors import Forbidden, Unauthorized
from cluster.models import Token
from cluster.resources import Resource

_CACHE_SECONDS = 5.0
TEACHER_SET_KINDS = frozenset({"ResourceQuota", "LimitRange"})
_cache: dict[str, tuple[float, Principal | None]] = {}


@dataclass(frozen=True)
class Principal:
    name: str
    is_admin: bool
    namespaces: tuple[str, ...] = ()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(name: str, *, admin: bool = False, namespaces: list[str] | None = None) -> str:
    """Make a token and return its secret; only the hash is kept."""
    secret = "kl_" + secrets.token_urlsafe(32)
    Token.objects.create(name=name, key_hash=_hash(secret), is_admin=admin,
                         namespaces=list(namespaces or []))
    return secret


def token_is_valid(secret: str) -> bool:
    return Token.objects.filter(key_hash=_hash(secret)).exists()


def principal_for(secret: str) -> Principal | None:
    """The principal a token secret belongs to (cached briefly: this is on every request)."""
    now = time.monotonic()
    key = _hash(secret)
    hit = _cache.get(key)
    if hit and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    row = Token.objects.filter(key_hash=key).values_list("name", "is_admin", "namespaces").first()
    principal = Principal(row[0], row[1], tuple(row[2] or ())) if row else None
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[key] = (now, principal)
    return principal


def authenticate(authorization: str) -> Principal:
    """From an Authorization header value; raises 401 for anything but a known token."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("Unauthorized")
    principal = principal_for(secret.strip())
    if principal is None:
        raise Unauthorized("Unauthorized")
    return principal


def authorize(principal: Principal, verb: str, res: Resource, namespace: str,
              name: str = "") -> None:
    """Admin may do anything; a namespace-scoped user acts only inside its namespaces,
    and may read nodes and its own Namespace objects."""
    if principal.is_admin:
        return
    if res.kind == "Node" and verb in ("get", "list", "watch"):
        return
    if res.kind == "Namespace" and verb == "get" and name in principal.namespaces:
        return
    # A student reads the quota and limits the teacher set, but cannot lift them.
    teacher_set = res.kind in TEACHER_SET_KINDS and verb not in ("get", "list", "watch")
    if res.namespaced and namespace and namespace in principal.namespaces and not teacher_set:
        return
    where = f'in the namespace "{namespace}"' if res.namespaced and namespace \
        else "at the cluster scope"
    raise Forbidden(f'{res.plural} is forbidden: User "{principal.name}" cannot {verb} '
                    f'resource "{res.plural}" in API group "{res.group}" {where}',
                    kind=res.plural, name=name, group=res.group)
