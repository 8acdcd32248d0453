"""The shell-subset interpreter: syntax, expansion, builtins, files, exit codes."""

import json

import pytest

from minikctl.engine.behavior import PodFS, Process, lookup_image, run_exec

BUSYBOX = lookup_image("busybox:1.36")
DEBIAN = lookup_image("debian")


def fs_for(pod=None, mounts=None, container="c", podfs=None):
    pod = pod or {"metadata": {"name": "p"}, "spec": {"volumes": [{"name": "data", "emptyDir": {}}]}}
    podfs = podfs or PodFS.new(pod)
    return podfs.view(container, mounts if mounts is not None else [{"name": "data", "mountPath": "/data"}])


def sh(script, until=10**9, image=BUSYBOX, env=None, fs=None, shell="sh"):
    fs = fs or fs_for()
    p = Process.spawn([shell, "-c", script], env or {}, image, 0, None)
    p.step(until, fs)
    return p


def out(p, stream=None):
    return [l[2] for l in p.logs if stream is None or l[1] == stream]


@pytest.mark.parametrize("script,code,lines", [
    ("echo a; echo b", 0, ["a", "b"]),
    ("true && echo yes || echo no", 0, ["yes"]),
    ("false && echo yes || echo no", 0, ["no"]),
    ("false || true && echo ok", 0, ["ok"]),
    ("! false && echo negated", 0, ["negated"]),
    ("exit 3", 3, []),
    ("false", 1, []),
    ("exit 300", 44, []),
    ("x=5; echo $x ${x} \"$x\"'$x'", 0, ["5 5 5$x"]),
    ("echo ${UNSET:-dflt} ${UNSET-} ${#HOME}", 0, ["dflt 5"]),
    ("i=0; i=$((i+1)); echo $((i * 10 + 2)) $((7 / 2)) $((-7 % 3))", 0, ["12 3 -1"]),
    ("false; echo $?; true; echo $?", 0, ["1", "0"]),
    ("if false; then echo a; elif true; then echo b; else echo c; fi", 0, ["b"]),
    ("for x in 1 2 3; do echo n$x; done", 0, ["n1", "n2", "n3"]),
    ("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done", 0, ["0", "1", "2"]),
    ("i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i", 0, ["2"]),
    ("for i in 1 2 3 4; do if [ $i = 3 ]; then break; fi; echo $i; done", 0, ["1", "2"]),
    ("for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done", 0, ["1", "3"]),
    ("{ echo x; echo y; }", 0, ["x", "y"]),
    ("a=1; (a=2; echo $a); echo $a", 0, ["2", "1"]),
    ("(exit 4); echo $?", 0, ["4"]),
    ("echo $(echo inner) `echo back`", 0, ["inner back"]),
    ("v=$(false); echo $?", 0, ["1"]),
    ("echo -n a; echo b", 0, ["ab"]),
    ("echo -e 'x\\ty'", 0, ["x\ty"]),
    ("printf '%s=%d\\n' a 1 b 2", 0, ["a=1", "b=2"]),
    ("case foo.txt in *.log) echo log;; *.txt) echo text;; esac", 0, ["text"]),
    ("echo a b | rev", 0, ["b a"]),
    ("printf 'l1\\nl2\\nl3\\n' | head -n 2", 0, ["l1", "l2"]),
    ("echo hello | while read line; do echo \"got $line\"; done", 0, ["got hello"]),
    ("set -- a b c; echo $# $2; shift; echo $@", 0, ["3 b", "b c"]),
    ("[ -z '' ] && [ -n x ] && [ 2 -gt 1 ] && [ a != b ] && echo t", 0, ["t"]),
    ("test 1 -eq 2; echo $?", 0, ["1"]),
    ("[[ abc == a* ]] && echo glob", 0, ["glob"]),
    ("x=3; [[ $x -eq 3 && -n $x ]] && echo both", 0, ["both"]),
    (": ; echo colon", 0, ["colon"]),
    ("seq 3", 0, ["1", "2", "3"]),
    ("expr 2 + 3", 0, ["5"]),
    ("echo $0", 0, ["sh"]),
])
def test_scripts(script, code, lines):
    p = sh(script)
    assert p.exited and p.exit_code == code, (p.exit_code, p.logs)
    assert out(p, "stdout") == lines


def test_bash_arrays_and_rematch():
    p = sh("items=(foo bar baz qux xyz)\necho ${items[$IDX]} ${#items[@]}\n"
           "[[ web-12 =~ -([0-9]+)$ ]] && echo ${BASH_REMATCH[1]}",
           image=lookup_image("docker.io/library/bash:5"), env={"IDX": "3"}, shell="bash")
    assert out(p) == ["qux 5", "12"] and p.exit_code == 0


def test_unknown_command_busybox_dash_bash():
    p = sh("nosuch arg; echo after $?")
    assert out(p) == ["sh: nosuch: not found", "after 127"]
    assert p.logs[0][1] == "stderr"
    p = sh("nosuch", image=DEBIAN)
    assert out(p) == ["sh: 1: nosuch: not found"] and p.exit_code == 127
    p = sh("true\nnosuch", image=DEBIAN, shell="bash")
    assert out(p) == ["bash: line 2: nosuch: command not found"] and p.exit_code == 127


def test_command_missing_from_image():
    # debian has no wget; busybox does
    assert sh("wget -q -O /tmp/x http://example.com", image=DEBIAN).exit_code == 127
    assert sh("wget -q -O /tmp/x http://example.com").exit_code == 0


def test_files_and_redirects():
    fs = fs_for()
    p = sh("echo one > /data/f; echo two >> /data/f; cat /data/f; cat /nope; echo e >&2; "
           "cat /nope 2>/dev/null; echo rc=$?; echo both 2>&1 > /data/g", fs=fs)
    assert out(p, "stdout") == ["one", "two", "rc=1"]
    assert out(p, "stderr") == ["cat: can't open '/nope': No such file or directory", "e"]
    assert fs.read("/data/f") == "one\ntwo\n" and fs.read("/data/g") == "both\n"
    assert p.exit_code == 0


def test_touch_rm_mkdir_test():
    fs = fs_for()
    p = sh("touch /tmp/a; [ -f /tmp/a ] && echo f; mkdir -p /tmp/d/e; [ -d /tmp/d/e ] && echo d; "
           "rm /tmp/a; [ -e /tmp/a ] || echo gone; rm /tmp/a; echo $?; rm -f /tmp/a; echo $?; "
           "mkdir /tmp/d; echo $?", fs=fs)
    assert out(p, "stdout") == ["f", "d", "gone", "1", "0", "1"]
    assert "rm: can't remove '/tmp/a': No such file or directory" in out(p, "stderr")
    assert "mkdir: can't create directory '/tmp/d': File exists" in out(p, "stderr")


def test_gnu_messages_on_debian():
    p = sh("cat /nope; rm /nope", image=DEBIAN)
    assert out(p) == ["cat: /nope: No such file or directory", "rm: cannot remove '/nope': No such file or directory"]


def test_syntax_error():
    p = sh("if true; then echo x")
    assert p.exited and p.exit_code == 2 and out(p)[0].startswith("sh: syntax error")


def test_errexit_and_xtrace():
    p = sh("set -e; echo a; false; echo b")
    assert out(p) == ["a"] and p.exit_code == 1
    p = sh("set -e; if false; then :; fi; false || true; echo survived")
    assert out(p) == ["survived"] and p.exit_code == 0
    p = sh("set -x; echo hi")
    assert out(p, "stderr") == ["+ echo hi"]


def test_date_uses_virtual_clock():
    p = Process.spawn(["sh", "-c", "date; sleep 61; date"], {}, BUSYBOX, 5000, None)
    p.step(10**9, fs_for())
    assert out(p) == ["Wed Jan  1 00:00:05 UTC 2025", "Wed Jan  1 00:01:06 UTC 2025"]
    assert [l[0] for l in p.logs] == [5000, 66000]


def test_date_is_strftimes_text_at_every_instant():
    """``date`` is written from time.gmtime's fields (a fast-forwarded loop's lines run it): the C locale's
    ``%a %b %e %H:%M:%S UTC %Y`` of datetime, over the virtual clock's range."""
    import datetime
    import random

    from minikctl.engine.behavior.process import _busybox_date, abs_ms

    def strftime(ms: int) -> str:
        dt = datetime.datetime.fromtimestamp(abs_ms(ms) // 1000, tz=datetime.timezone.utc)
        return dt.strftime("%a %b ") + f"{dt.day:2d}" + dt.strftime(" %H:%M:%S UTC %Y")

    r = random.Random(10)
    instants = [0, 999, 946_684_799_999, 946_684_800_000, 951_782_400_000, 253_402_300_799_999]
    instants += [r.randrange(0, 253_402_300_800_000) for _ in range(20_000)]
    assert [_busybox_date(ms) for ms in instants] == [strftime(ms) for ms in instants]


def test_env_and_export():
    p = sh("export FOO=bar; BAR=1 printenv BAR; printenv FOO; env | grep -c FOO; printenv NOPE; echo $?",
           env={"PATH": "/bin"})
    assert out(p) == ["1", "bar", "1", "1"]


def test_exec_probe_semantics():
    fs = fs_for()
    assert run_exec(["cat", "/tmp/healthy"], {}, fs, BUSYBOX, 0, 1) == (
        1, "cat: can't open '/tmp/healthy': No such file or directory\n")
    fs.write("/tmp/healthy", "")
    assert run_exec(["cat", "/tmp/healthy"], {}, fs, BUSYBOX, 0, 1) == (0, "")
    code, msg = run_exec(["sh", "-c", "sleep 5"], {}, fs, BUSYBOX, 0, 1)
    assert code == -1 and msg == 'command "sh -c sleep 5" timed out'
    code, msg = run_exec(["nosuch"], {}, fs, BUSYBOX, 0, 1)
    assert code == 126 and 'exec: "nosuch": executable file not found in $PATH' in msg


def test_json_state_is_small_and_stable():
    p = Process.spawn(["sh", "-c", "i=0; while true; do i=$((i+1)); sleep 1; done"], {}, BUSYBOX, 0, None)
    fs = fs_for()
    p.step(100000, fs)
    d = p.to_dict()
    s = json.dumps(d, sort_keys=True)
    assert len(s) < 20000
    assert d["vars"]["i"] == "101"
    assert json.dumps(Process.from_dict(json.loads(s)).to_dict(), sort_keys=True) == s


def test_read_loop_from_file_and_nested_redirects():
    fs = fs_for()
    fs.write("/f", "a\nb\n")
    p = sh("while read l; do { echo \"<$l>\"; } > /dev/null; echo \"[$l]\"; done < /f; echo end", fs=fs)
    assert out(p) == ["[a]", "[b]", "end"] and p.exit_code == 0


@pytest.mark.parametrize("script", [
    "wait if [[ [ unset x a=(1 2) continue ;; wc -l 2>&1 export if",
    "[[ ;; rev grep x \" `",
    "case",
    "eval echo hi expr 1 + 1 head -n && unset x printf %s",
    "echo a else if case [[ ;; ! trap 'echo t' TERM -f if",
    "x=$((1+",
    "echo ${x:?missing}",
])
def test_garbage_never_raises(script):
    p = sh(script, until=10**6)
    p.signal("TERM", 10**6, fs_for())
    json.dumps(p.to_dict())
    assert p.exited or p.wake_ms is None or p.wake_ms > 10**6


def test_three_stage_pipeline_and_status():
    p = sh("printf 'b\\na\\nc\\n' | sort | head -n 2; echo x | grep -q y; echo $?; echo x | false | true; echo $?")
    assert out(p) == ["a", "b", "1", "0"]


def test_perl_quoted_constant_prints_nothing():
    p = Process.spawn(["perl", "-Mbignum=bpi", "-wle", '"print bpi(2000)"'], {}, lookup_image("perl"), 0, None)
    p.step(10**6, fs_for())
    assert p.exit_code == 0 and out(p, "stdout") == []
    assert out(p, "stderr") == ['Useless use of a constant (print bpi(2000)) in void context at -e line 1.']


def test_globbing_against_the_virtual_fs():
    fs = fs_for()
    for n in ("b.log", "a.log", "c.txt"):
        fs.write("/data/" + n, n + "\n")
    p = sh("echo /data/*.log; cat /data/*.txt; echo /nomatch/*; echo '/data/*'", fs=fs)
    assert out(p) == ["/data/a.log /data/b.log", "c.txt", "/nomatch/*", "/data/*"]
    p = sh("cd /data && for f in *.log; do echo \"[$f]\"; done", fs=fs)
    assert out(p) == ["[a.log]", "[b.log]"]


@pytest.mark.parametrize("script,lines", [
    ("echo 'CHANGE MASTER TO x;' | sed -E 's/;$//g'", ["CHANGE MASTER TO x"]),
    ("echo aaa | sed 's/a/b/'", ["baa"]),
    ("echo hello | sed -e 's/\\(l\\+\\)/[\\1]/'", ["he[ll]o"]),
    ("echo Hello | tr a-z A-Z", ["HELLO"]),
    ("echo a:b:c | cut -d: -f2,3", ["b:c"]),
    ("echo 'x y z' | awk '{print $2, $NF}'", ["y z"]),
    ("echo root:x:0 | awk -F: '{print $3}'", ["0"]),
])
def test_text_utilities(script, lines):
    p = sh(script)
    assert out(p) == lines and p.exit_code == 0
