"""A Borg-style job description → the Kubernetes Deployment it becomes.

The shape follows the job in Fig. 1 of the Borg paper (Verma et al., EuroSys 2015): a named
job, a binary, its args, resource requirements and a task count, plus the priority band
of §2.5. Written in YAML here:

    job:
      name: hello
      replicas: 3              # or task_count
      priority: production     # monitoring | production | batch | best-effort
      requirements: {cpu: 0.5, ram: 256M}
      binary: kubelab/hello:1  # Borg ran a binary from a package; here, an image
      args: [--port=8080]      # or a map, {port: 8080} → --port=8080

Borg had no labels (§8.1: jobs and task indices were the only grouping), so the Deployment
gets one label naming its job, which is how its pods find each other. Errors are returned
with the path of the job field they concern, so the editor can underline that line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scheduler.priorities import BANDS

BAND_NAMES = tuple(name for name, _value, _text in BANDS)
JOB_LABEL = "kubelab.io/borg-job"
KNOWN = {"name", "replicas", "task_count", "priority", "requirements", "binary", "args",
         "cell", "runtime"}
_RAM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?)?B?\s*$", re.IGNORECASE)
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
MAX_TASKS = 500  # the same classroom guard-rail as the scale buttons


@dataclass
class Translation:
    deployment: dict | None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (job field path, message)


def is_job(obj: Any) -> bool:
    """A document is a Borg job description when `job` is its only top-level key."""
    return isinstance(obj, dict) and set(obj) == {"job"}


def translate(obj: dict, namespace: str) -> Translation:
    job = obj.get("job")
    if not isinstance(job, dict):
        return Translation(None, [("job", "job must be a map of fields (name, replicas, "
                                          "priority, requirements, binary, args)")])
    errors: list[tuple[str, str]] = []
    for key in job:
        if key not in KNOWN:
            errors.append((f"job.{key}", f'unknown field "{key}" in a job; known fields: '
                                         f"{', '.join(sorted(KNOWN))}"))
    name = _name(job, errors)
    replicas = _replicas(job, errors)
    band = _priority(job, errors)
    requests = _requests(job.get("requirements"), errors)
    image = job.get("binary")
    if not isinstance(image, str) or not image.strip():
        errors.append(("job.binary", "binary is required: the image to run, e.g. "
                                     "kubelab/hello:1"))
    args = _args(job.get("args"), errors)
    if errors:
        return Translation(None, errors)
    labels = {JOB_LABEL: name}
    container: dict = {"name": name, "image": image.strip()}
    if args:
        container["args"] = args
    if requests:
        container["resources"] = {"requests": requests}
    pod_spec: dict = {"priorityClassName": band} if band else {}
    pod_spec["containers"] = [container]
    return Translation({
        "apiVersion": "apps/v1", "kind": "Deployment",
        # Separate copies of the labels: shared dicts would be dumped as YAML anchors.
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                 "template": {"metadata": {"labels": dict(labels)}, "spec": pod_spec}},
    })


def _name(job: dict, errors: list) -> str:
    name = job.get("name")
    if not isinstance(name, str) or not _NAME.match(name) or len(name) > 63:
        errors.append(("job.name", "name is required: lower-case letters, digits and '-', "
                                   "starting and ending with a letter or digit"))
        return ""
    return name


def _replicas(job: dict, errors: list) -> int:
    where = "job.task_count" if "task_count" in job else "job.replicas"
    count = job.get("task_count", job.get("replicas", 1))
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_TASKS:
        errors.append((where, f"the task count must be a whole number from 0 to {MAX_TASKS}"))
        return 0
    return count


def _priority(job: dict, errors: list) -> str:
    band = job.get("priority")
    if band is None:
        return ""
    if band == "prod":
        band = "production"  # the paper's shorthand (strictly, prod = the top two bands)
    if band not in BAND_NAMES:
        errors.append(("job.priority", f"priority must be one of the Borg bands: "
                                       f"{', '.join(BAND_NAMES)}"))
        return ""
    return band


def _requests(req: Any, errors: list) -> dict:
    if req is None:
        return {}
    if not isinstance(req, dict):
        errors.append(("job.requirements", "requirements must be a map, e.g. "
                                           "{cpu: 0.5, ram: 256M}"))
        return {}
    out: dict = {}
    for key, value in req.items():
        where = f"job.requirements.{key}"
        lowered = str(key).lower()
        if lowered == "cpu":
            cpu = cpu_quantity(value)
            if cpu is None:
                errors.append((where, "cpu is a number of cores, e.g. 0.5 (or 500m)"))
            else:
                out["cpu"] = cpu
        elif lowered in ("ram", "memory"):
            ram = ram_quantity(value)
            if ram is None:
                errors.append((where, "ram is a size, e.g. 256M or 1G (M and G are MiB "
                                      "and GiB here)"))
            else:
                out["memory"] = ram
        elif lowered == "disk":
            continue  # Borg reserved disk too; kubelab's nodes do not account for it
        else:
            errors.append((where, f'unknown requirement "{key}"; use cpu and ram'))
    return out


def cpu_quantity(value: Any) -> str | None:
    """Cores as Kubernetes writes them: 0.5 → "500m", 2 → "2"; "250m" passes through."""
    if isinstance(value, str) and re.fullmatch(r"\d+m", value.strip()):
        return value.strip()
    if isinstance(value, bool):
        return None
    try:
        cores = float(value)
    except (TypeError, ValueError):
        return None
    if not 0 < cores <= 1024:
        return None
    milli = round(cores * 1000)
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def ram_quantity(value: Any) -> str | None:
    """Borg configs wrote RAM = 100M; binary units are meant, so M → Mi, G → Gi.
    A bare number is MiB."""
    if isinstance(value, bool):
        return None
    match = _RAM.match(str(value))
    if not match or float(match.group(1)) <= 0:
        return None
    number, unit = match.group(1), (match.group(2) or "M")
    unit = unit[0].upper() + "i"
    if "." in number:  # quantities allow decimals, but whole units read better
        return f"{round(float(number) * 1024)}{_smaller(unit)}" if unit != "Ki" else None
    return f"{number}{unit}"


def _smaller(unit: str) -> str:
    return {"Mi": "Ki", "Gi": "Mi", "Ti": "Gi"}[unit]


def _args(args: Any, errors: list) -> list[str]:
    if args is None:
        return []
    if isinstance(args, dict):  # Fig. 1 style: args = { port = '%port%' }
        return [f"--{k}={v}" for k, v in args.items()]
    if isinstance(args, list) and all(isinstance(a, (str, int, float)) and
                                      not isinstance(a, bool) for a in args):
        return [str(a) for a in args]
    errors.append(("job.args", "args must be a list of words or a map of flags"))
    return []


# Deployment fields → the job field they came from, to underline a server error there.
_BACK = (("spec.replicas", "job.replicas"), ("metadata.name", "job.name"),
         ("spec.template.spec.priorityClassName", "job.priority"),
         ("spec.template.spec.containers[0].image", "job.binary"),
         ("spec.template.spec.containers[0].args", "job.args"),
         ("spec.template.spec.containers[0].resources.requests[cpu]", "job.requirements.cpu"),
         ("spec.template.spec.containers[0].resources.requests[memory]",
          "job.requirements.ram"),
         ("spec.template.spec.containers[0].resources", "job.requirements"))


def job_field_for(deployment_field: str, job: dict) -> str:
    """Which job field a cause about the translated Deployment belongs to."""
    for prefix, target in _BACK:
        if deployment_field.startswith(prefix):
            if target == "job.replicas" and "task_count" in job:
                return "job.task_count"
            if target == "job.requirements.ram" and "memory" in (job.get("requirements") or {}):
                return "job.requirements.memory"
            return target
    return "job"
