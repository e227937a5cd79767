"""/openapi/v2 for older kubectl (Debian 12 packages kubectl 1.20): before `apply` it
fetches this document, as protocol buffers (gnostic's openapi.v2.Document), and stops
with "the server could not find the requested resource" when there is none.

The document is deliberately empty (no paths, no definitions): kubectl then skips its
client-side schema validation (the server validates every write) and computes
strategic-merge patches from its built-in types, as it does for any kind the schema
does not describe. Newer kubectl reads /openapi/v3 instead (discovery.py).

Any other Accept (application/json, none at all) gets the whole API as Swagger 2.0 JSON
(openapi_json.py), as Kubernetes serves it: what clients and fuzzers read."""
from __future__ import annotations

from functools import cache

from django.http import HttpRequest, HttpResponse

from cluster.api import openapi_json

TITLE, VERSION = "Kubernetes (kubelab)", "v1.32.0"


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2): strings and embedded messages alike."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


@cache
def document_protobuf() -> bytes:
    # openapi.v2.Document: swagger = 1, info = 2 (Info: title = 1, version = 2), paths = 8.
    info = _field(1, TITLE.encode()) + _field(2, VERSION.encode())
    return _field(1, b"2.0") + _field(2, info) + _field(8, b"")


def document(request: HttpRequest) -> HttpResponse:
    if "protobuf" in request.headers.get("Accept", ""):
        # Not the requested type as Content-Type: its "@" is no valid MIME token, and
        # kubectl parses the header before it reads the bytes.
        return HttpResponse(document_protobuf(), content_type="application/octet-stream")
    return HttpResponse(openapi_json.v2_text(), content_type="application/json")
