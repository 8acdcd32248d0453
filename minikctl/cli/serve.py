"""minikctl serve: the Kubernetes REST API over the store, for kubectl and client libraries (minikctl/serve/)."""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Opt


def serve(
    address: str = Opt("127.0.0.1", "--address", help="The address to listen on (loopback unless told otherwise)."),
    port: int = Opt(0, "--port", help="The port to listen on (0: any free port, printed on start)."),
    tls: bool = Opt(False, "--tls", help="Serve HTTPS with a self-signed certificate (kept next to the store)."),
    kubeconfig_out: str | None = Opt(None, "--kubeconfig-out", help="Write a kubeconfig for this server to FILE."),
    speed: str = Opt("1", "--speed", help="Virtual seconds per wall second (the clock follows the wall clock)."),
    verbose: bool = Opt(False, "--verbose", "-v", help="Log every request on stderr."),
    store: str | None = c.STORE,
    tick: str | None = Opt(None, "--tick", help="Virtual time each request advances, instead of following the wall "
                                                "clock (0 freezes the clock; watches then move it by this much a "
                                                "second)."),
) -> int:
    """Serve the Kubernetes API of the store over HTTP(S) until interrupted (kubectl --kubeconfig FILE ...)."""
    import os
    import signal
    import sys
    import threading

    from minikctl.kube.errors import ClientError
    from minikctl.serve import config
    from minikctl.serve.server import Server, new_state
    from minikctl.serve.state import Pacer
    from minikctl.store.db import store_path

    try:
        pace = float(speed)
    except ValueError:
        raise ClientError(f'invalid argument "{speed}" for "--speed" flag: must be a number') from None
    if pace < 0:
        raise ClientError("--speed must not be negative")
    if tick is None:
        tick = c._global["tick"]  # `minikctl --tick 0 serve`; MINIKCTL_TICK is the CLI's default, not the server's
    tick_ms = c.tick_ms(tick) if tick is not None else None
    path = store_path(store or c._global["store"])
    state = new_state(path, Pacer(pace, tick_ms))
    ctx = None
    ca = None
    if tls:
        ca, key = config.certificate(os.path.dirname(os.path.abspath(path)), address)
        ctx = config.ssl_context(ca, key)
    try:
        server = Server((address, port), state, verbose=verbose, ssl_context=ctx)
    except OSError as e:
        raise ClientError(f"cannot listen on {address}:{port}: {e.strerror or e}") from None
    _sync_clock(state)
    host, real_port = server.server_address[:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"{'https' if tls else 'http'}://{shown}:{real_port}"
    state.address = f"{shown}:{real_port}"
    state.hub.start()
    if kubeconfig_out:
        config.write_kubeconfig(kubeconfig_out, config.kubeconfig(url, ca, c.namespace_of(None)))
    sys.stdout.write(f"Serving the Kubernetes API of {path} on {url}\n")
    if kubeconfig_out:
        sys.stdout.write(f"kubeconfig: {kubeconfig_out} (kubectl --kubeconfig {kubeconfig_out} get pods)\n")
    sys.stdout.flush()

    def stop(*_args) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _sync_clock(state) -> None:
    """A store without pods starts at the wall clock's time (virtual time never goes back), so the ages kubectl
    computes itself against the wall clock (describe's events, ``get -o yaml`` readers) agree with the server's."""
    import time

    from minikctl.cluster import Cluster
    from minikctl.store.db import Store

    st = Store(state.store_path)
    try:
        with st.transaction() as tx:
            wall = int(time.time() * 1000)
            if tx.now_ms < wall and not tx.meta("bootstrap"):
                tx.set_now(wall)  # a new store: its namespaces and node are created now
            cluster = Cluster(tx)
            if cluster.now_ms < wall and tx.count("Pod") == 0:
                cluster.advance_to(wall)
    finally:
        st.close()


COMMANDS = {"serve": serve}
