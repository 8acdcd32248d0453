"""The controllers of the simulated control plane, in the order they react at one instant.

Each is a component of ``engine/loop.py`` (``observe``/``work``/``due``/``finish``) and writes only through
the API. The scheduler and the kubelets are components too; the loop puts them first.
"""

from __future__ import annotations

from minikctl.engine.controllers.daemonset import DaemonSetController
from minikctl.engine.controllers.deployment import DeploymentController
from minikctl.engine.controllers.endpoints import EndpointsController, EndpointSliceController
from minikctl.engine.controllers.cronjob import CronJobController
from minikctl.engine.controllers.garbagecollector import GarbageCollector
from minikctl.engine.controllers.job import JobController
from minikctl.engine.controllers.namespace import NamespaceController
from minikctl.engine.controllers.nodelifecycle import NodeLifecycleController
from minikctl.engine.controllers.podgc import PodGarbageCollector
from minikctl.engine.controllers.replicaset import ReplicaSetController
from minikctl.engine.controllers.rootcacert import RootCACertPublisher
from minikctl.engine.controllers.serviceaccount import ServiceAccountsController
from minikctl.engine.controllers.statefulset import StatefulSetController
from minikctl.engine.controllers.tainteviction import TaintEvictionController
from minikctl.engine.controllers.ttlafterfinished import TTLAfterFinishedController

CONTROLLERS = [GarbageCollector, NamespaceController, ServiceAccountsController, RootCACertPublisher,
               PodGarbageCollector, NodeLifecycleController, TaintEvictionController, DeploymentController,
               ReplicaSetController, StatefulSetController, DaemonSetController, JobController, CronJobController,
               TTLAfterFinishedController, EndpointsController, EndpointSliceController]
