"""Offline images built from busybox-static."""
from __future__ import annotations

import io
import tarfile

import pytest

from cluster.kubelet import images
from cluster.runner.services import docker_answers


def test_root_tar_holds_busybox_applet_links_and_the_hello_cgi():
    spec = next(s for s in images.IMAGES if s.ref == "kubelab/hello:2")
    with tarfile.open(fileobj=io.BytesIO(images.root_tar(spec))) as tar:
        names = set(tar.getnames())
        sh = tar.getmember("bin/sh")
        cgi = tar.extractfile("www/cgi-bin/index.cgi").read().decode()
    assert "bin/busybox" in names and sh.issym() and sh.linkname == "busybox"
    assert "kubelab/hello:2" in cgi


def test_offline_images_name_every_lesson_image_and_the_busybox_alias():
    assert {"kubelab/pause:latest", "kubelab/busybox:latest", "kubelab/hello:1",
            "kubelab/hello:2", "busybox:latest"} <= set(images.offline_images())


@pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")
def test_ensure_images_is_idempotent_and_builds_runnable_images():
    import docker

    client = docker.from_env()
    images.ensure_images(client)
    assert images.ensure_images(client) == []  # second call: nothing to build
    out = client.containers.run("busybox", ["sh", "-c", "echo ok"], remove=True,
                                labels={"kubelab": "1"})
    assert out.strip() == b"ok"


@pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers")
def test_two_kubelets_racing_build_each_image_once(tmp_path):
    import threading

    import docker

    client = docker.from_env()
    spec = images.IMAGES[-1]
    client.images.remove(spec.ref, force=True)
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(
        images.ensure_images(docker.from_env(), tmp_path / "lock"))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r) for r in results) == [0, 1]
    assert images.image_present(client, spec.ref)
