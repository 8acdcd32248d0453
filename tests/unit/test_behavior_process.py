"""Simulated processes over virtual time: probes, signals, OOM, catalog programs, persistence."""

import json

from minikctl.engine.behavior import (
    PodFS, Process, grpc_check, http_get, lookup_image, run_exec, run_exec_timed, tcp_connect,
)

IP = "10.244.0.5"
BB = lookup_image("registry.k8s.io/busybox:1.27.2")


def view(podfs=None, name="c", mounts=None, image=None):
    podfs = podfs or PodFS.new({"metadata": {"name": "p"}, "spec": {}})
    return podfs.view(name, mounts or [], image=image)


def roundtrip(p):
    return Process.from_dict(json.loads(json.dumps(p.to_dict())))


def test_liveness_exec_timeline():
    fs = view()
    p = Process.spawn(["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"], {}, BB, 0, None)
    results = {}
    for t in range(5000, 45001, 5000):
        p.step(t, fs)  # the process runs before the probe at the same instant
        p = roundtrip(p)  # persisted between commands
        results[t // 1000] = run_exec(["cat", "/tmp/healthy"], {}, fs, BB, t, 1)
    assert all(results[s] == (0, "") for s in (5, 10, 15, 20, 25))
    for s in (30, 35, 40, 45):
        assert results[s] == (1, "cat: can't open '/tmp/healthy': No such file or directory\n")
    assert p.wake_ms == 630000 and not p.exited
    # liveness kill: sh is PID 1 without a trap, ignores TERM; KILL at the end of grace -> 137
    p.signal("TERM", 45000, fs)
    assert not p.exited
    p.signal("KILL", 75000, fs)
    assert (p.exit_code, p.reason, p.exit_ms) == (137, "Error", 75000)


def test_step_never_runs_beyond_now_and_wake():
    fs = view()
    p = Process.spawn(["sh", "-c", "echo a; sleep 2; echo b; sleep 2; echo c"], {}, BB, 1000, None)
    p.step(1000, fs)
    assert [l[2] for l in p.logs] == ["a"] and p.wake_ms == 3000
    p.step(2999, fs)
    assert [l[2] for l in p.logs] == ["a"]
    p.step(4999, fs)
    assert [l[:3] for l in p.logs] == [[1000, "stdout", "a"], [3000, "stdout", "b"]] and p.wake_ms == 5000
    p = roundtrip(p)
    p.step(10**9, fs)
    assert p.exited and (p.exit_code, p.exit_ms, p.reason) == (0, 5000, "Completed") and p.wake_ms is None


def test_init_until_nslookup_succeeds_with_assumption():
    p = Process.spawn(["sh", "-c", "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace"
                       " 2>/dev/null).svc.cluster.local; do echo waiting for myservice; sleep 2; done"], {}, BB, 0, None)
    p.step(0, view())
    assert p.exited and p.exit_code == 0
    assert any("nslookup" in a for a in p.assumptions)


def test_nslookup_failure_from_catalog(tmp_path):
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps({"repositories": {"example.com/tools": {
        "entrypoint": [], "cmd": ["sh"], "executables": ["@busybox"], "tags": {"1": {}},
        "programs": {"nslookup": {"kind": "nslookup", "fail": ["mydb"]}}}}}))
    img = lookup_image("example.com/tools:1", user_catalog=str(cat))
    fs = view()
    p = Process.spawn(["sh", "-c", "until nslookup mydb; do echo waiting for mydb; sleep 2; done"], {}, img, 0, None)
    p.step(5000, fs)
    assert not p.exited and p.wake_ms == 6000
    assert [l[2] for l in p.logs if l[2].startswith("waiting")] == ["waiting for mydb"] * 3


def test_traps():
    fs = view()
    # blocked in wait: the trap runs at once
    p = Process.spawn(["bash", "-c", "export; trap 'exit 0' TERM; sleep 9999 & wait"], {"A": "1"},
                      lookup_image("ubuntu:24.04"), 0, None)
    p.step(1000, fs)
    assert 'declare -x A="1"' in [l[2] for l in p.logs]
    p = roundtrip(p)
    p.signal("TERM", 2000, fs)
    assert (p.exited, p.exit_code, p.exit_ms) == (True, 0, 2000)
    # foreground sleep: the trap waits for the sleep to end
    p = Process.spawn(["sh", "-c", "trap 'echo term; exit 0' TERM; sleep 60; echo unreachable"], {}, BB, 0, None)
    p.signal("TERM", 1000, fs)
    assert not p.exited and p.wake_ms == 60000
    p = roundtrip(p)
    p.step(60000, fs)
    assert (p.exit_code, p.exit_ms) == (0, 60000) and [l[2] for l in p.logs] == ["term"]
    # a trap that does not exit: the script goes on; SIGINT works the same way
    p = Process.spawn(["sh", "-c", "trap 'echo got' INT; sleep 5 & wait; echo after $?"], {}, BB, 0, None)
    p.signal("INT", 1000, fs)
    assert p.exited and [l[2] for l in p.logs] == ["got", "after 130"]
    # EXIT trap
    p = Process.spawn(["sh", "-c", "trap 'echo cleanup' EXIT; echo main; exit 3"], {}, BB, 0, None)
    p.step(0, fs)
    assert [l[2] for l in p.logs] == ["main", "cleanup"] and p.exit_code == 3
    # no trap: TERM is ignored by PID 1
    p = Process.spawn(["sh", "-c", "sleep 3600 & wait"], {}, BB, 0, None)
    p.signal("TERM", 1000, fs)
    assert not p.exited


def test_plain_sleep_ignores_term_and_catalog_servers_exit():
    fs = view()
    p = Process.spawn(["sleep", "3600"], {}, BB, 0, None)
    p.signal("SIGTERM", 10, fs)
    assert not p.exited and p.wake_ms == 3600000
    nginx = lookup_image("nginx:1.14.2")
    p = Process.spawn(["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], {}, nginx, 0, None)
    p.step(0, fs)
    assert sorted(p.listening(0)) == [80]
    p.signal("TERM", 5000, fs)
    assert (p.exit_code, p.reason, p.exit_ms) == (0, "Completed", 5000) and p.listening(5000) == {}
    p = Process.spawn(["docker-entrypoint.sh", "redis-server"], {}, lookup_image("redis"), 0, None)
    p.signal("TERM", 100, fs)
    assert p.exit_code == 0


def test_a_loop_that_never_sleeps_keeps_running_on_cpu_time():
    """No silent budget: its steps take CPU time (docs/engine-time.md), so it goes on as its clock moves, and a
    signal (a probe's kill, a deadline) ends it like any other process."""
    p = Process.spawn(["sh", "-c", "i=0; while true; do i=$((i+1)); done"], {}, BB, 0, None)
    p.step(0, view())
    assert not p.exited and p.wake_ms == 20  # its steps take CPU time: its clock runs ahead in 20 ms slices
    p.step(3_000, view())  # 300,000 steps: 3 CPU-seconds
    assert not p.exited and p.wake_ms == 3_020 and p.cpu_ns == 3_020 * 1_000_000
    assert not any("spin" in a for a in p.assumptions)
    p.step(6_000, view())  # past the 5 CPU-seconds after which it was once taken for spinning forever
    assert not p.exited and p.wake_ms == 6_020 and int(p.vars["i"]) > 100_000
    p.signal("KILL", 6_010, view())
    assert p.exit_code == 137


def test_start_errors():
    pause = lookup_image("registry.k8s.io/pause:3.9")
    p = Process.spawn(["sh", "-c", "echo hi"], {}, pause, 7000, None)
    assert p.exited and (p.exit_code, p.reason, p.exit_ms) == (128, "StartError", 7000)
    assert p.message == 'exec: "sh": executable file not found in $PATH'
    p = Process.spawn(["/bin/sh", "-c", "echo hi"], {}, pause, 0, None)
    assert p.message == 'exec: "/bin/sh": stat /bin/sh: no such file or directory'
    p = Process.spawn(["/pause"], {}, pause, 0, None)
    assert not p.exited


def test_oom_killed_over_limit_only():
    stress = lookup_image("polinux/stress")
    argv = ["stress", "--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
    p = Process.spawn(argv, {}, stress, 0, 100 * 1024 * 1024)
    fs = view()
    p.step(0, fs)
    assert not p.exited and p.wake_ms == 1000
    assert p.logs[0][2] == "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd"
    p.step(1000, fs)
    assert (p.exit_code, p.reason, p.exit_ms) == (137, "OOMKilled", 1000)
    p = Process.spawn(["stress", "--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"], {}, stress, 0, 200 * 1024 * 1024)
    p.step(10**7, fs)
    assert not p.exited and p.wake_ms is None


def test_busybox_default_cmd_exits_at_once():
    img = lookup_image("busybox:1.36")
    p = Process.spawn(img.entrypoint + img.cmd, {}, img, 0, None)
    p.step(0, view())
    assert (p.exited, p.exit_code, p.reason) == (True, 0, "Completed")


def test_unknown_image_without_command_runs_forever():
    p = Process.spawn([], {}, lookup_image("example.org/some/app:1"), 0, None)
    p.step(10**6, view())
    assert not p.exited and p.wake_ms is None and p.listening(0) == {}
    assert p.assumptions and "not in the catalog" in p.assumptions[0]


def test_unmodelled_program_in_image_runs_forever_with_note():
    p = Process.spawn(["/usr/local/bin/cloud-controller-manager", "--v=2"], {}, lookup_image("k8s.gcr.io/ccm:v1"), 0, None)
    p.step(1000, view())
    assert not p.exited and "no model for 'cloud-controller-manager'" in p.assumptions[0]


def test_perl_pi_job():
    perl = lookup_image("perl:5.34.0")
    p = Process.spawn(["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"], {}, perl, 0, None)
    fs = view()
    p.step(0, fs)
    assert not p.exited and p.wake_ms is not None
    p.step(p.wake_ms, fs)
    assert p.exit_code == 0 and p.reason == "Completed"
    digits = p.logs[0][2]
    assert digits.startswith("3.14159265358979323846264338327950288419716939937510")
    assert len(digits) == 2001  # 2000 significant digits
    assert digits.endswith("904780275901")  # cross-checked against Gauss-Legendre in decimal
    assert len(Process.spawn(["perl", "-Mbignum=bpi", "-wle", "print bpi(1000)"], {}, perl, 0, None).argv) == 4


def test_agnhost_liveness_http():
    img = lookup_image("registry.k8s.io/e2e-test-images/agnhost:2.40")
    p = Process.spawn(["/agnhost", "liveness"], {}, img, 1000, None)
    fs = view()
    p.step(1000, fs)
    assert http_get(p, 8080, "/healthz", 4000, IP) == (200, "")
    assert http_get(p, 8080, "/healthz", 11000, IP) == (200, "")
    assert http_get(p, 8080, "/healthz", 11001, IP) == (500, "HTTP probe failed with statuscode: 500")
    assert http_get(p, 8081, "/healthz", 4000, IP) == (
        None, 'Get "http://10.244.0.5:8081/healthz": dial tcp 10.244.0.5:8081: connect: connection refused')
    p = roundtrip(p)
    p.signal("TERM", 20000, fs)
    assert (p.exit_code, p.reason) == (2, "Error")
    assert http_get(p, 8080, "/healthz", 20000, IP)[0] is None


def test_tcp_and_grpc():
    fs = view()
    gp = Process.spawn(["/server"], {}, lookup_image("registry.k8s.io/goproxy:0.1"), 0, None)
    gp.step(0, fs)
    assert tcp_connect(gp, 8080, 15000, IP) == (True, "")
    assert tcp_connect(gp, 80, 15000, IP) == (False, "dial tcp 10.244.0.5:80: connect: connection refused")
    assert tcp_connect(None, 8080, 15000, IP)[0] is False
    etcd = Process.spawn(["/usr/local/bin/etcd", "--data-dir", "/var/lib/etcd"], {}, lookup_image("registry.k8s.io/etcd:3.5.1-0"), 0, None)
    etcd.step(0, fs)
    assert grpc_check(etcd, 2379, "", 10000, IP) == (True, "")
    ok, msg = grpc_check(etcd, 2380, "", 10000, IP)
    assert not ok
    ok, msg = grpc_check(gp, 9999, "", 10000, IP)
    assert msg == 'timeout: failed to connect service "10.244.0.5:9999" within 1s: context deadline exceeded'


def test_prestop_hooks():
    fs = view()
    nginx = lookup_image("nginx")
    main = Process.spawn(["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], {}, nginx, 0, None)
    main.step(0, fs)
    code, outp, ms = run_exec_timed(["/bin/sh", "-c", "nginx -s quit; while killall -0 nginx; do sleep 1; done"],
                                    {}, fs, nginx, 30000, 30, proc=main)
    assert code == 0 and ms == 0  # killall -0 finds no nginx once it quit: the loop ends at once (status 0)
    assert main.exited and main.exit_code == 0 and main.exit_ms == 30000
    code, outp, ms = run_exec_timed(["/bin/sh", "-c", "sleep 180"], {}, fs, nginx, 0, 120)
    assert code == -1 and ms == 120000
    code, outp, ms = run_exec_timed(["/bin/sh", "-c", "sleep 3; echo done"], {}, fs, nginx, 0, 120)
    assert (code, outp, ms) == (0, "done\n", 3000)


def test_post_start_writes_file_seen_by_main_container():
    podfs = PodFS.new({"metadata": {"name": "lifecycle-demo"}, "spec": {}})
    nginx = lookup_image("nginx")
    fs = podfs.view("lifecycle-demo-container", [], image=nginx)
    code, _ = run_exec(["/bin/sh", "-c", "echo Hello from the postStart handler > /usr/share/message"], {}, fs, nginx, 0, 30)
    assert code == 0
    assert run_exec(["cat", "/usr/share/message"], {}, fs, nginx, 5000, 10) == (0, "Hello from the postStart handler\n")


def test_termination_message_file():
    debian = lookup_image("debian")
    fs = view(image=debian)
    p = Process.spawn(["/bin/sh", "-c", "sleep 10 && echo Sleep expired > /dev/termination-log"], {}, debian, 0, None)
    p.step(9999, fs)
    assert fs.read("/dev/termination-log") == ""
    p.step(10000, fs)
    assert p.exited and p.exit_code == 0 and fs.read("/dev/termination-log") == "Sleep expired\n"


def test_job_failure_policy_exit_42():
    p = Process.spawn(["bash", "-c", "echo \"Hello world! I'm going to exit with 42 to simulate a software bug.\" "
                       "&& sleep 30 && exit 42"], {}, lookup_image("docker.io/library/bash:5"), 0, None)
    p.step(10**6, view())
    assert (p.exit_code, p.exit_ms, p.reason) == (42, 30000, "Error")


def test_python_index_jobs():
    py = lookup_image("docker.io/library/python:3")
    src = ("import os, sys\nindex = int(os.environ.get(\"JOB_COMPLETION_INDEX\"))\nif index == 0:\n  sys.exit(1)\n"
           "elif index == 1:\n  sys.exit(42)\nelse:\n  sys.exit(0)\n")
    codes = []
    for i in range(4):
        p = Process.spawn(["python3", "-c", src], {"JOB_COMPLETION_INDEX": str(i)}, py, 0, None)
        p.step(0, view())
        codes.append(p.exit_code)
    assert codes == [1, 42, 0, 0]
    p = Process.spawn(["python3", "-c", "import os\nprint(\"Hello world\")\nprint(int(os.environ.get(\"X\")))"], {}, py, 0, None)
    p.step(0, view())
    assert p.exit_code == 1 and p.logs[0][2] == "Hello world" and p.logs[-1][2].startswith("TypeError")


def test_logs_can_be_drained_and_state_keeps_going():
    fs = view()
    p = Process.spawn(["sh", "-c", "i=0; while true; do echo \"$i\"; i=$((i+1)); sleep 1; done"], {}, BB, 0, None)
    p.step(2000, fs)
    assert [l[2] for l in p.logs] == ["0", "1", "2"]
    p.logs.clear()
    p.step(4000, fs)
    assert [l[2] for l in p.logs] == ["3", "4"]


def test_user_catalog_global_program_models(tmp_path):
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps({"programs": {
        "nslookup": {"kind": "nslookup", "fail": ["mydb"]},
        "myserver": {"kind": "server", "term": "exit:0", "listeners": [{"port": 9000, "protocol": "http"}]}}}))
    img = lookup_image("busybox:1.28", user_catalog=str(cat))
    fs = view()
    p = Process.spawn(["sh", "-c", "nslookup myservice && ! nslookup mydb"], {}, img, 0, None)
    p.step(0, fs)
    assert p.exit_code == 0
    unknown = lookup_image("example.com/srv:1", user_catalog=str(cat))
    s = Process.spawn(["myserver"], {}, unknown, 0, None)
    s.step(0, fs)
    assert http_get(s, 9000, "/", 0, IP) == (200, "")
    s.signal("TERM", 10, fs)
    assert s.exit_code == 0


def test_sidecar_tail_follows_shared_file():
    pod = {"metadata": {"name": "myapp"}, "spec": {"volumes": [{"name": "data", "emptyDir": {}}]}}
    podfs = PodFS.new(pod)
    alpine = lookup_image("alpine:latest")
    mounts = [{"name": "data", "mountPath": "/opt"}]
    app_fs, ship_fs = podfs.view("myapp", mounts), podfs.view("logshipper", mounts)
    app = Process.spawn(["sh", "-c", 'while true; do echo "logging" >> /opt/logs.txt; sleep 1; done'], {}, alpine, 0, None)
    ship = Process.spawn(["sh", "-c", "tail -F /opt/logs.txt"], {}, alpine, 0, None)
    ship.step(0, ship_fs)
    app.step(0, app_fs)
    app.step(2000, app_fs)
    ship = roundtrip(ship)
    ship.step(2000, ship_fs)
    assert [l[2] for l in ship.logs] == ["logging"] * 3 and ship.wake_ms is None
    ship.signal("TERM", 3000, ship_fs)
    assert not ship.exited  # tail as PID 1 ignores SIGTERM


def test_exec_kill_pid1_follows_init_rules():
    fs = view()
    nginx = lookup_image("nginx")
    main = Process.spawn(["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], {}, nginx, 0, None)
    main.step(0, fs)
    assert run_exec(["kill", "-9", "1"], {}, fs, nginx, 1000, 5, proc=main)[0] == 0
    assert not main.exited  # SIGKILL from inside the namespace never reaches init
    run_exec(["kill", "1"], {}, fs, nginx, 2000, 5, proc=main)
    assert main.exited and (main.exit_code, main.exit_ms) == (0, 2000)
    sleeper = Process.spawn(["sleep", "3600"], {}, BB, 0, None)
    run_exec(["kill", "1"], {}, fs, BB, 1000, 5, proc=sleeper)
    assert not sleeper.exited  # sleep as PID 1 has no handler


def test_stdin_open_shell_waits():
    img = lookup_image("busybox:1.28")
    p = Process.spawn(["sh"], {}, img, 0, None, stdin_open=True)
    p.step(10**6, view())
    assert not p.exited and p.wake_ms is None
    p = roundtrip(p)
    assert p.stdin_open
    p.signal("KILL", 10**6, view())
    assert p.exit_code == 137
    p = Process.spawn(["cat"], {}, img, 0, None, stdin_open=True)
    p.step(5, view())
    assert not p.exited
    p = Process.spawn(["cat"], {}, img, 0, None)
    p.step(5, view())
    assert p.exit_code == 0


def test_init_waits_for_services_through_a_resolver():
    from minikctl.engine.behavior.process import parse_service_dns

    services = set()

    def resolver(name):
        key = parse_service_dns(name, "default")
        return "10.96.0.20" if key in services else None

    pod = {"metadata": {"name": "myapp-pod", "namespace": "default"}, "spec": {}}
    fs = PodFS.new(pod).view("init-myservice", [])
    script = ("until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local;"
              " do echo waiting for myservice; sleep 2; done")
    p = Process.spawn(["sh", "-c", script], {}, lookup_image("busybox:1.28"), 0, None)
    p.resolver = resolver
    p.step(60000, fs)
    assert not p.exited and p.wake_ms == 62000
    assert "nslookup: can't resolve 'myservice.default.svc.cluster.local'" in [l[2] for l in p.logs]
    p = roundtrip(p)  # the resolver is not persisted: set it again after loading
    p.resolver = resolver
    services.add(("myservice", "default"))
    p.step(62000, fs)
    assert p.exited and p.exit_code == 0 and p.exit_ms == 62000 and not p.assumptions
    assert parse_service_dns("mydb", "ns1") == ("mydb", "ns1")
    assert parse_service_dns("mydb.other.svc", "ns1") == ("mydb", "other")
    assert parse_service_dns("info.cern.ch", "ns1") is None


def test_exec_of_unmodelled_programs_succeeds():
    fs = view()
    mysql = lookup_image("mysql:5.7")
    code, out = run_exec(["mysqladmin", "ping"], {}, fs, mysql, 0, 5)
    assert code == 0
    code, out = run_exec(["mysql", "-h", "127.0.0.1", "-e", "SELECT 1"], {}, fs, mysql, 0, 1)
    assert code == 0
    zk = lookup_image("registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10")
    assert run_exec(["sh", "-c", "zookeeper-ready 2181"], {}, fs, zk, 0, 5)[0] == 0
    # but as a container's main program, an unmodelled binary keeps running
    p = Process.spawn(["mysqladmin", "ping"], {}, mysql, 0, None)
    p.step(10**6, fs)
    assert not p.exited


def test_konnectivity_health_port():
    img = lookup_image("registry.k8s.io/kas-network-proxy/proxy-server:v0.0.32")
    p = Process.spawn(["/proxy-server", "--health-port=8134"], {}, img, 0, None)
    p.step(0, view())
    assert http_get(p, 8134, "/healthz", 30000, IP) == (200, "")
