"""crypto/tls.X509KeyPair's checks, for ``create secret tls`` (kubectl 1.32 create_secret_tls.go calls it).

The PEM blocks are found as Go's ``encoding/pem`` finds them; the certificate's public key and the private key are
read from their DER (a small ASN.1 reader, no crypto library) and compared as X509KeyPair compares them: the RSA
modulus, or the ECDSA public point when the private key carries it. What this reader cannot judge (an EC key
without its public point, Ed25519) is accepted.
"""

from __future__ import annotations

import base64
import binascii
import re

_PEM = re.compile(rb"-----BEGIN ([^\r\n-]*)-----\r?\n(.*?)-----END \1-----", re.S)
_RSA = "1.2.840.113549.1.1.1"
_EC = "1.2.840.10045.2.1"
_ED25519 = "1.3.101.112"


class _Malformed(Exception):
    pass


def pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    """(type, DER) of each well-formed PEM block, in order (pem.Decode skips what does not decode)."""
    out = []
    for m in _PEM.finditer(data):
        body = m.group(2)
        lines = [ln for ln in body.splitlines() if b":" not in ln]  # headers (Proc-Type: ...) are not base64
        try:
            der = base64.b64decode(b"".join(ln.strip() for ln in lines), validate=True)
        except (binascii.Error, ValueError):
            continue
        out.append((m.group(1).decode("latin-1"), der))
    return out


def _tlv(der: bytes, i: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the element at ``i``."""
    if i + 2 > len(der):
        raise _Malformed
    tag, n = der[i], der[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or i + k > len(der):
            raise _Malformed
        n = int.from_bytes(der[i:i + k], "big")
        i += k
    if i + n > len(der):
        raise _Malformed
    return tag, i, i + n


def _children(der: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    i = start
    while i < end:
        tag, s, e = _tlv(der, i)
        out.append((tag, s, e))
        i = e
    return out


def _oid(raw: bytes) -> str:
    if not raw:
        raise _Malformed
    parts = [raw[0] // 40, raw[0] % 40]
    v = 0
    for b in raw[1:]:
        v = (v << 7) | (b & 0x7F)
        if not b & 0x80:
            parts.append(v)
            v = 0
    return ".".join(map(str, parts))


def _public_key(cert: bytes) -> tuple[str, object]:
    """The certificate's subjectPublicKeyInfo: ("rsa", modulus) | ("ec", point) | ("ed25519", key) | (oid, None)."""
    tag, s, e = _tlv(cert, 0)
    tbs_tag, ts, te = _children(cert, s, e)[0]
    fields = _children(cert, ts, te)
    if fields and fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    if len(fields) < 6:
        raise _Malformed
    _, ks, ke = fields[5]  # serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    alg, bits = _children(cert, ks, ke)[:2]
    oid_tag, os_, oe = _children(cert, alg[1], alg[2])[0]
    oid = _oid(cert[os_:oe])
    key = cert[bits[1] + 1:bits[2]]  # BIT STRING content after its unused-bits byte
    if oid == _RSA:
        _, rs, re_ = _tlv(key, 0)
        n_tag, ns, ne = _children(key, rs, re_)[0]
        return "rsa", int.from_bytes(key[ns:ne], "big")
    if oid == _EC:
        return "ec", key
    if oid == _ED25519:
        return "ed25519", key
    return oid, None


def _private_key(der: bytes) -> tuple[str, object]:
    """parsePrivateKey: PKCS #1, then PKCS #8, then SEC 1 (whatever the block's type says)."""
    _, s, e = _tlv(der, 0)
    items = _children(der, s, e)
    ints = [der[a:b] for t, a, b in items if t == 0x02]
    if len(items) >= 9 and all(t == 0x02 for t, _, _ in items[:9]):  # RSAPrivateKey
        return "rsa", int.from_bytes(ints[1], "big")
    if len(items) >= 3 and items[0][0] == 0x02 and items[1][0] == 0x30 and items[2][0] == 0x04:  # PKCS #8
        alg = _children(der, items[1][1], items[1][2])
        oid = _oid(der[alg[0][1]:alg[0][2]])
        inner = der[items[2][1]:items[2][2]]
        if oid == _RSA:
            return _private_key(inner)
        if oid == _EC:
            kind, point = _private_key(inner)
            return "ec", point
        if oid == _ED25519:
            return "ed25519", None
        raise _Malformed
    if len(items) >= 2 and items[0][0] == 0x02 and items[1][0] == 0x04:  # ECPrivateKey
        for t, a, b in items[2:]:
            if t == 0xA1:  # [1] publicKey BIT STRING
                _, bs, be = _tlv(der, a)
                return "ec", der[bs + 1:be]
        return "ec", None
    raise _Malformed


def x509_key_pair(cert_pem: bytes, key_pem: bytes) -> str:
    """The error tls.X509KeyPair returns for this pair ("" when it accepts it)."""
    certs, skipped = [], []
    for typ, der in pem_blocks(cert_pem):
        (certs if typ == "CERTIFICATE" else skipped).append(der if typ == "CERTIFICATE" else typ)
    if not certs:
        if not skipped:
            return "tls: failed to find any PEM data in certificate input"
        if len(skipped) == 1 and skipped[0].endswith("PRIVATE KEY"):
            return ("tls: failed to find certificate PEM data in certificate input, but did find a private key; "
                    "PEM inputs may have been switched")
        return ('tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the '
                f"following types: [{' '.join(skipped)}]")
    skipped = []
    key_der = None
    for typ, der in pem_blocks(key_pem):
        if typ == "PRIVATE KEY" or typ.endswith(" PRIVATE KEY"):
            key_der = der
            break
        skipped.append(typ)
    if key_der is None:
        if not skipped:
            return "tls: failed to find any PEM data in key input"
        if skipped == ["CERTIFICATE"]:
            return "tls: found a certificate rather than a key in the PEM for the private key"
        return ('tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM '
                f"blocks of the following types: [{' '.join(skipped)}]")
    try:
        pub_kind, pub = _public_key(certs[0])
    except (_Malformed, IndexError, ValueError):
        return "x509: malformed certificate"
    try:
        priv_kind, priv = _private_key(key_der)
    except (_Malformed, IndexError, ValueError):
        return "tls: failed to parse private key"
    if pub_kind not in ("rsa", "ec", "ed25519"):
        return "tls: unknown public key algorithm"
    if pub_kind != priv_kind:
        return "tls: private key type does not match public key type"
    if priv is not None and pub != priv:
        return "tls: private key does not match public key"
    return ""
