"""Known fields of each kind (Kubernetes 1.32), as plain data.

A schema node is one of:
- a dict: an object with exactly these field names (value = the field's schema);
- a one-element list `[node]`: a JSON array whose items follow `node`;
- a string type code (below) for leaves and free-form subtrees.

Used for two things: `fieldValidation=Strict` (unknown field names) and JSON type checks.
The lists aim to be generous: missing an obscure real field would reject a valid manifest.
"""

from __future__ import annotations

from typing import Any

S = "string"
I = "integer"  # noqa: E741 - one-letter codes keep the tables below readable
B = "boolean"
N = "number"
Q = "quantity"  # string or number, e.g. "500m", "1Gi", 2
IS = "int-or-string"
ANY = "any"  # anything at all
OBJ = "object"  # any JSON object, keys not checked
MAP_S = "map[string]string"  # free-form keys, string values (labels, annotations, selectors)
MAP_Q = "map[string]quantity"  # free-form keys, quantity values (resources)

Schema = Any  # dict | list | str, see module docstring

OWNER_REFERENCE = {"apiVersion": S, "kind": S, "name": S, "uid": S, "controller": B,
                   "blockOwnerDeletion": B}
MANAGED_FIELDS = {"manager": S, "operation": S, "apiVersion": S, "time": S, "fieldsType": S,
                  "fieldsV1": OBJ, "subresource": S}
OBJECT_META = {
    "name": S, "generateName": S, "namespace": S, "selfLink": S, "uid": S,
    "resourceVersion": S, "generation": I, "creationTimestamp": S, "deletionTimestamp": S,
    "deletionGracePeriodSeconds": I, "labels": MAP_S, "annotations": MAP_S,
    "ownerReferences": [OWNER_REFERENCE], "finalizers": [S], "managedFields": [MANAGED_FIELDS],
}
OBJECT_REFERENCE = {"kind": S, "namespace": S, "name": S, "uid": S, "apiVersion": S,
                    "resourceVersion": S, "fieldPath": S}
LOCAL_REF = {"name": S}
LABEL_SELECTOR = {
    "matchLabels": MAP_S,
    "matchExpressions": [{"key": S, "operator": S, "values": [S]}],
}
CONDITION = {"type": S, "status": S, "observedGeneration": I, "lastHeartbeatTime": S,
             "lastProbeTime": S, "lastUpdateTime": S, "lastTransitionTime": S, "reason": S,
             "message": S}

# --- pod spec pieces -------------------------------------------------------------------------
KEY_TO_PATH = {"key": S, "path": S, "mode": I}
FIELD_REF = {"apiVersion": S, "fieldPath": S}
RESOURCE_FIELD_REF = {"containerName": S, "resource": S, "divisor": Q}
KEY_SELECTOR = {"name": S, "key": S, "optional": B}
ENV_VAR = {"name": S, "value": S, "valueFrom": {
    "fieldRef": FIELD_REF, "resourceFieldRef": RESOURCE_FIELD_REF,
    "configMapKeyRef": KEY_SELECTOR, "secretKeyRef": KEY_SELECTOR}}
ENV_FROM = {"prefix": S, "configMapRef": {"name": S, "optional": B},
            "secretRef": {"name": S, "optional": B}}
CONTAINER_PORT = {"name": S, "hostPort": I, "containerPort": I, "protocol": S, "hostIP": S}
RESOURCES = {"limits": MAP_Q, "requests": MAP_Q, "claims": [{"name": S, "request": S}]}
VOLUME_MOUNT = {"name": S, "readOnly": B, "recursiveReadOnly": S, "mountPath": S,
                "subPath": S, "mountPropagation": S, "subPathExpr": S}
EXEC = {"command": [S]}
HTTP_GET = {"path": S, "port": IS, "host": S, "scheme": S,
            "httpHeaders": [{"name": S, "value": S}]}
TCP_SOCKET = {"port": IS, "host": S}
PROBE = {
    "exec": EXEC, "httpGet": HTTP_GET, "tcpSocket": TCP_SOCKET,
    "grpc": {"port": I, "service": S},
    "initialDelaySeconds": I, "timeoutSeconds": I, "periodSeconds": I, "successThreshold": I,
    "failureThreshold": I, "terminationGracePeriodSeconds": I,
}
LIFECYCLE_HANDLER = {"exec": EXEC, "httpGet": HTTP_GET, "tcpSocket": TCP_SOCKET,
                     "sleep": {"seconds": I}}
SE_LINUX = {"user": S, "role": S, "type": S, "level": S}
WINDOWS_OPTIONS = {"gmsaCredentialSpecName": S, "gmsaCredentialSpec": S, "runAsUserName": S,
                   "hostProcess": B}
PROFILE = {"type": S, "localhostProfile": S}
SECURITY_CONTEXT = {
    "capabilities": {"add": [S], "drop": [S]}, "privileged": B, "seLinuxOptions": SE_LINUX,
    "windowsOptions": WINDOWS_OPTIONS, "runAsUser": I, "runAsGroup": I, "runAsNonRoot": B,
    "readOnlyRootFilesystem": B, "allowPrivilegeEscalation": B, "procMount": S,
    "seccompProfile": PROFILE, "appArmorProfile": PROFILE,
}
POD_SECURITY_CONTEXT = {
    "seLinuxOptions": SE_LINUX, "windowsOptions": WINDOWS_OPTIONS, "runAsUser": I,
    "runAsGroup": I, "runAsNonRoot": B, "supplementalGroups": [I],
    "supplementalGroupsPolicy": S, "fsGroup": I, "sysctls": [{"name": S, "value": S}],
    "fsGroupChangePolicy": S, "seccompProfile": PROFILE, "appArmorProfile": PROFILE,
    "seLinuxChangePolicy": S,
}
CONTAINER = {
    "name": S, "image": S, "command": [S], "args": [S], "workingDir": S,
    "ports": [CONTAINER_PORT], "envFrom": [ENV_FROM], "env": [ENV_VAR], "resources": RESOURCES,
    "resizePolicy": [{"resourceName": S, "restartPolicy": S}], "restartPolicy": S,
    "volumeMounts": [VOLUME_MOUNT], "volumeDevices": [{"name": S, "devicePath": S}],
    "livenessProbe": PROBE, "readinessProbe": PROBE, "startupProbe": PROBE,
    "lifecycle": {"postStart": LIFECYCLE_HANDLER, "preStop": LIFECYCLE_HANDLER,
                  "stopSignal": S},
    "terminationMessagePath": S, "terminationMessagePolicy": S, "imagePullPolicy": S,
    "securityContext": SECURITY_CONTEXT, "stdin": B, "stdinOnce": B, "tty": B,
}
EPHEMERAL_CONTAINER = {**CONTAINER, "targetContainerName": S}

NODE_SELECTOR_REQ = {"key": S, "operator": S, "values": [S]}
NODE_SELECTOR_TERM = {"matchExpressions": [NODE_SELECTOR_REQ],
                      "matchFields": [NODE_SELECTOR_REQ]}
POD_AFFINITY_TERM = {"labelSelector": LABEL_SELECTOR, "namespaces": [S], "topologyKey": S,
                     "namespaceSelector": LABEL_SELECTOR, "matchLabelKeys": [S],
                     "mismatchLabelKeys": [S]}
POD_AFFINITY = {
    "requiredDuringSchedulingIgnoredDuringExecution": [POD_AFFINITY_TERM],
    "preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": I, "podAffinityTerm": POD_AFFINITY_TERM}],
}
AFFINITY = {
    "nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [NODE_SELECTOR_TERM]},
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": I, "preference": NODE_SELECTOR_TERM}],
    },
    "podAffinity": POD_AFFINITY,
    "podAntiAffinity": POD_AFFINITY,
}
TOLERATION = {"key": S, "operator": S, "value": S, "effect": S, "tolerationSeconds": I}
TOPOLOGY_SPREAD = {"maxSkew": I, "topologyKey": S, "whenUnsatisfiable": S,
                   "labelSelector": LABEL_SELECTOR, "minDomains": I, "nodeAffinityPolicy": S,
                   "nodeTaintsPolicy": S, "matchLabelKeys": [S]}

DOWNWARD_FILE = {"path": S, "fieldRef": FIELD_REF, "resourceFieldRef": RESOURCE_FIELD_REF,
                 "mode": I}
PROJECTION = {
    "secret": {"name": S, "items": [KEY_TO_PATH], "optional": B},
    "configMap": {"name": S, "items": [KEY_TO_PATH], "optional": B},
    "downwardAPI": {"items": [DOWNWARD_FILE]},
    "serviceAccountToken": {"audience": S, "expirationSeconds": I, "path": S},
    "clusterTrustBundle": {"name": S, "signerName": S, "labelSelector": LABEL_SELECTOR,
                           "optional": B, "path": S},
}
# Common volume sources are spelled out; legacy in-tree/cloud ones are accepted free-form.
VOLUME_SOURCES: dict[str, Schema] = {
    "emptyDir": {"medium": S, "sizeLimit": Q},
    "configMap": {"name": S, "items": [KEY_TO_PATH], "defaultMode": I, "optional": B},
    "secret": {"secretName": S, "items": [KEY_TO_PATH], "defaultMode": I, "optional": B},
    "hostPath": {"path": S, "type": S},
    "persistentVolumeClaim": {"claimName": S, "readOnly": B},
    "projected": {"sources": [PROJECTION], "defaultMode": I},
    "downwardAPI": {"items": [DOWNWARD_FILE], "defaultMode": I},
    "nfs": {"server": S, "path": S, "readOnly": B},
    "csi": {"driver": S, "readOnly": B, "fsType": S, "volumeAttributes": MAP_S,
            "nodePublishSecretRef": LOCAL_REF},
    "ephemeral": {"volumeClaimTemplate": {"metadata": OBJECT_META, "spec": OBJ}},
    "image": {"reference": S, "pullPolicy": S},
    **{name: OBJ for name in (
        "gitRepo", "awsElasticBlockStore", "gcePersistentDisk", "azureDisk", "azureFile",
        "cephfs", "cinder", "fc", "flexVolume", "flocker", "glusterfs", "iscsi",
        "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos",
        "vsphereVolume")},
}
VOLUME = {"name": S, **VOLUME_SOURCES}

POD_SPEC = {
    "volumes": [VOLUME], "initContainers": [CONTAINER], "containers": [CONTAINER],
    "ephemeralContainers": [EPHEMERAL_CONTAINER], "restartPolicy": S,
    "terminationGracePeriodSeconds": I, "activeDeadlineSeconds": I, "dnsPolicy": S,
    "nodeSelector": MAP_S, "serviceAccountName": S, "serviceAccount": S,
    "automountServiceAccountToken": B, "nodeName": S, "hostNetwork": B, "hostPID": B,
    "hostIPC": B, "shareProcessNamespace": B, "securityContext": POD_SECURITY_CONTEXT,
    "imagePullSecrets": [LOCAL_REF], "hostname": S, "subdomain": S, "affinity": AFFINITY,
    "schedulerName": S, "tolerations": [TOLERATION],
    "hostAliases": [{"ip": S, "hostnames": [S]}], "priorityClassName": S, "priority": I,
    "dnsConfig": {"nameservers": [S], "searches": [S],
                  "options": [{"name": S, "value": S}]},
    "readinessGates": [{"conditionType": S}], "runtimeClassName": S, "enableServiceLinks": B,
    "preemptionPolicy": S, "overhead": MAP_Q, "topologySpreadConstraints": [TOPOLOGY_SPREAD],
    "setHostnameAsFQDN": B, "os": {"name": S}, "hostUsers": B,
    "schedulingGates": [{"name": S}],
    "resourceClaims": [{"name": S, "resourceClaimName": S, "resourceClaimTemplateName": S,
                        "source": {"resourceClaimName": S, "resourceClaimTemplateName": S}}],
    "resources": RESOURCES,
}
POD_TEMPLATE = {"metadata": OBJECT_META, "spec": POD_SPEC}

# --- workloads -------------------------------------------------------------------------------
DEPLOYMENT_SPEC = {
    "replicas": I, "selector": LABEL_SELECTOR, "template": POD_TEMPLATE,
    "strategy": {"type": S, "rollingUpdate": {"maxUnavailable": IS, "maxSurge": IS}},
    "minReadySeconds": I, "revisionHistoryLimit": I, "paused": B, "progressDeadlineSeconds": I,
}
DEPLOYMENT_STATUS = {
    "observedGeneration": I, "replicas": I, "updatedReplicas": I, "readyReplicas": I,
    "availableReplicas": I, "unavailableReplicas": I, "terminatingReplicas": I,
    "conditions": [CONDITION], "collisionCount": I,
}
REPLICASET_SPEC = {"replicas": I, "minReadySeconds": I, "selector": LABEL_SELECTOR,
                   "template": POD_TEMPLATE}
REPLICASET_STATUS = {"replicas": I, "fullyLabeledReplicas": I, "readyReplicas": I,
                     "availableReplicas": I, "terminatingReplicas": I,
                     "observedGeneration": I, "conditions": [CONDITION]}

# --- services & endpoints --------------------------------------------------------------------
SERVICE_PORT = {"name": S, "protocol": S, "appProtocol": S, "port": I, "targetPort": IS,
                "nodePort": I}
SERVICE_SPEC = {
    "ports": [SERVICE_PORT], "selector": MAP_S, "clusterIP": S, "clusterIPs": [S], "type": S,
    "externalIPs": [S], "sessionAffinity": S, "loadBalancerIP": S,
    "loadBalancerSourceRanges": [S], "externalName": S, "externalTrafficPolicy": S,
    "healthCheckNodePort": I, "publishNotReadyAddresses": B,
    "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": I}}, "ipFamilies": [S],
    "ipFamilyPolicy": S, "allocateLoadBalancerNodePorts": B, "loadBalancerClass": S,
    "internalTrafficPolicy": S, "trafficDistribution": S,
}
SERVICE_STATUS = {
    "loadBalancer": {"ingress": [{
        "ip": S, "hostname": S, "ipMode": S,
        "ports": [{"port": I, "protocol": S, "error": S}]}]},
    "conditions": [CONDITION],
}
ENDPOINT_ADDRESS = {"ip": S, "hostname": S, "nodeName": S, "targetRef": OBJECT_REFERENCE}
ENDPOINT_SUBSET = {
    "addresses": [ENDPOINT_ADDRESS], "notReadyAddresses": [ENDPOINT_ADDRESS],
    "ports": [{"name": S, "port": I, "protocol": S, "appProtocol": S}],
}

# --- cluster objects -------------------------------------------------------------------------
TAINT = {"key": S, "value": S, "effect": S, "timeAdded": S}
NODE_SPEC = {"podCIDR": S, "podCIDRs": [S], "providerID": S, "unschedulable": B,
             "taints": [TAINT], "configSource": OBJ, "externalID": S}
NODE_STATUS = {
    "capacity": MAP_Q, "allocatable": MAP_Q, "phase": S, "conditions": [CONDITION],
    "addresses": [{"type": S, "address": S}],
    "daemonEndpoints": {"kubeletEndpoint": {"Port": I}},
    "nodeInfo": {"machineID": S, "systemUUID": S, "bootID": S, "kernelVersion": S,
                 "osImage": S, "containerRuntimeVersion": S, "kubeletVersion": S,
                 "kubeProxyVersion": S, "operatingSystem": S, "architecture": S,
                 "swap": {"capacity": I}},
    "images": [{"names": [S], "sizeBytes": I}], "volumesInUse": [S],
    "volumesAttached": [{"name": S, "devicePath": S}], "config": OBJ,
    "runtimeHandlers": [OBJ], "features": OBJ,
}
SCOPE_SELECTOR = {"matchExpressions": [{"scopeName": S, "operator": S, "values": [S]}]}
RESOURCE_QUOTA_SPEC = {"hard": MAP_Q, "scopes": [S], "scopeSelector": SCOPE_SELECTOR}
RESOURCE_QUOTA_STATUS = {"hard": MAP_Q, "used": MAP_Q}
LIMIT_RANGE_ITEM = {"type": S, "max": MAP_Q, "min": MAP_Q, "default": MAP_Q,
                    "defaultRequest": MAP_Q, "maxLimitRequestRatio": MAP_Q}
LEASE_SPEC = {"holderIdentity": S, "leaseDurationSeconds": I, "acquireTime": S,
              "renewTime": S, "leaseTransitions": I, "strategy": S, "preferredHolder": S}


def _top(spec: Schema = None, status: Schema = None, **extra: Schema) -> dict:
    node: dict = {"apiVersion": S, "kind": S, "metadata": OBJECT_META}
    if spec is not None:
        node["spec"] = spec
    if status is not None:
        node["status"] = status
    node.update(extra)
    return node


KINDS: dict[str, dict] = {
    # Pod status is written by the kubelet/our controllers; accept it free-form.
    "Pod": _top(POD_SPEC, OBJ),
    "Deployment": _top(DEPLOYMENT_SPEC, DEPLOYMENT_STATUS),
    "ReplicaSet": _top(REPLICASET_SPEC, REPLICASET_STATUS),
    "Service": _top(SERVICE_SPEC, SERVICE_STATUS),
    "Endpoints": _top(subsets=[ENDPOINT_SUBSET]),
    "Namespace": _top({"finalizers": [S]}, {"phase": S, "conditions": [CONDITION]}),
    "Node": _top(NODE_SPEC, NODE_STATUS),
    "Lease": _top(LEASE_SPEC),
    "ResourceQuota": _top(RESOURCE_QUOTA_SPEC, RESOURCE_QUOTA_STATUS),
    "LimitRange": _top({"limits": [LIMIT_RANGE_ITEM]}),
    "Event": _top(
        involvedObject=OBJECT_REFERENCE, reason=S, message=S,
        source={"component": S, "host": S}, firstTimestamp=S, lastTimestamp=S, count=I,
        type=S, eventTime=S, series={"count": I, "lastObservedTime": S}, action=S,
        related=OBJECT_REFERENCE, reportingComponent=S, reportingInstance=S,
    ),
}
