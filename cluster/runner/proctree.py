"""Read the process table from /proc: groups, descendants, liveness (zombies count as dead).

Zombies matter because whoever inherits an orphan may never reap it; signalling a
zombie "succeeds", so `kill(pid, 0)` alone would report a stopped process as alive.
"""
from __future__ import annotations

import ctypes
import os
import signal
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL):
    """A Popen preexec_fn: the child gets `sig` when its parent dies, even by SIGKILL.

    SIGKILL by default: an orphaned Celery worker answers SIGTERM with a warm shutdown
    that can wait forever, meanwhile taking tasks from whoever reuses its Redis DB; and
    every process here is built to be killed and restarted without losing work. nginx
    gets SIGTERM instead, since a killed master leaves its workers holding the port.
    (Linux ties this to the thread that forked: start children from a long-lived thread.)
    """
    def preexec() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig)
        except (OSError, AttributeError):
            pass  # not Linux: the normal stop path still applies
    return preexec


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    pgid: int
    state: str
    start_time: int  # clock ticks since boot: with pid, identifies a process uniquely
    comm: str


def read_proc(pid: int) -> ProcInfo | None:
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm is in parentheses and may itself contain spaces or parentheses.
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return ProcInfo(
        pid=pid,
        ppid=int(fields[1]),
        pgid=int(fields[2]),
        state=fields[0],
        start_time=int(fields[19]),
        comm=comm,
    )


def all_procs() -> list[ProcInfo]:
    infos = []
    for entry in os.listdir(PROC):
        if entry.isdigit():
            info = read_proc(int(entry))
            if info is not None:
                infos.append(info)
    return infos


def live_group_members(pgid: int) -> list[ProcInfo]:
    return [p for p in all_procs() if p.pgid == pgid and p.state != "Z"]


def descendants(pid: int) -> list[ProcInfo]:
    """Every live process below `pid` in the tree (children, grandchildren, ...)."""
    procs = all_procs()
    children: dict[int, list[ProcInfo]] = {}
    for p in procs:
        children.setdefault(p.ppid, []).append(p)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child.state != "Z":
                found.append(child)
                todo.append(child.pid)
    return found


def still_alive(info: ProcInfo) -> bool:
    """True if the very same process (same pid and start time) runs and is not a zombie."""
    now = read_proc(info.pid)
    return now is not None and now.start_time == info.start_time and now.state != "Z"
