"""SHA-256 and MD5 for the identifiers minikctl derives (UIDs, spec hashes, image digests), without importing
``hashlib``: its import loads OpenSSL's libcrypto (~3 ms), a cost every command that writes would pay for a few
short digests. CPython's own implementations give the same digests (FIPS 180-4, RFC 1321); ``hashlib`` is the
fallback where they are not built in."""

from __future__ import annotations

try:
    from _sha256 import sha256  # CPython up to 3.11
except ImportError:  # pragma: no cover - the module's name on later versions
    try:
        from _sha2 import sha256  # CPython 3.12+
    except ImportError:
        from hashlib import sha256
try:
    from _md5 import md5
except ImportError:  # pragma: no cover
    from hashlib import md5

__all__ = ["md5", "sha256"]
