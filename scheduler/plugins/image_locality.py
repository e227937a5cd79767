"""ImageLocality (Borg: package locality): prefer nodes that already hold the pod's
images, by their total size. Simplified: no spread factor over nodes."""
from __future__ import annotations

from scheduler.framework import MAX_SCORE, CycleState, NodeInfo, PodInfo

MIN_SIZE = 23 * 1024 * 1024
MAX_SIZE = 1000 * 1024 * 1024


def _names(image: str) -> tuple[str, ...]:
    # Nodes report images with their tag; an untagged reference means :latest.
    return (image,) if ":" in image.rsplit("/", 1)[-1] else (image, f"{image}:latest")


class ImageLocality:
    name = "ImageLocality"

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        containers = pod.spec.get("containers") or []
        if not containers or not node.images:
            return 0
        total = 0
        for c in containers:
            for name in _names(str(c.get("image") or "")):
                if name in node.images:
                    total += node.images[name]
                    break
        top = MAX_SIZE * len(containers)
        clamped = min(max(total, MIN_SIZE), top)
        return int(MAX_SCORE * (clamped - MIN_SIZE) / (top - MIN_SIZE))
