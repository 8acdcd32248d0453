"""The registry: one module per served kind holding its strategy, as kube-apiserver's ``pkg/registry/<group>/<kind>``.

A kind's module may define any of the names below; what it leaves out comes from ``base.py`` (the behaviour
of a plain object with metadata only). The API server (``minikctl/api/server.py``) is generic over them:
it never names a kind.

  default(obj, ctx)                 create-time defaulting (the Go ``SetDefaults_*`` functions) and mutating
                                    admission; ``ctx`` is the API (name suffixes, lookups)
  prepare_create(obj)               ``PrepareForCreate``: reset what a client may not set (status, generation)
  prepare_update(old, new) -> obj   decoding's defaults, then ``BeforeUpdate``/``PrepareForUpdate`` of the
                                    main resource (keep status, bump generation): the object to validate
  prepare_status_update(old, new)   the same for the status subresource (keep everything else)
  validate(obj) -> [FieldError]     ``Validate``
  validate_update(old, new)         ``ValidateUpdate`` (the new object's own validation included)
  validate_status_update(old, new)  the status subresource's ``ValidateUpdate``
  validate_on_decode                whether the kind's JSON Schema checks types and unknown fields (True)
  RAW_FIELDS                        top-level fields stored verbatim, nulls included (``runtime.RawExtension``)
  FIELDS                            selectable fields: {"spec.nodeName": getter, ...} (``GetAttrs``)
  COLUMNS, WIDE_COLUMNS, row(obj, now_ms, wide)   the table the server prints for ``get`` (``printers.go``)
  WIDE_ORDER                        the -o wide headers when the wide columns are not all last (else None)
  NAME_COLUMN                       (default, wide): the index of the column of format "name" (None: none)
  ROW_FIELDS                        the paths ``row`` reads, when a listing may fetch only those
  delete(api, obj, grace) -> dict|None   deletion: graceful (``CheckGracefulDelete``) or at once; returns the
                                    object as left (None: removed)
  SUBRESOURCE_UPDATES               {subresource: (prepare(old, new), validate(old, new))}: updates through a
                                    subresource with a strategy of its own (pods/ephemeralcontainers)
  admitted_fields(sent, obj) -> [path]  the fields of a created object that mutating admission added (not the
                                    creating manager's: its managedFields entry tracks the object as decoded and
                                    defaulted), as FieldsV1 path tuples
  present(obj, now_ms, tx) -> dict  what a read answers for a stored object at ``now_ms``, for a kind whose
                                    simulated writer is left implicit (a node Lease's renewals); None: as stored
"""

from __future__ import annotations

import sys

from minikctl.api.registry import base
from minikctl.kube.kinds import Resource

_NAMES = ("default", "prepare_create", "prepare_update", "prepare_status_update", "validate", "validate_update",
          "validate_status_update", "validate_on_decode", "RAW_FIELDS", "FIELDS", "COLUMNS",
          "WIDE_COLUMNS", "WIDE_ORDER", "NAME_COLUMN", "row", "ROW_FIELDS", "delete", "present",
          "SUBRESOURCE_UPDATES", "admitted_fields")


class Strategy:
    """A kind's strategy: its module's names, the base behaviour for the rest."""

    def __init__(self, res: Resource, module) -> None:
        self.res = res
        self.kind = res.kind
        for name in _NAMES:
            setattr(self, name, getattr(module, name, getattr(base, name)))


_CACHE: dict[str, Strategy] = {}


def strategy(res: Resource) -> Strategy:
    s = _CACHE.get(res.kind)
    if s is None:
        name = f"minikctl.api.registry.{res.module}"
        __import__(name)  # importlib.import_module without importing importlib (and warnings) on every command
        s = _CACHE[res.kind] = Strategy(res, sys.modules[name])
    return s


def for_object(obj: dict) -> Strategy | None:
    from minikctl.kube.kinds import for_kind

    res = for_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
    return strategy(res) if res else None
