"""Pod Security admission: the Kubernetes `baseline` profile everywhere, `restricted` where a
namespace asks for it (label `pod-security.kubernetes.io/enforce: restricted`), host paths
never, and the teacher's image allow-list.

Containers come from students' manifests and run on the classroom's Docker engine, so
this is enforced for Pods and for the pod templates of Deployments and ReplicaSets alike
(Kubernetes only warns on templates; refusing at apply time is clearer for a student).
"""
from __future__ import annotations

import fnmatch
from typing import Any

ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
# Capabilities the baseline profile allows a container to add.
BASELINE_CAPABILITIES = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
                         "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
                         "SYS_CHROOT"}
SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
                "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
                      "persistentVolumeClaim", "projected", "secret"}
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list:
    return value if isinstance(value, list) else []


def _containers(spec: dict):
    for field in _CONTAINER_LISTS:
        for c in _l(spec.get(field)):
            if isinstance(c, dict):
                yield c


def _seccomp_type(ctx: dict) -> str | None:
    return _d(ctx.get("seccompProfile")).get("type")


def baseline_violations(spec: dict) -> list[str]:
    """Reasons, in Kubernetes' words, that a pod spec breaks the baseline profile."""
    found: list[str] = []
    for field, label in (("hostNetwork", "hostNetwork=true"), ("hostPID", "hostPID=true"),
                         ("hostIPC", "hostIPC=true")):
        if spec.get(field) is True:
            found.append(f"host namespaces ({label})")
    host_paths = [str(v.get("name")) for v in _l(spec.get("volumes"))
                  if isinstance(v, dict) and "hostPath" in v]
    if host_paths:
        found.append(f"hostPath volumes (volumes {', '.join(map(repr, host_paths))})")
    pod_ctx = _d(spec.get("securityContext"))
    if _seccomp_type(pod_ctx) == "Unconfined":
        found.append('seccompProfile (pod must not set securityContext.seccompProfile.type to '
                     '"Unconfined")')
    unsafe = [s.get("name") for s in _l(pod_ctx.get("sysctls"))
              if isinstance(s, dict) and s.get("name") not in SAFE_SYSCTLS]
    if unsafe:
        found.append(f"forbidden sysctls ({', '.join(map(str, unsafe))})")
    for c in _containers(spec):
        name = c.get("name")
        ctx = _d(c.get("securityContext"))
        if ctx.get("privileged") is True:
            found.append(f'privileged (container "{name}" must not set '
                         "securityContext.privileged=true)")
        added = [str(x) for x in _l(_d(ctx.get("capabilities")).get("add"))
                 if str(x) not in BASELINE_CAPABILITIES]
        if added:
            found.append(f'non-default capabilities (container "{name}" must not include '
                         f'{", ".join(map(repr, added))} in securityContext.capabilities.add)')
        if [p for p in _l(c.get("ports")) if isinstance(p, dict) and p.get("hostPort")]:
            found.append(f'hostPort (container "{name}" uses hostPort)')
        if ctx.get("procMount") not in (None, "Default"):
            found.append(f'procMount (container "{name}" must not set '
                         "securityContext.procMount)")
        if _seccomp_type(ctx) == "Unconfined":
            found.append(f'seccompProfile (container "{name}" must not set '
                         'securityContext.seccompProfile.type to "Unconfined")')
        if _d(ctx.get("seLinuxOptions")).get("type") not in (None, "", "container_t",
                                                             "container_init_t",
                                                             "container_kvm_t"):
            found.append(f'seLinuxOptions (container "{name}" sets a forbidden type)')
    return found


def restricted_violations(spec: dict) -> list[str]:
    """What the restricted profile adds on top of baseline."""
    found: list[str] = []
    bad_volumes = [str(v.get("name")) for v in _l(spec.get("volumes"))
                   if isinstance(v, dict) and not (set(v) - {"name"}) <= RESTRICTED_VOLUMES]
    if bad_volumes:
        found.append(f"restricted volume types (volumes {', '.join(map(repr, bad_volumes))})")
    pod_ctx = _d(spec.get("securityContext"))
    for c in _containers(spec):
        name = c.get("name")
        ctx = _d(c.get("securityContext"))
        if ctx.get("allowPrivilegeEscalation") is not False:
            found.append(f'allowPrivilegeEscalation != false (container "{name}" must set '
                         "securityContext.allowPrivilegeEscalation=false)")
        if "ALL" not in [str(x) for x in _l(_d(ctx.get("capabilities")).get("drop"))]:
            found.append(f'unrestricted capabilities (container "{name}" must set '
                         'securityContext.capabilities.drop=["ALL"])')
        extra = [str(x) for x in _l(_d(ctx.get("capabilities")).get("add"))
                 if str(x) != "NET_BIND_SERVICE"]
        if extra:
            found.append(f'unrestricted capabilities (container "{name}" must not add '
                         f'{", ".join(map(repr, extra))})')
        non_root = ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot"))
        if non_root is not True:
            found.append(f'runAsNonRoot != true (container "{name}" must set '
                         "securityContext.runAsNonRoot=true)")
        if ctx.get("runAsUser", pod_ctx.get("runAsUser")) == 0:
            found.append(f'runAsUser=0 (container "{name}" must not run as root)')
        seccomp = _seccomp_type(ctx) or _seccomp_type(pod_ctx)
        if seccomp not in ("RuntimeDefault", "Localhost"):
            found.append(f'seccompProfile (container "{name}" must set '
                         'securityContext.seccompProfile.type to "RuntimeDefault" or '
                         '"Localhost")')
    return found


def image_violations(spec: dict, allowed: list[str]) -> list[str]:
    """Images outside the teacher's allow-list (glob patterns); an empty list allows all."""
    if not allowed:
        return []
    bad = [str(c.get("image")) for c in _containers(spec)
           if not any(fnmatch.fnmatchcase(str(c.get("image")), p) for p in allowed)]
    if not bad:
        return []
    return [f"images not on the allow-list ({', '.join(map(repr, bad))}; allowed: "
            f"{', '.join(allowed)})"]


def check(spec: dict, level: str, allowed_images: list[str]) -> tuple[str, list[str]]:
    """(profile name, violations) for a pod spec at the namespace's level."""
    found = baseline_violations(spec)
    profile = "baseline"
    if level == "restricted":
        profile = "restricted"
        found += [v for v in restricted_violations(spec) if v not in found]
    return profile, found + image_violations(spec, allowed_images)
