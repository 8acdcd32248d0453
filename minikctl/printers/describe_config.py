"""kubectl describe for ConfigMaps, Secrets and ServiceAccounts, as kubectl 1.32 prints them.

Ports of staging/src/k8s.io/kubectl/pkg/describe/describe.go (kubectl v0.32.4): ConfigMapDescriber,
SecretDescriber and ServiceAccountDescriber. Same ``describe_<kind>(obj, ctx) -> str`` shape and ``ctx`` as
describe_workloads.py.

kubectl walks a ConfigMap's and a Secret's data with Go's map iteration, whose order changes from run to run; here
the keys come sorted, which is one of the orders kubectl prints.
"""

from __future__ import annotations

import base64
import binascii

from minikctl.printers.describe import Writer, annotations_multiline, describe_events, labels_multiline

SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token"
SERVICE_ACCOUNT_NAME_KEY = "kubernetes.io/service-account.name"
SERVICE_ACCOUNT_UID_KEY = "kubernetes.io/service-account.uid"


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _decoded(value) -> bytes:
    """A []byte field as the server sends it: base64 text."""
    if value is None:
        return b""
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return str(value).encode("utf-8", errors="surrogateescape")


def _header(w: Writer, obj: dict) -> None:
    meta = _meta(obj)
    w.w(0, f"Name:\t{meta.get('name', '')}\n")
    w.w(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))


def describe_configmap(obj: dict, ctx) -> str:
    """ConfigMapDescriber: each data key, a ``----`` rule, its value and a blank line; then the binaryData keys
    with their sizes in bytes; the values go through the tabwriter like every other line (TABs in them align)."""
    w = Writer()
    _header(w, obj)
    w.w(0, "\nData\n====\n")
    data = obj.get("data") or {}
    for key in sorted(data):
        w.w(0, f"{key}:\n----\n")
        w.w(0, f"{data[key]}\n")
        w.w(0, "\n")
    w.w(0, "\nBinaryData\n====\n")
    binary = obj.get("binaryData") or {}
    for key in sorted(binary):
        w.w(0, f"{key}: {len(_decoded(binary[key]))} bytes\n")
    w.w(0, "\n")
    events = ctx.events(obj)
    if events is not None:
        describe_events(w, events, ctx.now_ms)
    return w.text()


def describe_secret(obj: dict, ctx) -> str:
    """SecretDescriber: the type, then each data key with its size in bytes; a service-account token secret shows
    its ``token`` in clear. No events: kubectl does not look them up for Secrets."""
    w = Writer()
    _header(w, obj)
    secret_type = obj.get("type") or ""
    w.w(0, f"\nType:\t{secret_type}\n")
    w.w(0, "\nData\n====\n")
    data = obj.get("data") or {}
    for key in sorted(data):
        value = _decoded(data[key])
        if key == "token" and secret_type == SERVICE_ACCOUNT_TOKEN:
            w.w(0, f"{key}:\t{value.decode('utf-8', errors='replace')}\n")
        else:
            w.w(0, f"{key}:\t{len(value)} bytes\n")
    return w.text()


def describe_serviceaccount(obj: dict, ctx) -> str:
    """ServiceAccountDescriber: image pull secrets, mountable secrets and tokens (the namespace's
    service-account-token secrets annotated with this account's name and UID); a referenced secret that does not
    exist is marked ``(not found)``."""
    meta = _meta(obj)
    secrets = ctx.list("Secret", meta.get("namespace"))
    existing = {_meta(s).get("name", "") for s in secrets}
    tokens = [_meta(s).get("name", "") for s in secrets
              if s.get("type") == SERVICE_ACCOUNT_TOKEN
              and (_meta(s).get("annotations") or {}).get(SERVICE_ACCOUNT_NAME_KEY, "") == meta.get("name", "")
              and (_meta(s).get("annotations") or {}).get(SERVICE_ACCOUNT_UID_KEY, "") == meta.get("uid", "")]
    pull = [ref.get("name", "") for ref in obj.get("imagePullSecrets") or []]
    mount = [ref.get("name", "") for ref in obj.get("secrets") or []]
    missing = {name for name in pull + mount if name not in existing}

    w = Writer()
    _header(w, obj)
    empty_header = "                   "
    # the headers in sorted order, as kubectl lists them from a set
    for header, names in (("Image pull secrets:", pull), ("Mountable secrets: ", mount),
                          ("Tokens:            ", tokens)):
        if not names:
            w.w(0, f"{header}\t<none>\n")
            continue
        prefix = header
        for name in names:
            w.w(0, f"{prefix}\t{name} (not found)\n" if name in missing else f"{prefix}\t{name}\n")
            prefix = empty_header
    events = ctx.events(obj)
    if events is not None:
        describe_events(w, events, ctx.now_ms)
    return w.text()
