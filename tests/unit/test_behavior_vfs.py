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


def test_credentials_from_the_security_context():
    """kubernetes.io "Configure a Security Context for a Pod or Container": the container's runAsUser wins over the
    pod's; without runAsGroup the group is 0; groups = primary group, the image's /etc/group memberships
    (containerd WithAdditionalGIDs), fsGroup and supplementalGroups (kubelet determineEffectiveSecurityContext),
    sorted as the kernel keeps them."""
    from minikctl.engine.behavior.argv import credentials

    busybox = lookup_image("busybox:1.28")
    pod = {"spec": {"securityContext": {"runAsUser": 1000, "runAsGroup": 3000, "fsGroup": 2000,
                                        "supplementalGroups": [4000]}}}
    assert credentials({}, pod, busybox) == {"uid": 1000, "gid": 3000, "groups": [2000, 3000, 4000]}
    assert credentials({"securityContext": {"runAsUser": 2000}}, {"spec": {"securityContext": {"runAsUser": 1000}}},
                       busybox) == {"uid": 2000, "gid": 0, "groups": [0]}
    assert credentials({}, {"spec": {}}, busybox) is None  # the image's user: root
    # root named in a pod keeps the image's memberships, unless the policy is Strict
    root = {"spec": {"securityContext": {"runAsUser": 0, "fsGroup": 2000}}}
    assert credentials({}, root, busybox)["groups"] == [0, 10, 2000]
    root["spec"]["securityContext"]["supplementalGroupsPolicy"] = "Strict"
    assert credentials({}, root, busybox)["groups"] == [0, 2000]


def test_owners_follow_the_process_and_fs_group():
    volumes = [{"name": "v", "emptyDir": {}}, {"name": "h", "hostPath": {"path": "/x"}}]
    pod = {"metadata": {"name": "p"}, "spec": {"securityContext": {"fsGroup": 2000}, "volumes": volumes}}
    fs = PodFS.new(pod)
    view = fs.view("c", [{"name": "v", "mountPath": "/data/demo"}, {"name": "h", "mountPath": "/host"}])
    assert view.is_dir("/data") and view.listdir("/data") == ["demo"]  # the way to a mount point exists
    assert view.owner("/data/demo") == (0, 2000) and view.dir_mode("/data/demo") == "drwxrwsrwx"
    view.creds = {"uid": 1000, "gid": 3000, "groups": [2000, 3000]}
    view.write("/data/demo/f", "x")
    view.write("/tmp/g", "y")
    view.write("/host/h", "z")  # hostPath: the kubelet does not hand it to fsGroup
    view.mkdir("/data/demo/sub")
    assert view.owner("/data/demo/f") == (1000, 2000) and view.owner("/tmp/g") == (1000, 3000)
    assert view.owner("/host/h") == (1000, 3000) and view.dir_mode("/data/demo/sub") == "drwxr-sr-x"
    view.creds = None
    view.write("/tmp/root", "")
    assert view.owner("/tmp/root") == (0, 0)
    # ownership survives the store
    again = PodFS.from_dict(json.loads(json.dumps(fs.to_dict())))
    v2 = again.view("c", [{"name": "v", "mountPath": "/data/demo"}])
    assert v2.owner("/data/demo/f") == (1000, 2000) and v2.dir_mode("/data/demo") == "drwxrwsrwx"
    assert v2.owner("/tmp/g") == (1000, 3000)  # the private store keeps them too (stored as changes from its seed)
    v2.remove("/data/demo/f")
    v2.write("/data/demo/f", "")
    assert v2.owner("/data/demo/f") == (0, 2000)  # a new file, made by root
    # a pod without fsGroup or credentials stores no owners at all
    plain = PodFS.new({"metadata": {"name": "q"}, "spec": {"volumes": [{"name": "v", "emptyDir": {}}]}})
    pv = plain.view("c", [{"name": "v", "mountPath": "/v"}])
    pv.write("/v/a", "")
    assert "owners" not in json.dumps(plain.to_dict()) and pv.dir_mode("/v") == "drwxrwxrwx"


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
