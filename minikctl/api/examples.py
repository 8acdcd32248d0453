"""`-f https://k8s.io/examples/<path>`: the first line of most Kubernetes tutorials, answered with no network.

The kubernetes.io example manifests (kubernetes/website, content/en/examples/, CC BY 4.0; README.md beside them
has the attribution) ship inside the package, unmodified, in k8s_examples/. `https://k8s.io/examples/<path>` and
`https://kubernetes.io/examples/<path>` (k8s.io redirects to kubernetes.io) read `<path>` there.

minikctl never opens a network connection, so any other URL, and an examples path the bundled copy lacks, is
refused with kubectl's "unable to read URL" (cli-runtime resource/visitor.go, readHttpWithRetries) followed by the
honest reason instead of a server's status line: no server was asked.
"""

from __future__ import annotations

import os
import posixpath

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "k8s_examples")
HOSTS = ("k8s.io", "kubernetes.io", "www.kubernetes.io")
PREFIX = "/examples/"
NO_NETWORK = ("minikctl does not reach the network; it reads https://k8s.io/examples/... and "
              "https://kubernetes.io/examples/... from its bundled copy of the kubernetes.io examples")


def is_url(arg: str) -> bool:
    return arg.startswith(("http://", "https://"))


def _index() -> dict[str, dict[str, str]]:
    """INDEX.tsv's rows of the primary copies, by path."""
    rows: dict[str, dict[str, str]] = {}
    try:
        with open(os.path.join(ROOT, "INDEX.tsv"), encoding="utf-8") as fh:
            header = fh.readline().rstrip("\n").split("\t")
            for line in fh:
                row = dict(zip(header, line.rstrip("\n").split("\t")))
                if row.get("variant") == "primary":
                    rows[row["path"]] = row
    except OSError:
        pass
    return rows


def bundled_path(url: str) -> str | None:
    """The examples path a URL names (`pods/simple-pod.yaml`), or None when it is no kubernetes.io example URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.hostname not in HOSTS or not parts.path.startswith(PREFIX):
        return None
    path = posixpath.normpath(parts.path[len(PREFIX):])
    if path.startswith((".", "/")):
        return None
    return path


def read(url: str) -> tuple[str, str | None]:
    """(the manifest text, a warning or None) for a -f URL; a ClientError when it cannot be served."""
    from minikctl.kube.errors import ClientError

    path = bundled_path(url)
    if path is None:
        raise ClientError(f'unable to read URL "{url}", {NO_NETWORK}')
    row = _index().get(path)
    if row is None:
        raise ClientError(f'unable to read URL "{url}", the bundled copy of the kubernetes.io examples has no '
                          f'"{path}" ({NO_NETWORK.split(";")[0]})')
    with open(os.path.join(ROOT, *path.split("/")), "rb") as fh:
        text = fh.read().decode("utf-8", errors="replace")
    warning = None
    if "revision" in row.get("notes", ""):  # a revision kubernetes.io has since corrected
        warning = (f"Warning: {url}: the bundled copy is an older revision of this example that kubernetes.io has "
                   f"since corrected ({row.get('status', '')})")
    return text, warning
