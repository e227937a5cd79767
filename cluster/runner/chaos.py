"""Fault injection: under steady churn, SIGKILL each of the cluster's processes in turn
at random moments (and Redis, and on Docker random pod containers), restart it, and
measure how long the cluster takes to converge; afterwards check that nothing was lost.

Checks after the run (each a list of violations, empty when all is well):
- every write that got a 2xx is in the store (chaos_churn's ledger);
- every Deployment has exactly its desired replicas, all Running;
- no pod is bound to a node that does not exist;
- no container exists without its pod (Docker runtime);
- a dashboard socket open through it all shows what the store holds (chaos_watcher).
Used by `scripts/chaos.py` (`make chaos`) and, shortened, by tests/test_chaos_short.py.
"""
from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from cluster.runner.chaos_churn import CM, DEP, Churn, Client, lost_writes
from cluster.runner.chaos_watcher import DashboardWatcher
from cluster.runner.harness import RunningCluster
from cluster.runner.services import ensure_redis

# Processes by runtime; "redis" and "containers" are handled specially.
CORE_TARGETS = ["wsgi", "asgi", "controllers", "controllers-2", "scheduler", "beat"]
DEPLOYMENTS = ["alpha", "beta", "gamma"]


@dataclass
class Kill:
    target: str
    at: float  # seconds since the run started
    converged_after: float | None  # seconds from the restart to a verified round trip


@dataclass
class Report:
    kills: list[Kill] = field(default_factory=list)
    writes_ok: int = 0
    writes_unanswered: int = 0
    seconds: float = 0.0
    violations: dict[str, list[str]] = field(default_factory=dict)

    def by_target(self) -> dict[str, list[float | None]]:
        out: dict[str, list[float | None]] = {}
        for k in self.kills:
            out.setdefault(k.target, []).append(k.converged_after)
        return out

    def summary_rows(self) -> list[tuple[str, int, str, str]]:
        rows = []
        for target, times in self.by_target().items():
            done = [t for t in times if t is not None]
            rows.append((target, len(times),
                         f"{statistics.median(done):.1f} s" if done else "-",
                         f"{max(done):.1f} s" if len(done) == len(times) else "did not converge"))
        return rows


def targets_for(runtime: str, nodes: int) -> list[str]:
    if runtime == "docker":
        return CORE_TARGETS + [f"kubelet-node-{i}" for i in range(1, nodes + 1)] + \
            ["proxy", "redis", "containers"]
    return CORE_TARGETS + ["simulator", "redis"]


class Chaos:
    def __init__(self, cluster: RunningCluster, redis_url: str, var_dir: Path,
                 runtime: str, seed: int = 1) -> None:
        self.cluster, self.redis_url, self.var_dir = cluster, redis_url, var_dir
        self.runtime = runtime
        self.client = Client(cluster.url, cluster.admin_token)
        self.rng = random.Random(seed)
        self.redis = None
        self.watcher: DashboardWatcher | None = None
        # A namespace of its own: containers left by an earlier run are not ours to judge.
        self.ns = f"chaos-{random.Random().randrange(16**6):06x}"

    # --- set-up ------------------------------------------------------------
    def prepare(self) -> None:
        self.client.call("POST", "/api/v1/namespaces", {"metadata": {"name": self.ns}})
        for name in DEPLOYMENTS:
            labels = {"app": name}
            self.client.call("POST", DEP.format(ns=self.ns), {
                "metadata": {"name": name},
                "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                         "template": {"metadata": {"labels": labels}, "spec": {
                             "terminationGracePeriodSeconds": 1,
                             "containers": [{"name": "app", "image": "kubelab/hello:1"}]}}}})

    # --- one kill ----------------------------------------------------------
    def kill(self, target: str) -> None:
        if target == "redis":
            self._kill_redis()
        elif target == "containers":
            self._kill_containers()
        else:
            self.cluster.kill_process(target)
            time.sleep(self.rng.uniform(0.3, 2.0))  # down for a moment, as a crash is
            self.cluster.restart_process(target)

    def _kill_redis(self) -> None:
        if self.redis is None or self.redis.proc is None:
            raise RuntimeError("chaos needs its own Redis to kill: set Chaos.redis to the handle "
                               "of one it started")
        self.redis.proc.kill()
        self.redis.proc.wait()
        time.sleep(self.rng.uniform(0.3, 2.0))
        self.redis = ensure_redis(self.redis_url, self.var_dir)

    def _kill_containers(self) -> None:
        import docker

        client = docker.from_env()
        running = client.api.containers(filters={
            "label": [f"kubelab.pod.namespace={self.ns}"], "status": "running"})
        for c in self.rng.sample(running, min(2, len(running))):
            try:
                client.api.kill(c["Id"])
            except docker.errors.APIError:
                pass  # already gone: the race is part of the test

    # --- convergence -------------------------------------------------------
    def converged(self, timeout: float) -> float | None:
        """Seconds until a probe write is acknowledged, seen again, and every Deployment
        runs its desired replicas; None if not within `timeout`."""
        start = time.monotonic()
        probe = f"probe-{self.rng.randrange(10**9)}"
        while time.monotonic() - start < timeout:
            status, _ = self.client.call("POST", CM.format(ns=self.ns),
                                         {"metadata": {"name": probe}, "data": {"v": "1"}})
            if status in (201, 409):
                break
            time.sleep(0.2)
        else:
            return None
        while time.monotonic() - start < timeout:
            if not self.replica_problems():
                return time.monotonic() - start
            time.sleep(0.3)
        return None

    def replica_problems(self, want: dict[str, int] | None = None) -> list[str]:
        """Deployments whose Running pods differ from spec.replicas (or from `want`)."""
        status, deps = self.client.call("GET", DEP.format(ns=self.ns))
        status2, pods = self.client.call(
            "GET", f"/api/v1/namespaces/{self.ns}/pods")
        if status != 200 or status2 != 200:
            return [f"API answered {status}/{status2}"]
        problems = []
        for d in deps.get("items", []):
            name = d["metadata"]["name"]
            desired = (want or {}).get(name, d["spec"].get("replicas", 0))
            mine = [p for p in pods.get("items", [])
                    if p["metadata"].get("labels", {}).get("app") == name
                    and not p["metadata"].get("deletionTimestamp")]
            running = [p for p in mine if p.get("status", {}).get("phase") == "Running"]
            if d["spec"].get("replicas") != desired or len(mine) != desired or \
                    len(running) != desired:
                problems.append(f"{name}: spec {d['spec'].get('replicas')}, want {desired}, "
                                f"{len(mine)} pods, {len(running)} Running")
        return problems

    # --- the run -----------------------------------------------------------
    def run(self, targets: list[str], kills_each: int, writers: int = 4,
            rate: float = 100.0, converge_timeout: float = 60.0) -> Report:
        self.prepare()
        if self.converged(converge_timeout) is None:
            raise RuntimeError("the cluster did not settle before the chaos started: "
                               + "; ".join(self.replica_problems()))
        churn = Churn(self.cluster.url, self.cluster.admin_token, self.ns, writers,
                      DEPLOYMENTS, rate)
        self.watcher = DashboardWatcher(self.cluster.url, self.cluster.admin_token)
        self.watcher.start()
        report = Report()
        order = [t for t in targets for _ in range(kills_each)]
        self.rng.shuffle(order)
        started = time.monotonic()
        churn.start()
        try:
            for target in order:
                time.sleep(self.rng.uniform(0.5, 3.0))  # a random moment in the churn
                at = time.monotonic() - started
                self.kill(target)
                report.kills.append(Kill(target, round(at, 1),
                                         self.converged(converge_timeout)))
        finally:
            churn.finish()
        report.seconds = time.monotonic() - started
        report.writes_ok, report.writes_unanswered = churn.ledger.ok, churn.ledger.failed
        try:
            report.violations = self.check(churn, converge_timeout)
        finally:
            self.watcher.stop()
        return report

    # --- the checks after it -----------------------------------------------
    def check(self, churn: Churn, timeout: float) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        want = dict(churn.ledger.replicas)
        deadline = time.monotonic() + timeout
        problems = self.replica_problems(want)
        while problems and time.monotonic() < deadline:
            time.sleep(0.5)
            problems = self.replica_problems(want)
        out["deployments have exactly their desired replicas"] = problems
        status, cms = self.client.call("GET", CM.format(ns=self.ns))
        stored = {c["metadata"]["name"]: (c.get("data") or {}).get("v", "")
                  for c in cms.get("items", []) if not c["metadata"]["name"].startswith("probe-")}
        out["every acknowledged write is in the store"] = \
            lost_writes(churn.ledger, stored) if status == 200 else [f"list: {status}"]
        out["no pod is bound to a missing node"] = self._orphan_bindings()
        out["a dashboard connected during the run agrees with the store"] = \
            self.watcher.disagreements(self.client, self.ns, timeout)
        if self.runtime == "docker":
            out["no container exists without its pod"] = self._orphan_containers(deadline)
        return out

    def _orphan_bindings(self) -> list[str]:
        _, nodes = self.client.call("GET", "/api/v1/nodes")
        _, pods = self.client.call("GET", "/api/v1/pods")
        names = {n["metadata"]["name"] for n in nodes.get("items", [])}
        return [f"{p['metadata']['namespace']}/{p['metadata']['name']} on "
                f"{p['spec']['nodeName']}" for p in pods.get("items", [])
                if p.get("spec", {}).get("nodeName") and p["spec"]["nodeName"] not in names]

    def _orphan_containers(self, deadline: float) -> list[str]:
        import docker

        client = docker.from_env()
        while True:
            _, pods = self.client.call("GET", f"/api/v1/namespaces/{self.ns}/pods")
            uids = {p["metadata"]["uid"] for p in pods.get("items", [])}
            stray = [c["Names"][0] for c in client.api.containers(all=True, filters={
                "label": [f"kubelab.pod.namespace={self.ns}"]})
                if (c.get("Labels") or {}).get("kubelab.pod.uid") not in uids]
            if not stray or time.monotonic() > deadline:
                return stray
            time.sleep(0.5)
