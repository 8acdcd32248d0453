"""The controllers of the simulated control plane, in the order they react at one instant.

Each is a component of ``engine/loop.py`` (``observe``/``work``/``due``/``finish``) and writes only through
the API. The scheduler and the kubelets are components too; the loop puts them first.
"""

from __future__ import annotations

from minikctl.engine.controllers.garbagecollector import GarbageCollector
from minikctl.engine.controllers.namespace import NamespaceController
from minikctl.engine.controllers.rootcacert import RootCACertPublisher
from minikctl.engine.controllers.serviceaccount import ServiceAccountsController

CONTROLLERS = [GarbageCollector, NamespaceController, ServiceAccountsController, RootCACertPublisher]
