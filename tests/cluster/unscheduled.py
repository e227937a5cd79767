"""Pods for store and API tests that no scheduler or kubelet will touch.

The session cluster runs the real controllers, scheduler and simulated nodes; a pod
naming a scheduler nobody serves stays Pending and unchanged, so a test of the store
sees only its own writes. Bound pods in these tests name a node no kubelet plays.
"""
NO_SCHEDULER = "kubelab-test-nobody"
GHOST_NODE = "ghost-node"
