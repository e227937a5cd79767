"""The benchmarks' goals and the outside figures (anchors) they are set against: one
table that bench/charts.py and its readers share."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    """One metric: its goal (None: none stated), which way is better, where the goal is
    written, and the outside figure it is set against (with its source), if any."""
    label: str
    unit: str
    better: str  # "lower" or "higher"
    goal: float | None
    source: str
    anchor: str = ""

    def met(self, value: float) -> bool:
        return value <= self.goal if self.better == "lower" else value >= self.goal


# Anchors, as docs/benchmarks.md states them (its introduction), with their sources.
K8S_API_SLO = ("Kubernetes SLO: API call p99 ≤ 1 s for single-object calls "
               "(kubernetes/community sig-scalability/slos/slos.md)")
DJANGO_WRITES = ("a bare Django write view: 260–700 writes/s on this machine "
                 "(shared/perf-notes.md)")
K8S_STARTUP_SLO = ("Kubernetes SLO: pod startup p99 ≤ 5 s "
                   "(kubernetes/community sig-scalability/slos/pod_startup_latency.md)")
BORG_STARTUP = "Borg: median task start-up ~25 s, package installation included (Borg paper §3.2)"
KWOK = ("KWOK: claims 20 objects/s; its CI allows 120 s for 10,000 pods "
        "(kwok.sigs.k8s.io)")
SCHEDULER_CI = ("kube-scheduler's CI (scheduler_perf): 680–810 pods/s on 5,000 fake nodes; "
                "real clusters report 100–300 pods/s; Borg: >10,000 task arrivals a minute "
                "in a cell (Borg paper §3.4)")

# The one table of goals: every goal here is the one the benchmark script (or
# docs/benchmarks.md) states; None where the script reports a figure without a goal.
GOALS: dict[str, Goal] = {
    "api.create_p99": Goal("create p99", "ms", "lower", 50, "bench/api.py", K8S_API_SLO),
    "api.get_p99": Goal("get p99", "ms", "lower", 50, "bench/api.py", K8S_API_SLO),
    "api.update_p99": Goal("update p99", "ms", "lower", 50, "bench/api.py", K8S_API_SLO),
    "api.list_p99": Goal("list 1,000 pods p99", "ms", "lower", 150, "bench/api.py"),
    "api.watch_p99": Goal("create sent → watch event p99", "ms", "lower", 50,
                          "bench/api.py (commit → watch)"),
    "api.watch_answered_p99": Goal("create answered → watch event p99", "ms", "lower", None,
                                   "bench/api.py"),
    "api.creates_per_s": Goal("closed-loop pod creates", "/s", "higher", 200, "bench/api.py",
                              DJANGO_WRITES),
    "api.gets_per_s": Goal("closed-loop gets", "/s", "higher", 800, "bench/api.py"),
    "controllers.all_available_s": Goal("Deployments all Available", "s", "lower", 10,
                                        "bench/controllers.py"),
    "controllers.scale_s": Goal("0 → N replicas all Running", "s", "lower", 20,
                                "bench/controllers.py"),
    "controllers.replacement_p99": Goal("pod replacement p99", "s", "lower", 1,
                                        "bench/controllers.py"),
    "controllers.docker_replacement_p99": Goal("replacement on Docker p99", "s", "lower", 2,
                                               "bench/controllers.py"),
    "controllers_10k.scale_s": Goal("0 → 10,000 replicas on 1,000 nodes, all Running", "s",
                                    "lower", 60, "bench/controllers.py (issue 5)", KWOK),
    "nodes_sim.nodes_ready_s": Goal("simulated nodes Ready", "s", "lower", 10,
                                    "bench/nodes_sim.py", KWOK),
    "nodes_sim.pods_created_s": Goal("bound pods created", "s", "lower", None,
                                     "bench/nodes_sim.py"),
    "nodes_sim.pods_running_s": Goal("first create → all Running", "s", "lower", None,
                                     "bench/nodes_sim.py", KWOK),
    "nodes_sim.rss_idle_mib": Goal("simulator RSS, no pods", "MiB", "lower", None,
                                   "bench/nodes_sim.py"),
    "nodes_sim.rss_loaded_mib": Goal("simulator RSS with pods", "MiB", "lower", None,
                                     "bench/nodes_sim.py"),
    "ui.latency_p50_ms": Goal("create → chip p50", "ms", "lower", None, "bench/ui.py"),
    "ui.latency_p99_ms": Goal("create → chip p99", "ms", "lower", 100, "bench/ui.py"),
    "ui.longest_task_ms": Goal("longest task in a burst", "ms", "lower", 100, "bench/ui.py"),
    "ui.page_burst_longest_task_ms": Goal("longest task, burst made in the page", "ms",
                                          "lower", 100, "bench/ui.py"),
    "ui.first_paint_s": Goal("first paint", "s", "lower", 3, "bench/ui.py"),
    "timetravel.seek_p50_ms": Goal("seek p50", "ms", "lower", None, "bench/timetravel.py"),
    "timetravel.seek_p95_ms": Goal("seek p95", "ms", "lower", 500, "bench/timetravel.py"),
    "timetravel.seek_max_ms": Goal("seek max", "ms", "lower", 500, "bench/timetravel.py"),
    "editor.feedback_p50_ms": Goal("feedback p50", "ms", "lower", None, "bench/editor.py"),
    "editor.feedback_p95_ms": Goal("feedback p95", "ms", "lower", 300, "bench/editor.py"),
    "editor.feedback_max_ms": Goal("feedback max", "ms", "lower", None, "bench/editor.py"),
    "classroom.worst_p99_ms": Goal("worst screen's commit → screen p99", "ms", "lower", 200,
                                   "bench/classroom.py (issue 8)"),
    "classroom.teacher_p99_ms": Goal("teacher's screen p99", "ms", "lower", 200,
                                     "bench/classroom.py (issue 8)"),
    "classroom.student_p99_median_ms": Goal("median student screen p99", "ms", "lower", 200,
                                            "bench/classroom.py (issue 8)"),
    # docs/benchmarks.md's scheduler prose: "the goal of 300 pods/s" (with the annotation).
    "scheduler.pods_per_s": Goal("pods bound", "/s", "higher", 300,
                                 "docs/benchmarks.md (scheduler)", SCHEDULER_CI),
    "scheduler.cycle_p99_ms": Goal("cycle p99", "ms", "lower", None, "bench/scheduler.py"),
    "nodes_docker.paced_p99_s": Goal("paced created → Running p99", "s", "lower", 1.5,
                                     "bench/nodes_docker.py",
                                     f"{K8S_STARTUP_SLO}; {BORG_STARTUP}"),
    "nodes_docker.burst_p99_s": Goal("burst created → Running p99", "s", "lower", None,
                                     "bench/nodes_docker.py"),
}

# Every benchmark with a reader, and what to run when its results file is not there yet
# (older runs of these two scripts wrote only their section of benchmarks.md).
NO_RESULTS_FILE = {
    "scheduler": ("no bench/results/scheduler.json yet: run bench/scheduler.py",
                  SCHEDULER_CI),
    "nodes_docker": ("no bench/results/nodes_docker.json yet: run bench/nodes_docker.py "
                     "(goal: paced p99 ≤ 1.5 s)", f"{K8S_STARTUP_SLO}; {BORG_STARTUP}"),
}

