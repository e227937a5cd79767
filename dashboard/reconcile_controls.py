"""The control-loop switches behind the dashboard's slow-motion, pause and step buttons.

Delay and pause are the classroom switches the controllers already read
(cluster/controllers/switches.py), written through the store into the ConfigMap
kube-system/kubelab-settings like any `kubectl edit`. A step is a grant in Redis that
the controllers' runtime consumes atomically (runtime.grant_step). Only a teacher (an
admin token) may use them: they slow down or stop the cluster for everyone.
"""
from __future__ import annotations

from cluster import auth, store
from cluster.controllers import runtime
from cluster.controllers import settings as cs
from cluster.controllers.switches import Switches, parse
from cluster.errors import AlreadyExists, BadRequest, Forbidden, NotFound
from cluster.events import redis_client

DELAY_KEY, PAUSED_KEY = "controllers.delaySeconds", "controllers.paused"
MAX_DELAY = 10.0  # a classroom guard-rail: a typo like 100 would look like a hang
REFUSAL = ("Only a teacher can slow down, pause or step the controllers: they run for "
           "the whole class. Ask your teacher (this needs an admin token).")


def require_teacher(principal: auth.Principal) -> None:
    if not principal.is_admin:
        raise Forbidden(REFUSAL)


def read() -> Switches:
    """The switches as stored now (the workers' copies lag by up to a second)."""
    try:
        cm = store.get("ConfigMap", cs.SWITCHES_NAMESPACE, cs.SWITCHES_NAME)
    except NotFound:
        return Switches()
    return parse(cm.get("data") or {})


def status(principal: auth.Principal) -> dict:
    now = read()
    return {"paused": now.paused, "delaySeconds": now.delay_seconds,
            "waiting": int(redis_client().scard(runtime.PARKED)) if now.paused else 0,
            "canControl": principal.is_admin}


def _write(data: dict[str, str]) -> None:
    def change(cm: dict) -> dict:
        cm.setdefault("data", {}).update(data)
        return cm

    def fresh() -> dict:
        return change({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": cs.SWITCHES_NAME,
                                    "namespace": cs.SWITCHES_NAMESPACE}})
    try:
        store.mutate("ConfigMap", cs.SWITCHES_NAMESPACE, cs.SWITCHES_NAME, change,
                     create_missing=fresh)
    except AlreadyExists:  # another click created it first: edit that one
        store.mutate("ConfigMap", cs.SWITCHES_NAMESPACE, cs.SWITCHES_NAME, change)


def set_switches(principal: auth.Principal, paused: object = None,
                 delay_seconds: object = None) -> dict:
    """Set either switch (None leaves it as it is)."""
    require_teacher(principal)
    data: dict[str, str] = {}
    if paused is not None:
        if not isinstance(paused, bool):
            raise BadRequest("paused must be true or false")
        data[PAUSED_KEY] = "true" if paused else "false"
    if delay_seconds is not None:
        if isinstance(delay_seconds, bool) or not isinstance(delay_seconds, int | float) \
                or not 0 <= delay_seconds <= MAX_DELAY:
            raise BadRequest(f"the delay must be a number of seconds from 0 to {MAX_DELAY:g}")
        data[DELAY_KEY] = f"{float(delay_seconds):g}"
    if not data:
        raise BadRequest("nothing to change: send paused and/or delaySeconds")
    _write(data)
    return {"ok": True, **status(principal)}


def step(principal: auth.Principal, candidates: list[tuple[str, str]] | None) -> dict:
    """Let exactly one waiting reconcile run: the first of `candidates` that is waiting
    (a workload's own keys), or any when None."""
    require_teacher(principal)
    if not read().paused:
        raise BadRequest("Step works while the controllers are paused: pause them first.")
    got = runtime.grant_step(candidates)
    if got is None:
        return {"ok": True, "stepped": None,
                "message": "Nothing is waiting: no reconcile was let through."}
    controller, key = got
    return {"ok": True, "stepped": {"controller": controller, "key": key},
            "message": f"Let one {controller} reconcile of {key} through."}
