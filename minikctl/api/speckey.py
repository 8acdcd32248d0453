"""A pod spec as a memo key: the work that depends only on an admitted spec, done once per template.

The pods created from one manifest (``apply -f`` of thousands of them, a ReplicaSet's replicas) differ, once
admitted, only by the name of their service-account token volume: ``kube-api-access-`` and five generated
characters (api/defaults.py ``_mount_service_account_token``, the ServiceAccount admission plugin's
``mountServiceAccountToken``). ``spec_key`` is the spec's JSON with that name, where the volume and the
containers' mounts of it hold it, replaced by ``PLACEHOLDER``, so that those pods share one key; the callers
keep what a key gave (validation that found nothing to refuse, a create's FieldsV1 of the spec) and reuse it.

Renaming the token volume consistently (the volume and every mount of it) to another name of the same shape is
invisible to those computations, and the key is refused (None) unless the rename is exactly that: the generated
name appears nowhere else in the spec, and the placeholder nowhere but where it was put.
"""

from __future__ import annotations

import json
import re

PLACEHOLDER = "kube-api-access-00000"  # the shape of a generated name; "0" is not in the generated alphabet
_GENERATED = re.compile(r"kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}")  # Tx.name_suffix's alphabet
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


_last: tuple = (None, None)  # the spec spec_key was last asked about, and its answer (one tuple: set at once)


def spec_key(spec, again: bool = False) -> tuple[str, str] | None:
    """(the key, the token volume's name or "") of a pod spec; None when it has none (not JSON, or a name
    that could not be replaced safely).

    ``again``: the caller knows that the spec has not changed since the last call, if that call was about this
    very spec (Api.create validates a pod, then records its create's fields): its answer is given again,
    once."""
    global _last
    if not isinstance(spec, dict):
        return None
    last = _last
    if again and last[0] is spec:
        _last = (None, None)
        return last[1]
    found = _key(spec)
    _last = (spec, found)
    return found


def _key(spec: dict) -> tuple[str, str] | None:
    name = ""
    places: list[dict] = []
    volumes = spec.get("volumes")
    if isinstance(volumes, list):
        for v in volumes:
            n = v.get("name") if isinstance(v, dict) else None
            if isinstance(n, str) and _GENERATED.fullmatch(n):
                name = n
                break
    if name:
        places = [v for v in volumes if isinstance(v, dict) and v.get("name") == name]
        for field in ("initContainers", "containers", "ephemeralContainers"):
            containers = spec.get(field)
            for c in containers if isinstance(containers, list) else ():
                mounts = c.get("volumeMounts") if isinstance(c, dict) else None
                for m in mounts if isinstance(mounts, list) else ():
                    if isinstance(m, dict) and m.get("name") == name:
                        places.append(m)
        for p in places:  # in place (the key keeps each map's order), put back below
            p["name"] = PLACEHOLDER
    try:
        text = _encode(spec)
    except (TypeError, ValueError, RecursionError):  # not JSON (a YAML timestamp, a cycle): no key
        return None
    finally:
        for p in places:
            p["name"] = name
    if text.count(PLACEHOLDER) != len(places) or (name and name in text):
        return None
    return text, name
