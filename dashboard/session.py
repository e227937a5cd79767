"""Who is using the dashboard: a pasted API token kept in a signed, HttpOnly cookie.

The same cookie authenticates pages, the small JSON endpoints and the websocket, so one
helper reads it from a Django request and from an ASGI scope alike. The token is checked
against the token table on every use (cached briefly by cluster.auth), so a deleted token
stops working at once.
"""
from __future__ import annotations

from http.cookies import SimpleCookie

from django.core import signing
from django.http import HttpRequest, HttpResponse

from cluster import auth
from cluster.errors import ApiError

COOKIE = "kubelab_token"
SALT = "kubelab.dashboard.token"
MAX_AGE = 7 * 24 * 3600


def _signer() -> signing.TimestampSigner:
    # Signed here rather than with set_signed_cookie, whose salt scheme is private to
    # Django and would have to be copied to read the cookie from an ASGI scope.
    return signing.TimestampSigner(salt=SALT)


def _unsign(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return _signer().unsign(value, max_age=MAX_AGE)
    except signing.BadSignature:
        return None


def remember(response: HttpResponse, secret: str) -> None:
    response.set_cookie(COOKIE, _signer().sign(secret), max_age=MAX_AGE, httponly=True,
                        samesite="Strict")


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, samesite="Strict")


def _principal(secret: str | None) -> auth.Principal | None:
    if not secret:
        return None
    try:
        return auth.authenticate(f"Bearer {secret}")
    except ApiError:
        return None


def principal_from_request(request: HttpRequest) -> auth.Principal | None:
    return _principal(_unsign(request.COOKIES.get(COOKIE)))


def bearer_from_request(request: HttpRequest) -> str | None:
    """The cookie's token as an Authorization header, for relaying a request to the API."""
    secret = _unsign(request.COOKIES.get(COOKIE))
    return f"Bearer {secret}" if secret else None


def principal_from_scope(scope: dict) -> auth.Principal | None:
    """The same check for a websocket handshake (sync: call through sync_to_async)."""
    raw = b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie")
    jar = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except Exception:  # noqa: BLE001  (a malformed cookie header is just "no login")
        return None
    morsel = jar.get(COOKIE)
    return _principal(_unsign(morsel.value if morsel is not None else None))
