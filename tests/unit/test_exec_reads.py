"""A read-only exec probe's answer looked up by the state of the files it reads (kubelet/procs.py
``run_exec_reads``) is the interpreter's: the same exit code and output as ``run_exec`` for files present, empty,
missing, directories, images whose ``cat`` is busybox's or coreutils' or absent, and ``test``'s file operators;
commands it does not know are interpreted each time."""

from __future__ import annotations

import pytest

from minikctl.engine.kubelet import procs

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default", "uid": "u"},
       "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}

COMMANDS = [["cat", "/tmp/ready"], ["cat", "/tmp/ready", "/etc/hostname"], ["cat", "/tmp"], ["cat", "/nothing"],
            ["test", "-f", "/tmp/ready"], ["test", "-e", "/tmp"], ["test", "-d", "/tmp/ready"],
            ["test", "-s", "/tmp/ready"], ["cat", "tmp/ready"], ["cat", "-n", "/tmp/ready"],
            ["test", "-r", "/tmp/ready"], ["grep", "x", "/tmp/ready"]]


@pytest.mark.parametrize("image", ["busybox:1.36", "nginx:1.14.2", "registry.k8s.io/pause:3.9"])
@pytest.mark.parametrize("content", [None, "", "ok\n", "x" * 5000])
def test_the_answer_is_the_interpreters(image, content):
    img = procs.lookup_image(image)
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    for argv in COMMANDS:
        for _ in range(2):  # interpreted, then looked up
            fs = procs.new_podfs(POD)
            view = fs.view("c", [], img)
            if content is not None:
                view.write("/tmp/ready", content)
            want = procs.run_exec(list(argv), env, view, img, 1_000_000, 1)[:2]
            fs2 = procs.new_podfs(POD)
            view2 = fs2.view("c", [], img)
            if content is not None:
                view2.write("/tmp/ready", content)
            got = procs.run_exec_reads(list(argv), lambda: env, view2, img, 2_000_000, 1, lambda: None)
            assert got == want, (image, content, argv)
            assert fs2.to_dict() == fs.to_dict()


def test_only_file_reads_are_kept():
    img = procs.lookup_image("busybox:1.36")
    view = procs.new_podfs(POD).view("c", [], img)
    procs._READS.clear()
    for argv in (["cat", "-n", "/tmp/x"], ["cat", "tmp/x"], ["grep", "x", "/tmp/x"], ["cat", "/proc/1/status"],
                 ["test", "-r", "/tmp/x"], ["sh", "-c", "cat /tmp/x"]):
        procs.run_exec_reads(argv, lambda: {}, view, img, 1_000_000, 1, lambda: None)
    assert procs._READS == {}
    procs.run_exec_reads(["cat", "/tmp/x"], lambda: {}, view, img, 1_000_000, 1, lambda: None)
    assert len(procs._READS) == 1
