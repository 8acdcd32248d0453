"""minikctl version [-o json|yaml]."""

from __future__ import annotations


from minikctl.cli import common as c
from minikctl.cli.spec import Opt

KUBERNETES_VERSION = "v1.32.4"


def version(output: str | None = c.OUTPUT,
            client: bool = Opt(False, "--client", help="If true, shows client version only (no server required).")) -> None:
    """Print the minikctl version and the Kubernetes version it simulates."""
    import platform

    from minikctl import __version__
    from minikctl.kube.errors import ClientError

    major, minor = __version__.split(".")[:2]
    kmajor, kminor = KUBERNETES_VERSION.lstrip("v").split(".")[:2]
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    info = {
        "clientVersion": {"gitVersion": f"v{__version__}", "major": major, "minor": minor,
                          "platform": f"{platform.system().lower()}/{arch}"},
        "serverVersion": {"gitVersion": KUBERNETES_VERSION, "major": kmajor, "minor": kminor,
                          "platform": "minikctl/simulated"},
    }
    if client:
        del info["serverVersion"]
    if output in (None, ""):
        c.out(f"Client Version: v{__version__}\n" + ("" if client else
                                                      f"Server Version: {KUBERNETES_VERSION} (simulated)\n"))
    elif output in ("json", "yaml"):
        from minikctl.printers import serialize

        c.out(serialize.to_json(info) if output == "json" else serialize.to_yaml(info))
    else:
        raise ClientError("--output must be 'yaml' or 'json'")


COMMANDS = {"version": version}
