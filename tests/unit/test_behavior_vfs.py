"""The virtual pod filesystem: shared volumes, private container files, restarts, persistence."""

import json

import pytest

from minikctl.engine.behavior import FSError, PodFS, lookup_image

POD = {"metadata": {"name": "two", "namespace": "ns"},
       "spec": {"hostAliases": [{"ip": "127.0.0.1", "hostnames": ["foo.local", "bar.local"]}],
                "volumes": [{"name": "shared-data", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "c"}}]},
       "status": {"podIP": "10.244.0.9"}}


def test_emptydir_shared_tmp_private():
    fs = PodFS.new(POD)
    a = fs.view("nginx", [{"name": "shared-data", "mountPath": "/usr/share/nginx/html"}])
    b = fs.view("debian", [{"name": "shared-data", "mountPath": "/pod-data"}])
    b.write("/pod-data/index.html", "Hello from the debian container\n")
    assert a.read("/usr/share/nginx/html/index.html") == "Hello from the debian container\n"
    a.write("/tmp/x", "1")
    assert a.exists("/tmp/x") and not b.exists("/tmp/x")
    assert b.is_dir("/pod-data") and a.listdir("/usr/share/nginx/html") == ["index.html"]


def test_restart_resets_private_but_keeps_volumes():
    fs = PodFS.new(POD)
    v = fs.view("c", [{"name": "shared-data", "mountPath": "/data"}])
    v.write("/tmp/healthy", "")
    v.write("/data/keep", "k")
    fs.reset_container("c")
    v = fs.view("c", [{"name": "shared-data", "mountPath": "/data"}])
    assert not v.exists("/tmp/healthy") and v.read("/data/keep") == "k"


def test_image_files_seed_private_fs():
    fs = PodFS.new(POD)
    v = fs.view("web", [], image=lookup_image("nginx:1.14.2"))
    assert "Welcome to nginx!" in v.read("/usr/share/nginx/html/index.html")
    # a volume mounted over the directory hides the image's files
    w = fs.view("web2", [{"name": "shared-data", "mountPath": "/usr/share/nginx/html"}], image=lookup_image("nginx"))
    assert w.read("/usr/share/nginx/html/index.html") is None


def test_populated_read_only_volume_and_subpath():
    fs = PodFS.new(POD)
    fs.populate("cfg", {"color": "blue", "nested/key": "v"})
    v = fs.view("c", [{"name": "cfg", "mountPath": "/etc/config", "readOnly": True},
                      {"name": "cfg", "mountPath": "/etc/one", "subPath": "nested"}])
    assert v.read("/etc/config/color") == "blue" and v.read("/etc/one/key") == "v"
    assert v.listdir("/etc/config") == ["color", "nested"]
    with pytest.raises(FSError, match="Read-only file system"):
        v.write("/etc/config/color", "red")


def test_kubelet_managed_files():
    v = PodFS.new(POD).view("c", [])
    hosts = v.read("/etc/hosts")
    assert "10.244.0.9\ttwo" in hosts and "127.0.0.1\tfoo.local\tbar.local" in hosts
    assert hosts.startswith("# Kubernetes-managed hosts file.\n")
    assert v.read("/etc/hostname") == "two\n"
    assert v.read("/dev/termination-log") == ""


def test_remove_and_mkdir():
    v = PodFS.new(POD).view("c", [])
    v.mkdir("/a")
    v.write("/a/b/c.txt", "x")
    with pytest.raises(FSError):
        v.remove("/a")
    v.remove("/a", recursive=True)
    assert not v.exists("/a/b/c.txt") and not v.exists("/a")
    with pytest.raises(FSError, match="No such file"):
        v.remove("/nope")


def test_round_trip():
    fs = PodFS.new(POD)
    fs.view("c", [{"name": "shared-data", "mountPath": "/d"}]).write("/d/f", "1")
    fs.view("c", []).write("/tmp/t", "2")
    d = json.loads(json.dumps(fs.to_dict()))
    again = PodFS.from_dict(d)
    assert again.to_dict() == fs.to_dict()
    assert again.view("c", [{"name": "shared-data", "mountPath": "/d"}]).read("/d/f") == "1"


def test_private_files_stored_as_changes_from_their_seed():
    """A private filesystem is stored as what differs from the kubelet-managed files and the catalog image's files
    (removed ones by path), and loads back the same, also once the kubelet-managed files changed after it was
    seeded (the copy the container holds stays the old one)."""
    fs = PodFS.new(POD)
    v = fs.view("web", [], image=lookup_image("nginx:1.14.2"))
    untouched = fs.view("other", [], image=lookup_image("nginx:1.14.2"))
    v.remove("/usr/share/nginx/html/50x.html")
    v.write("/usr/share/nginx/html/index.html", "mine\n")
    v.write("/tmp/x", "1")
    old_hosts = v.read("/etc/hosts")
    fs.refresh_pod({**POD, "status": {"podIP": "10.244.0.10"}})  # /etc/hosts changes for later containers only
    d = json.loads(json.dumps(fs.to_dict()))
    stored = d["private"]["web"]
    assert "/usr/share/nginx/html/50x.html" in stored["gone"] and "/tmp/x" in stored["files"]
    assert "/etc/resolv.conf" not in stored["files"] and "/etc/hosts" in stored["files"]
    assert d["private"]["other"]["files"] == {"/etc/hosts": old_hosts}
    back = PodFS.from_dict(d)
    for name in ("web", "other"):
        assert back.private[name].files == fs.private[name].files
        assert back.private[name].dirs == fs.private[name].dirs
    w = back.view("web", [])
    assert w.read("/usr/share/nginx/html/index.html") == "mine\n" and w.read("/etc/hosts") == old_hosts
    assert not w.exists("/usr/share/nginx/html/50x.html")
    assert "Welcome to nginx!" in back.view("other", []).read("/usr/share/nginx/html/index.html")
