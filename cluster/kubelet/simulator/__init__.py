"""The node simulator (kubelab's KWOK, Borg's Fauxmaster): one process plays many nodes.

`manage.py simulate-nodes N` runs `engine.Simulator`. Modules: `settings` (delays and
rates from the environment), `fleet` (node names, addresses, zones, failure requests),
`lifecycle` (a pod's simulated containers as a function of time, pure), `listener`
(the Redis events channel, filtered to this simulator's nodes), `engine` (the loop).
"""
