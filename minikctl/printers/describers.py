"""kind -> describer, for the kinds whose describe is ``describe_<kind>(obj, ctx) -> str`` (see describe_workloads.py
for ``ctx``). Pods and Namespaces keep their own entry points in describe.py."""

from __future__ import annotations

from minikctl.printers import describe_config as config
from minikctl.printers import describe_network as network
from minikctl.printers import describe_workloads as workloads
from minikctl.printers.describe import describe_generic, describe_node

DESCRIBERS = {
    "Node": describe_node,
    "Deployment": workloads.describe_deployment,
    "ReplicaSet": workloads.describe_replicaset,
    "StatefulSet": workloads.describe_statefulset,
    "DaemonSet": workloads.describe_daemonset,
    "Job": workloads.describe_job,
    "CronJob": workloads.describe_cronjob,
    "ConfigMap": config.describe_configmap,
    "Secret": config.describe_secret,
    "ServiceAccount": config.describe_serviceaccount,
    "Service": network.describe_service,
    "Endpoints": network.describe_endpoints,
    "EndpointSlice": network.describe_endpointslice,
    # kubectl has no describer of its own for ControllerRevisions: its generic one prints every field
    "ControllerRevision": describe_generic,
}
