"""JSON encoders (the store's, the API's, the engine's), with the stdlib's per-call setup done once.

``json.JSONEncoder.encode`` builds the C encoder anew on every call (Lib/json/encoder.py ``JSONEncoder.iterencode``
with ``_one_shot``: ``c_make_encoder(markers, default, encoder, indent, key_separator, item_separator, sort_keys,
skipkeys, allow_nan)``, then ``''.join`` of what it gives); the store encodes tens of thousands of small texts in an
advance (event bodies, objects, history summaries), for which that setup is a good part of the cost. ``encoder``
makes that C encoder once, with the arguments ``iterencode`` gives it, and joins what it gives as ``encode`` does.
It is used only when it gives ``encode``'s very text for a sample of every kind of value (else, and where the
interpreter has no C encoder, ``encode`` itself is): the arguments are the stdlib's own, private to it.

No cycle check (``markers`` None, as ``check_circular=False``): what the store encodes is decoded JSON or built
from it, never a cycle; the text is the same (the check only keeps a dict of the containers it enters).
MINIKCTL_NO_JSON_ONCE=1 takes ``encode`` everywhere."""

from __future__ import annotations

import json
import os

_SAMPLE = {"b": [1, -2.5, 1e300, True, False, None, "é\u2028\"\\\n\x01"], "a": {"": "x", "z": []}, "c": 10 ** 20}


_MADE: dict = {}  # (sort_keys, ensure_ascii) -> the encoder: made and checked once a process (it keeps no state)


def encoder(sort_keys: bool = False, ensure_ascii: bool = False):
    """The encoder for these settings (``_make``), shared by every module that asks for it."""
    if os.environ.get("MINIKCTL_NO_JSON_ONCE", "") not in ("", "0"):
        return _plain(sort_keys, ensure_ascii).encode
    made = _MADE.get((sort_keys, ensure_ascii))
    if made is None:
        made = _MADE[(sort_keys, ensure_ascii)] = _make(sort_keys, ensure_ascii)
    return made


def _plain(sort_keys: bool, ensure_ascii: bool) -> json.JSONEncoder:
    return json.JSONEncoder(separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=ensure_ascii,
                            check_circular=False)


def _make(sort_keys: bool, ensure_ascii: bool):
    """What ``json.JSONEncoder(separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=ensure_ascii,
    check_circular=False).encode`` gives, made without setting up the encoder on every call."""
    plain = _plain(sort_keys, ensure_ascii)
    from json import encoder as stdlib

    make = getattr(stdlib, "c_make_encoder", None)
    if make is None:
        return plain.encode
    try:
        c = make(None, plain.default,
                 stdlib.encode_basestring_ascii if ensure_ascii else stdlib.encode_basestring,
                 None, plain.key_separator, plain.item_separator, sort_keys, plain.skipkeys, plain.allow_nan)

        def encode(o, _c=c, _join="".join):
            return _join(_c(o, 0))

        for o in (_SAMPLE, list(_SAMPLE.values()), "é\"", 1.5, 7, None, True, []):
            if encode(o) != plain.encode(o):
                return plain.encode
    except Exception:  # another interpreter's private arguments
        return plain.encode
    return encode
