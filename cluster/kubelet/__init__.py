"""Node agents (kubelab's kubelets): what a node tells the cluster about itself and its pods.

`node_agent` registers a Node, keeps its Lease fresh and flips its Ready condition;
`pod_status` builds Kubernetes pod status from a simple per-container description;
`batch` groups many store writes into one transaction. The Docker kubelet and the
node simulator (`simulator/`) both build on these.
"""
