"""A Borg-style job description becomes a Deployment (no browser)."""
from __future__ import annotations

from dashboard.editor_borg import cpu_quantity, is_job, job_field_for, ram_quantity, translate


def job(**fields) -> dict:
    base = {"name": "hello", "replicas": 3, "priority": "production",
            "requirements": {"cpu": 0.5, "ram": "256M"}, "binary": "kubelab/hello:1",
            "args": ["/bin/httpd", "-f", "-p", "8080"]}
    base.update(fields)
    return {"job": base}


def test_a_job_becomes_a_deployment_with_its_replicas_priority_and_requests():
    dep = translate(job(), "class").deployment
    assert dep["kind"] == "Deployment" and dep["apiVersion"] == "apps/v1"
    assert dep["metadata"] == {"name": "hello", "namespace": "class",
                               "labels": {"kubelab.io/borg-job": "hello"}}
    assert dep["spec"]["replicas"] == 3
    assert dep["spec"]["selector"]["matchLabels"] == {"kubelab.io/borg-job": "hello"}
    pod = dep["spec"]["template"]["spec"]
    assert pod["priorityClassName"] == "production"
    container = pod["containers"][0]
    assert container["image"] == "kubelab/hello:1"
    assert container["args"] == ["/bin/httpd", "-f", "-p", "8080"]
    assert container["resources"] == {"requests": {"cpu": "500m", "memory": "256Mi"}}


def test_task_count_and_map_args_are_accepted():
    dep = translate(job(replicas=None, task_count=5, args={"port": 8080}), "ns").deployment
    assert dep["spec"]["replicas"] == 5
    assert dep["spec"]["template"]["spec"]["containers"][0]["args"] == ["--port=8080"]


def test_every_borg_band_is_a_priority_class():
    for band in ("monitoring", "production", "batch", "best-effort"):
        pod = translate(job(priority=band), "ns").deployment["spec"]["template"]["spec"]
        assert pod["priorityClassName"] == band


def test_mistakes_are_reported_at_the_job_field():
    result = translate(job(priority="urgent", replicas=-1, binary="",
                           requirements={"cpu": "lots", "gpu": 1}, colour="red"), "ns")
    assert result.deployment is None
    fields = dict(result.errors)
    assert "monitoring, production, batch, best-effort" in fields["job.priority"]
    assert set(fields) == {"job.priority", "job.replicas", "job.binary",
                           "job.requirements.cpu", "job.requirements.gpu", "job.colour"}


def test_quantities_read_the_borg_way():
    assert cpu_quantity(0.5) == "500m" and cpu_quantity(2) == "2" and cpu_quantity("250m") == "250m"
    assert cpu_quantity(0) is None and cpu_quantity(True) is None
    assert ram_quantity("256M") == "256Mi" and ram_quantity("1G") == "1Gi"
    assert ram_quantity(128) == "128Mi" and ram_quantity("0.5G") == "512Mi"
    assert ram_quantity("512Mi") == "512Mi" and ram_quantity("lots") is None


def test_only_a_lone_job_key_is_a_job_and_server_errors_map_back():
    assert is_job({"job": {}}) and not is_job({"job": {}, "kind": "Pod"})
    j = job()["job"]
    assert job_field_for("spec.template.spec.containers[0].image", j) == "job.binary"
    assert job_field_for("spec.replicas", {"task_count": 2}) == "job.task_count"
    assert job_field_for("metadata.labels", j) == "job"
