"""The one table where a user-facing term is spelled, in Kubernetes and in Borg words.

Templates ask it through `{% term %}` (dashboard/templatetags/vocab.py); the browser gets
it as JSON (`as_json`) and swaps words when the vocabulary switch flips. A `borg` of None
means Borg had no such thing: the UI says so instead of inventing a word.
Sections (§) refer to Verma et al., "Large-scale cluster management at Google with Borg",
EuroSys 2015.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Term:
    key: str
    k8s: str
    k8s_plural: str
    borg: str | None
    borg_plural: str | None
    difference: str
    section: str


def _t(key: str, k8s: str, borg: str | None, difference: str, section: str = "",
       k8s_plural: str = "", borg_plural: str = "") -> Term:
    return Term(key, k8s, k8s_plural or k8s + "s", borg,
                (borg_plural or borg + "s") if borg else None, difference, section)


TERMS: tuple[Term, ...] = (
    _t("cluster", "cluster", "cell",
       "A Borg cell was one building-sized pool of roughly ten thousand machines run by one "
       "BorgMaster; a Kubernetes cluster is usually far smaller.", "§2.2"),
    _t("node", "node", "machine",
       "Same role: a host that runs work. Borg gave each machine one IP and handed out "
       "ports as a resource; Kubernetes gives each pod its own IP.", "§2.2, §8.1"),
    _t("pod", "pod", "alloc",
       "The paper says the alloc became the pod: a reserved slice of one machine whose "
       "tasks share resources, like the containers of a pod.", "§2.4, §8.2"),
    _t("container", "container", "task",
       "A Borg task is one process group inside an alloc or on its own; a container is one "
       "of the processes of a pod.", "§2.3"),
    _t("deployment", "Deployment", "job",
       "A Borg job is a named group of tasks addressed by index; a Deployment finds its pods "
       "by a label selector and rolls them through ReplicaSets.", "§2, §8.1"),
    _t("replicaset", "ReplicaSet", "job",
       "Closest to one version of a Borg job's tasks (an alloc set for allocs); it keeps a "
       "count of pods matching a selector rather than numbered tasks.", "§2, §2.4"),
    _t("service", "Service", "BNS name",
       "A BNS name points at one task by index; a Service names every pod its selector "
       "matches and spreads requests across them.", "§2.6"),
    _t("endpoints", "Endpoints", "Chubby file",
       "Borg wrote each task's host and port to a Chubby file under its BNS name; Endpoints "
       "list the ready pods behind a Service.", "§2.6", k8s_plural="Endpoints"),
    _t("lease", "Lease", "Chubby lock",
       "Both elect a leader or show liveness; Chubby ran Paxos, a Lease is an ordinary "
       "object in the API store.", "§3.1"),
    _t("apiserver", "API server", "BorgMaster",
       "BorgMaster was one replicated program; Kubernetes split it into an API server and "
       "separate controllers.", "§3.1"),
    _t("controlplane", "control plane", "BorgMaster",
       "One Borg program (five replicas) versus several Kubernetes processes that talk only "
       "through the API.", "§3.1", borg_plural="BorgMasters"),
    _t("controller", "controller", "BorgMaster state machine",
       "Borg's reconciling logic lived inside BorgMaster; Kubernetes controllers are "
       "separate, level-triggered loops.", "§3.1"),
    _t("etcd", "etcd", "Paxos store",
       "Both keep the cluster state in a replicated, consistent store (Raft versus Paxos).",
       "§3.1", k8s_plural="etcd"),
    _t("scheduler", "scheduler", "scheduler",
       "Both are separate processes that check feasibility, then score; Borg added "
       "equivalence classes and relaxed randomisation for speed.", "§3.2, §3.4"),
    _t("kubelet", "kubelet", "Borglet",
       "Both start and watch the work on one machine; the BorgMaster polled Borglets, "
       "kubelets report to the API server themselves.", "§3.3"),
    _t("kubectl", "kubectl", "borgcfg",
       "borgcfg read BCL configuration programs; kubectl applies YAML manifests to the "
       "API.", "§2.3", k8s_plural="kubectl"),
    _t("dashboard", "dashboard", "Sigma",
       "Sigma showed jobs, tasks and \"why pending?\" to users; this dashboard shows API "
       "objects live.", "§2.6"),
    _t("priorityclass", "PriorityClass", "priority band",
       "Borg priorities came in bands (monitoring, production, batch, best-effort) with no "
       "preemption inside production; Kubernetes priorities are plain integers.", "§2.5",
       k8s_plural="PriorityClasses"),
    _t("resourcequota", "ResourceQuota", "quota",
       "Borg quota was a vector of resources per priority over time, checked at admission; "
       "Kubernetes quota has no time dimension.", "§2.5"),
    _t("request", "request", "reservation",
       "Both promise resources to the scheduler; Borg reclaimed the unused part of a "
       "reservation for batch work, Kubernetes does not.", "§5.5"),
    _t("limit", "limit", "limit",
       "Both cap what a task or container may use.", "§5.5"),
    _t("pending", "Pending", "pending",
       "Borg showed \"why pending?\" in Sigma; Kubernetes records FailedScheduling events "
       "and a PodScheduled condition.", "§2.6", k8s_plural="Pending",
       borg_plural="pending"),
    _t("preemption", "preemption", "preemption",
       "Both evict lower-priority work to fit higher; Borg's tasks got SIGTERM then "
       "SIGKILL, pods get their termination grace period.", "§2.3, §3.2"),
    _t("cordon", "cordon", None,
       "Borg drained machines for maintenance, but the paper names no cordon object or "
       "flag; here it is the node's spec.unschedulable.", ""),
    _t("namespace", "namespace", None,
       "Borg named jobs by cell, user and job name; it had no namespace object.", "§2.6"),
    _t("label", "label", None,
       "Borg had no labels: jobs and task indices were the only grouping, which the "
       "paper's lessons call too restrictive.", "§8.1"),
    _t("selector", "selector", None,
       "Borg had no selectors; a job simply owned its numbered tasks.", "§8.1"),
    _t("taint", "taint", None,
       "Borg used hard constraints on machine attributes; taints and tolerations are "
       "Kubernetes' own.", "§2.3"),
    _t("event", "event", None,
       "Borg kept job and task history in Infrastore and showed \"why pending?\"; there is "
       "no separate event object.", "§2.6"),
)

BY_KEY: dict[str, Term] = {t.key: t for t in TERMS}


def word(key: str, *, borg: bool = False, plural: bool = False) -> str:
    """The word to show for `key`; where Borg had none, the Kubernetes word stays."""
    t = BY_KEY[key]
    if borg and t.borg:
        return t.borg_plural if plural else t.borg  # type: ignore[return-value]
    return t.k8s_plural if plural else t.k8s


def as_dict() -> dict[str, dict]:
    return {t.key: asdict(t) for t in TERMS}


def as_json() -> str:
    return json.dumps(as_dict())
