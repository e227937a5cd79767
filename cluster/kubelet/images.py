"""Local images without a registry: built from busybox-static with `docker import`.

This machine's engine cannot pull, so every kubelet makes sure, at start, that the
few images the lessons use exist locally. Each image is a tar of a minimal root
(/bin/busybox, one symlink per applet, a few files) plus the Dockerfile-style
changes `docker import` accepts (CMD, ENV, LABEL). A content hash in a label lets a
kubelet rebuild an image whose definition changed; a file lock makes two kubelets
starting together build each image once.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import json
import logging
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("kubelab.kubelet.images")

BUSYBOX = Path("/bin/busybox")
LOCK_PATH = Path(tempfile.gettempdir()) / "kubelab-images.lock"
HASH_LABEL = "kubelab.image.hash"

# PID 1 gets no default signal handlers, so the pause loop traps TERM itself; `wait`
# returns as soon as the trap fires, so the container stops at once.
PAUSE_SCRIPT = 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'

HELLO_CGI = """#!/bin/sh
# kubelab/hello: who answered, so load balancing and rolling updates are visible.
echo "Content-Type: text/plain"
echo ""
echo "hello from kubelab/hello:{version} pod=$(hostname) ip=$(hostname -i 2>/dev/null)"
"""


@dataclass(frozen=True)
class ImageSpec:
    repository: str
    tag: str
    changes: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)  # path in image -> text (mode 755)
    aliases: tuple[str, ...] = ()  # extra "repo:tag" names for the same image

    @property
    def ref(self) -> str:
        return f"{self.repository}:{self.tag}"

    def digest(self) -> str:
        text = repr((self.changes, sorted(self.files.items()), _busybox_id()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _busybox_id() -> str:
    st = BUSYBOX.stat()
    return f"{st.st_size}-{int(st.st_mtime)}"


_ENV = 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'


def _hello(version: int) -> ImageSpec:
    return ImageSpec(
        "kubelab/hello", str(version),
        (_ENV, f"ENV HELLO_VERSION={version}", "EXPOSE 8080",
         'CMD ["/bin/httpd", "-f", "-p", "8080", "-h", "/www"]'),
        # busybox httpd runs cgi-bin/index.cgi for "/" when there is no index.html.
        {"www/cgi-bin/index.cgi": HELLO_CGI.format(version=version)},
    )


IMAGES: tuple[ImageSpec, ...] = (
    ImageSpec("kubelab/pause", "latest",
              (_ENV, "CMD " + json.dumps(["/bin/sh", "-c", PAUSE_SCRIPT]))),
    ImageSpec("kubelab/busybox", "latest", (_ENV, 'CMD ["/bin/sh"]'),
              aliases=("busybox:latest",)),
    _hello(1),
    _hello(2),
)
PAUSE_IMAGE = "kubelab/pause:latest"


def offline_images() -> list[str]:
    """Every image name a kubelet can provide without a registry."""
    names: list[str] = []
    for spec in IMAGES:
        names.append(spec.ref)
        names.extend(spec.aliases)
    return names


def root_tar(spec: ImageSpec) -> bytes:
    """The image's root file system as an uncompressed tar."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d in ("bin", "etc", "tmp", "proc", "sys", "dev", "root", "var", "www",
                  "www/cgi-bin", "usr", "usr/bin", "sbin"):
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        tar.add(str(BUSYBOX), arcname="bin/busybox")
        for applet in _applets():
            if applet == "busybox":
                continue
            info = tarfile.TarInfo(f"bin/{applet}")
            info.type = tarfile.SYMTYPE
            info.linkname = "busybox"
            tar.addfile(info)
        files = {"etc/passwd": "root:x:0:0:root:/root:/bin/sh\n"
                               "nobody:x:65534:65534::/:/bin/false\n",
                 "etc/group": "root:x:0:\nnogroup:x:65534:\n", **spec.files}
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o755 if path.startswith("www/") else 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _applets() -> list[str]:
    done = subprocess.run([str(BUSYBOX), "--list"], capture_output=True, text=True,
                          check=True, timeout=10)
    return [a for a in done.stdout.split() if a and "/" not in a]


def _present(client, spec: ImageSpec) -> bool:
    """The image exists under every name and was built from the current definition."""
    try:
        image = client.images.get(spec.ref)
    except Exception:  # noqa: BLE001  (docker.errors.ImageNotFound and friends)
        return False
    if (image.labels or {}).get(HASH_LABEL) != spec.digest():
        return False
    return all(alias in image.tags for alias in spec.aliases)


def _build(client, spec: ImageSpec) -> None:
    changes = [*spec.changes, f"LABEL {HASH_LABEL}={spec.digest()}"]
    client.api.import_image(src=root_tar(spec), repository=spec.repository, tag=spec.tag,
                            changes=changes)
    for alias in spec.aliases:
        repo, _, tag = alias.rpartition(":")
        client.api.tag(spec.ref, repo, tag)


def ensure_images(client, lock_path: Path = LOCK_PATH) -> list[str]:
    """Build every missing or outdated offline image; returns the refs built.

    Idempotent. Kubelets starting together serialise on a file lock and re-check
    under it, so each image is imported once.
    """
    if all(_present(client, spec) for spec in IMAGES):
        return []
    built: list[str] = []
    started = time.monotonic()
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for spec in IMAGES:
                if not _present(client, spec):
                    _build(client, spec)
                    built.append(spec.ref)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if built:
        log.info("built images %s in %.1f s", ", ".join(built), time.monotonic() - started)
    return built


def image_present(client, ref: str) -> bool:
    try:
        client.images.get(ref)
        return True
    except Exception:  # noqa: BLE001
        return False


def local_images(client) -> list[dict]:
    """Node status `images`: names and sizes of what this engine holds."""
    out = []
    for image in client.images.list():
        if image.tags:
            out.append({"names": list(image.tags), "sizeBytes": int(image.attrs.get("Size") or 0)})
    return out
