"""Run named processes, prefix their output, notice deaths, stop them all cleanly.

Each child gets its own session (so its process group can be signalled as a whole,
reaching gunicorn/nginx workers too, and a terminal's Ctrl-C reaches only us) and
PR_SET_PDEATHSIG (so even if we are SIGKILLed, no child outlives us).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import TextIO

from cluster.runner.processes import ProcessSpec
from cluster.runner.proctree import PROC, die_with_parent, live_group_members

STOP_TIMEOUT = 10.0


def signal_group(pid: int, sig: int) -> bool:
    """Signal a whole process group; False when it no longer exists."""
    try:
        os.killpg(pid, sig)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return False


def group_alive(pgid: int) -> bool:
    if PROC.exists():
        return bool(live_group_members(pgid))
    return signal_group(pgid, 0)


@dataclass
class Managed:
    spec: ProcessSpec
    proc: subprocess.Popen
    reader: threading.Thread
    stopping: bool = False


class Supervisor:
    """Start processes in order, stop them in reverse order; output goes to `out`."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self._lock = threading.Lock()
        self._procs: list[Managed] = []

    # -- output --------------------------------------------------------------
    def say(self, name: str, line: str) -> None:
        """Write one prefixed line; the lock keeps lines of different processes whole."""
        with self._lock:
            self.out.write(f"[{name}] {line.rstrip()}\n")
            self.out.flush()

    def raw(self, line: str) -> None:
        """Write one line without a prefix (e.g. the ready line that scripts wait for)."""
        with self._lock:
            self.out.write(line.rstrip() + "\n")
            self.out.flush()

    def _pump(self, name: str, stream: TextIO) -> None:
        for line in stream:
            self.say(name, line)
        stream.close()

    # -- lifecycle -----------------------------------------------------------
    def start(self, spec: ProcessSpec) -> subprocess.Popen:
        proc = subprocess.Popen(
            spec.argv,
            env=spec.env or None,
            cwd=spec.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
            start_new_session=True,
            preexec_fn=die_with_parent(spec.death_signal),
        )
        reader = threading.Thread(
            target=self._pump, args=(spec.name, proc.stdout), name=f"out-{spec.name}", daemon=True
        )
        reader.start()
        self._procs.append(Managed(spec, proc, reader))
        self.say("supervisor", f"started {spec.name} (pid {proc.pid})")
        return proc

    def start_all(self, specs: list[ProcessSpec]) -> None:
        for spec in specs:
            self.start(spec)

    @property
    def pids(self) -> dict[str, int]:
        return {m.spec.name: m.proc.pid for m in self._procs}

    def dead(self) -> list[tuple[str, int]]:
        """Processes that exited without being asked to: (name, exit code)."""
        return [
            (m.spec.name, m.proc.returncode)
            for m in self._procs
            if not m.stopping and m.proc.poll() is not None
        ]

    def wait(self, stop_event: threading.Event | None = None, poll: float = 0.5) -> tuple[str, int]:
        """Block until a process dies unexpectedly (returns it) or stop_event is set."""
        while stop_event is None or not stop_event.is_set():
            died = self.dead()
            if died:
                name, code = died[0]
                self.say("supervisor", f"{name} exited unexpectedly with code {code}")
                return died[0]
            time.sleep(poll)
        return ("", 0)

    # -- fault injection (tests): one process down and up again --------------
    def _managed(self, name: str) -> Managed:
        for managed in self._procs:
            if managed.spec.name == name:
                return managed
        raise KeyError(f"no process named {name!r}")

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout: float = STOP_TIMEOUT) -> int:
        """Signal one process's whole group (a SIGKILL is a crash, not a stop) and wait
        for it. Marked as stopping first, so `dead()` does not report it. Returns its pid."""
        managed = self._managed(name)
        managed.stopping = True
        signal_group(managed.proc.pid, sig)
        try:
            managed.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            signal_group(managed.proc.pid, signal.SIGKILL)
            managed.proc.wait()
        managed.reader.join(timeout=2)
        self.say("supervisor", f"{name} killed with signal {sig} (exit {managed.proc.returncode})")
        return managed.proc.pid

    def restart(self, name: str) -> subprocess.Popen:
        """Start `name` again from its spec (stopping it first if it still runs); it keeps
        its place in the stop order."""
        old = self._managed(name)
        if old.proc.poll() is None:
            self._stop_one(old, STOP_TIMEOUT)
        index = self._procs.index(old)
        proc = self.start(old.spec)
        self._procs[index] = self._procs.pop()
        return proc

    def stop_all(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM each group in reverse start order, SIGKILL what is left after `timeout`."""
        for managed in reversed(self._procs):
            self._stop_one(managed, timeout)
        self._procs.clear()

    def _stop_one(self, managed: Managed, timeout: float) -> None:
        managed.stopping = True
        proc, name = managed.proc, managed.spec.name
        pgid = proc.pid  # start_new_session: the group id is the leader's pid
        signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        # Wait for the leader, then for any group member it left behind.
        while time.monotonic() < deadline:
            if proc.poll() is not None and not group_alive(pgid):
                break
            time.sleep(0.05)
        else:
            self.say("supervisor", f"{name} did not stop in {timeout:.0f}s, killing it")
            signal_group(pgid, signal.SIGKILL)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        managed.reader.join(timeout=2)
        self.say("supervisor", f"stopped {name} (exit {proc.returncode})")
