"""The root CA certificate publisher: a ``kube-root-ca.crt`` ConfigMap in every namespace
(``pkg/controller/certificates/rootcacertpublisher/publisher.go``, v1.32).

The ConfigMap holds the cluster's CA bundle (``ca.crt``), which the ``kube-api-access-*`` projected volume of
every pod mounts next to its token. ``namespaceAdded`` (and ``namespaceUpdated`` of an Active namespace) and an
update or deletion of the ConfigMap queue the namespace; ``syncNamespace`` creates the ConfigMap when it is
missing (a terminating namespace refuses it, and that is the end of it) and puts back its data and its
description annotation when someone changed them.

The simulated cluster's CA is one fixed self-signed certificate (CN=kubernetes), the same in every store.
"""

from __future__ import annotations

import json

from minikctl.kube import errors as E
from minikctl.store.changelog import DELETED

WRITER = "root-ca-certificate-publisher-controller"  # names.RootCACertificatePublisherController
CONFIGMAP = "kube-root-ca.crt"  # RootCACertConfigMapName
DESCRIPTION_ANNOTATION = "kubernetes.io/description"
DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
               "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
               "distributions of Kubernetes clusters.")

ROOT_CA = """-----BEGIN CERTIFICATE-----
MIIDAjCCAeqgAwIBAgIFHT9qK5wwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UEAwwK
a3ViZXJuZXRlczAeFw0yNTEyMzEyMzU1MDBaFw0zNTEyMjkyMzU1MDBaMBUxEzAR
BgNVBAMMCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIB
AQDGLwW+/WJjbGE0dnr1Fl7YdD/IyKd3+bBzoOCXSPznxJAFDqgQWFCkQDUm4qN8
DakNoAbA5qGIU5qL/dxQqzf3HeIkiJSYlVqO0fbPGt+KOOE/Q+Dtc5g9/SMyYe9x
ZJEuMw1PS6RgASWw8ZM/9Ty4OwjUGnE2Jt0dFFb+AkPmJfYLAZVeU0Y6TGhfyfL/
8p8iC5yiYK6V9gGhf3ZCEM7lf+6Ftn/kSnsUNapRZ1RH9PUNyv5fmx/iD8Mdv0qh
5xCESwoG3YRI0zKquz5v8HAFyPoEm/1oUmcYFihYUvOop8TCNCBp8bxs21RwDgfl
QuQaZTCwNEzwSGloORiMHP2BAgMBAAGjWTBXMA4GA1UdDwEB/wQEAwICpDAPBgNV
HRMBAf8EBTADAQH/MB0GA1UdDgQWBBRQJTTaDzEnlR8zmHIKIzkIvoj+KTAVBgNV
HREEDjAMggprdWJlcm5ldGVzMA0GCSqGSIb3DQEBCwUAA4IBAQBbYytkOq0JQxAU
xgxiZ2VDlL/qooKDU4f/tksV4HfWDvhdGdGDrDXeo764UFLMEZQEe7mKMQVjNyHz
74OZ5OT5ThNwr/lUGs6U+TAsctXWUT8C8G7lYYD94iRqoZsaa8og/C31eV70kG9K
woLSJukCh2YI/0STOgWgH26Bf7XsMu6Wem3/U8lSJTOQtrmbu406FZDZB0BfVR+3
xAJqx6CNbgkM3vhKXzqtYEX+B9Fcxekgh92fJlIKLNSZ8jCX5RVvxGxpYANYCC/u
pjoaWcm5wEL465sxZsJe5tSw+ZSqNYxgW/ML2PPAK1l9BMLIEWH4FBfzNQLzMe5w
3M0Gj+zx
-----END CERTIFICATE-----
"""


class RootCACertPublisher:
    name = WRITER
    watches = ("Namespace", "ConfigMap")
    owns = ()

    def __init__(self, loop) -> None:
        self.tx = loop.tx
        self.api = loop.api.as_writer(WRITER)
        self.queue: dict[str, None] = {}

    def observe(self, ch) -> None:
        if ch.kind == "Namespace":
            if ch.type == DELETED:
                return
            # namespaceAdded queues every new namespace, namespaceUpdated only an Active one
            if ch.type == "ADDED" or (ch.obj.get("status") or {}).get("phase") == "Active":
                self.queue[ch.name] = None
        elif ch.name == CONFIGMAP and ch.type != "ADDED" and ch.by != WRITER:
            self.queue[ch.namespace] = None  # configMapUpdated, configMapDeleted

    def has_work(self) -> bool:
        return bool(self.queue)

    def work(self) -> None:
        while self.queue:
            name = next(iter(self.queue))
            del self.queue[name]
            self.sync_namespace(name)

    def sync_namespace(self, namespace: str) -> None:
        """syncNamespace: create the ConfigMap, or put its data and description annotation back."""
        data = {"ca.crt": ROOT_CA}
        cm = self.tx.get("ConfigMap", namespace, CONFIGMAP)
        if cm is None:
            try:
                self.api.create({"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": CONFIGMAP, "namespace": namespace,
                                              "annotations": {DESCRIPTION_ANNOTATION: DESCRIPTION}},
                                 "data": data})
            except (E.NotFound, E.Forbidden, E.AlreadyExists):
                pass  # "don't retry a create if the namespace doesn't exist or is terminating"
            return
        meta = cm.get("metadata") or {}
        if cm.get("data") == data and (meta.get("annotations") or {}).get(DESCRIPTION_ANNOTATION):
            return
        if meta.get("deletionTimestamp"):
            return  # going away: the deletion brings it back here
        new = json.loads(json.dumps(cm))
        new["data"] = data
        new["metadata"].setdefault("annotations", {})[DESCRIPTION_ANNOTATION] = DESCRIPTION
        try:
            self.api.update(cm, new, verb="replacing")
        except E.MinikctlError:
            pass  # an immutable ConfigMap cannot be put back (the real publisher retries forever)

    def finish(self) -> None:
        pass
