"""Here-documents, shell functions, nested shells and nested pipelines in the interpreter.

Expected outputs are those of busybox ash / dash for the same scripts, written out here.
"""

import json

import pytest

from minikctl.engine.behavior import PodFS, Process, lookup_image
from minikctl.engine.behavior.shell import compile_script, tokenize

BUSYBOX = lookup_image("busybox:1.36")
DEBIAN = lookup_image("debian")  # /bin/sh is dash


def new_fs(image=BUSYBOX):
    return PodFS.new({"metadata": {"name": "p"}, "spec": {}}).view("c", [], image=image)


def sh(script, until=10**9, image=BUSYBOX, env=None, fs=None, shell="sh"):
    fs = fs or new_fs(image)
    p = Process.spawn([shell, "-c", script], env or {}, image, 0, None)
    p.step(until, fs)
    return p


def out(p, stream="stdout"):
    return [l[2] for l in p.logs if l[1] == stream]


def roundtrip(p):
    return Process.from_dict(json.loads(json.dumps(p.to_dict())))


# ----------------------------------------------------------------------------- here-documents
@pytest.mark.parametrize("script,lines", [
    # parameter, command and arithmetic expansion; \$ escapes; quotes are literal
    ('cat <<EOF\nkey=$V\nx=$(echo sub) `echo bq` \\$V "q" \'s\' $((1+2))\nEOF\necho done',
     ["key=val", "x=sub bq $V \"q\" 's' 3", "done"]),
    # quoted delimiters: no expansion at all
    ("cat <<'EOF'\nkey=$V $(echo no) \\$\nEOF", ["key=$V $(echo no) \\$"]),
    ('cat <<"EOF"\nkey=$V\nEOF', ["key=$V"]),
    ("cat <<\\EOF\nkey=$V\nEOF", ["key=$V"]),
    # <<- strips leading tabs (body and delimiter), not spaces
    ("cat <<-EOF\n\tone $V\n\t\ttwo\n  three\n\tEOF", ["one val", "two", "  three"]),
    # no field splitting or globbing in the body
    ('cat <<EOF\n*  $W  end\nEOF', ["*  a   b  end"]),
    # several here-documents on one line, read in order
    ("cat <<A; cat <<B\none\nA\ntwo\nB\necho end", ["one", "two", "end"]),
    # a delimiter that only starts a line does not end the body
    ("cat <<EOF\nEOFx\n EOF\nEOF", ["EOFx", " EOF"]),
    # piped on
    ("cat <<EOF | tr a-z A-Z\nhello\nEOF", ["HELLO"]),
    # into a loop: read consumes it line by line
    ('while read a b; do echo "<$b|$a>"; done <<EOF\n1 x\n2 y\nEOF', ["<x|1>", "<y|2>"]),
    # inside a command substitution
    ('x=$(cat <<EOF\nhello $V\nEOF\n); echo "[$x]"', ["[hello val]"]),
    # other readers of stdin
    ("wc -l <<EOF\na\nb\nEOF", ["2"]),
    ("read first <<EOF\nalpha beta\nEOF\necho $first", ["alpha beta"]),
    # the script ends inside the body: the rest of the script is the body
    ("cat <<EOF\na\nb", ["a", "b"]),
    # empty body
    ("cat <<EOF\nEOF\necho after", ["after"]),
])
def test_heredoc(script, lines):
    p = sh(script, env={"V": "val", "W": "a   b"})
    assert out(p) == lines and p.exit_code == 0, (p.logs, p.assumptions)


def test_heredoc_written_to_a_file_then_exec():
    # the typical pod command: write a config file, then exec the app
    fs = new_fs()
    p = Process.spawn(["sh", "-c", "cat <<EOF > /etc/app.conf\nkey=$VALUE\nname=$(hostname)\nEOF\nexec sleep 3600"],
                      {"VALUE": "42"}, BUSYBOX, 0, None)
    p.step(1000, fs)
    assert fs.read("/etc/app.conf") == "key=42\nname=p\n"  # the pod's name
    assert not p.exited and p.wake_ms == 3_600_000 and p.pid1 == {"name": "sleep", "term": "ignore"}


def test_heredoc_redirect_combinations():
    fs = new_fs()
    p = sh("cat > /tmp/a <<EOF\nfirst\nEOF\ncat >> /tmp/a <<EOF\nsecond\nEOF\ncat /tmp/a; cat <<EOF >&2\nerr\nEOF",
           fs=fs)
    assert out(p) == ["first", "second"] and out(p, "stderr") == ["err"]
    assert fs.read("/tmp/a") == "first\nsecond\n"


def test_heredoc_tokens_and_errors():
    toks = tokenize("cat <<EOF >/tmp/x\nbody $A\nEOF\necho next")
    assert toks[1][:3] == ["r", 0, "<<"] and toks[2][1] == [["l", "body ", 1], ["v", "A", 1], ["l", "\n", 1]]
    assert [t[1] for t in toks if t[0] == "w"][-2:] == [[["l", "echo", 0]], [["l", "next", 0]]]
    # `cat <<` with no delimiter: a syntax error, reported as the shell does (exit 2)
    p = sh("cat <<")
    assert p.exit_code == 2 and out(p, "stderr") == ["sh: syntax error: unexpected end of file"]


def test_heredoc_feeds_a_nested_shell():
    p = sh('sh <<EOF\necho in $V \\$0\nexit 3\nEOF\necho rc=$?', env={"V": "val"})
    assert out(p) == ["in val sh", "rc=3"]


# ----------------------------------------------------------------------------- functions
@pytest.mark.parametrize("script,lines,code", [
    # positional parameters inside, restored after; return N
    ('f() { echo "f:$# $1 $2 [$@]"; return 3; echo no; }; set -- a b; f x "y z"; echo "rc=$? $# $1"',
     ["f:2 x y z [x y z]", "rc=3 2 a"], 0),
    # return without N keeps the last status
    ("f() { false; return; }; f; echo $?", ["1"], 0),
    # a function's status is its last command's
    ("f() { true; false; }; f || echo failed", ["failed"], 0),
    # subshell body: cd and exit stay inside
    ("h() ( cd /tmp; exit 4 ); h; echo $? $(pwd)", ["4 /"], 0),
    # busybox ash accepts `function name { }` and `function name() { }`
    ("function g { echo g $1; }; function k() { echo k; }; g 1; k", ["g 1", "k"], 0),
    # other compound bodies, definition on several lines
    ("f()\n{\n  echo multi\n}\nf", ["multi"], 0),
    ("f() if [ $1 = a ]; then echo A; else echo B; fi; f a; f b", ["A", "B"], 0),
    ("f() for i in 1 2; do echo $i; done; f", ["1", "2"], 0),
    # local: shadowed until the function returns (unset again if it was unset)
    ("f() { local x=2 y; y=3; echo in $x $y; }; x=1; f; echo out $x ${y-unset}", ["in 2 3", "out 1 unset"], 0),
    # VAR=x f: set for the call only
    ("X=1; f() { echo $X; }; X=2 f; echo $X", ["2", "1"], 0),
    # globals set in a function stay set
    ("f() { G=set; }; f; echo $G", ["set"], 0),
    # recursion
    ("count() { [ $1 -gt 0 ] || return 0; echo $1; count $(($1 - 1)); }; count 3", ["3", "2", "1"], 0),
    ("fact() { if [ $1 -le 1 ]; then echo 1; else r=$(fact $(($1 - 1))); echo $(($1 * r)); fi; }; fact 6",
     ["720"], 0),
    # command substitutions inside arithmetic
    ("fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }; fact 5",
     ["120"], 0),
    ("echo $(( $(echo 2) * 3 + `echo 1` ))", ["7"], 0),
    # break/continue outside a loop (here: a function called from a loop) do nothing
    ("f() { break; }; for i in 1 2; do f; echo $i; done", ["1", "2"], 0),
    # return inside a loop inside the function
    ("f() { for i in 1 2 3; do [ $i = 2 ] && return $i; done; }; f; echo $?", ["2"], 0),
    # break inside a function only reaches its own loops
    ("f() { while true; do break; done; echo after-loop; }; for i in 1 2; do f; done", ["after-loop"] * 2, 0),
    # redirections on the definition apply to each call; on the call too
    ("f() { echo x; } > /tmp/o; f; f; cat /tmp/o; g() { echo y; }; g > /tmp/p; cat /tmp/p", ["x", "y"], 0),
    # functions in pipelines and command substitutions
    ("up() { tr a-z A-Z; }; echo hi | up; x=$(echo yo | up); echo $x", ["HI", "YO"], 0),
    ('f() { while read l; do echo "f:$l"; done; }; printf "a\\nb\\n" | f | cat', ["f:a", "f:b"], 0),
    ("f() { while read l; do echo \"<$l>\"; done; }; f <<EOF\n1\n2\nEOF", ["<1>", "<2>"], 0),
    # a function overrides a regular builtin; `command` skips it
    ("echo() { printf 'mine %s\\n' \"$*\"; }; echo hi; command echo plain", ["mine hi", "plain"], 0),
    # type / command -v / unset -f
    ("f() { :; }; type f; command -v f; unset -f f; f", ["f is a function", "f"], 127),
    # return at the top level ends the script
    ("return 3; echo no", [], 3),
    # return from a sourced file
    ("echo 'echo in; return 5; echo no' > /tmp/s; . /tmp/s; echo rc=$?", ["in", "rc=5"], 0),
    # exit inside a function exits the shell
    ("f() { exit 6; }; f; echo no", [], 6),
    # set -e: a failing command inside a function stops the script
    ("set -e; f() { false; echo no; }; f; echo no", [], 1),
])
def test_functions(script, lines, code):
    p = sh(script)
    assert (out(p), p.exit_code) == (lines, code), (p.logs, p.assumptions)


def test_function_syntax_errors():
    p = sh("f() echo hi")
    assert p.exit_code == 2 and out(p, "stderr") == ["sh: syntax error: unexpected 'echo'"]
    # special builtins and names that are not shell names cannot be functions (ash, dash); bash takes them
    for script in ("echo start; export() { :; }", "echo start; f-x() { :; }", "function 1f { :; }"):
        p = sh(script)
        assert p.exit_code == 2 and out(p) == [] and out(p, "stderr") == ["sh: syntax error: bad function name"]
    p = sh("export() { echo mine; }; export; f-x() { echo dash-name; }; f-x", image=lookup_image("ubuntu:24.04"),
           shell="bash")
    assert out(p) == ["mine", "dash-name"]
    # dash has no `function` keyword: the `}` is unexpected and nothing runs
    p = sh("echo start; function f { echo hi; }; f", image=DEBIAN)
    assert p.exit_code == 2 and out(p) == [] and out(p, "stderr") == ["sh: 1: syntax error: unexpected '}'"]
    code, _ = compile_script("function f { echo hi; }")
    assert code[0][:2] == ["defun", "f"] and code[-1] == ["fret"]


def test_function_sleeping_is_resumable():
    fs = new_fs()
    p = Process.spawn(["sh", "-c", "tick() { local n=$1; echo tick $n; sleep $2; echo tock $n; }; "
                       "for i in 1 2; do tick $i 5; done; echo $n done"], {}, BUSYBOX, 0, None)
    p.step(0, fs)
    assert out(p) == ["tick 1"] and p.wake_ms == 5000
    assert [f["k"] for f in p.frames] == ["fn"]  # the call stack is part of the state
    p = roundtrip(p)
    p.step(5000, fs)
    assert out(p) == ["tick 1", "tock 1", "tick 2"] and p.wake_ms == 10000
    p = roundtrip(p)
    p.step(10000, fs)
    assert out(p) == ["tick 1", "tock 1", "tick 2", "tock 2", "done"] and p.exit_code == 0 and p.exit_ms == 10000


def test_trap_calls_a_function():
    fs = new_fs()
    p = Process.spawn(["sh", "-c", "cleanup() { echo caught $1; exit 0; }; trap 'cleanup TERM' TERM; "
                       "while true; do sleep 1; done"], {}, BUSYBOX, 0, None)
    p.step(3500, fs)
    p = roundtrip(p)
    p.signal("TERM", 3500, fs)
    p.step(4000, fs)
    assert out(p) == ["caught TERM"] and (p.exit_code, p.exit_ms) == (0, 4000)
    p = sh("bye() { echo bye $x; }; trap bye EXIT; x=1; echo main")
    assert out(p) == ["main", "bye 1"]


def test_runaway_recursion_is_bounded():
    p = sh("f() { f; }; f; echo never")
    assert p.exited and p.exit_code == 139 and out(p) == []
    assert any(a.startswith("function recursion deeper than 1000 calls") for a in p.assumptions)


# ----------------------------------------------------------------------------- nested shells, $?
@pytest.mark.parametrize("script,lines,err", [
    ('sh -c "echo \\$0 \\$1; exit 3" zero one; echo $?', ["zero one", "3"], []),
    ('echo "echo hi; exit 2" | sh; echo $?', ["hi", "2"], []),
    # a new process: exported variables only, no functions
    ('export E=1; L=2; sh -c "echo \\$E-\\$L"', ["1-"], []),
    ('f() { echo $1; }; sh -c "f 1"; echo $?', ["127"], ["sh: f: not found"]),
    ('sh -c "x=in; cd /tmp"; echo ${x-unset} $(pwd)', ["unset /"], []),
    ('exec sh -c "echo inner; exit 5"; echo never', ["inner"], []),
    ("echo 'echo from file $1' > /tmp/s.sh; sh /tmp/s.sh arg; sh /nope; echo $?",
     ["from file arg", "2"], ["sh: can't open '/nope': No such file or directory"]),
    ('sh -c "if"; echo $?', ["2"], ["sh: syntax error: unexpected 'end of file' (expecting 'then')"]),
    # a command substitution hoisted before its command keeps that command's $?
    ("false; echo $? $(true)", ["1"], []),
    ("x=$(exit 3) y=1; echo $?", ["3"], []),
    ("false; x=$(echo $?); echo $x", ["1"], []),
])
def test_nested_shell(script, lines, err):
    p = sh(script)
    assert (out(p), out(p, "stderr")) == (lines, err), (p.logs, p.assumptions)


def test_shell_started_by_a_program():
    # `env sh -c ...` as the container command: the process becomes that shell
    fs = new_fs()
    p = Process.spawn(["env", "sh", "-c", "echo hi; nope; echo after; exit 3"], {}, BUSYBOX, 0, None)
    p.step(10**9, fs)
    assert (out(p), out(p, "stderr"), p.exit_code) == (["hi", "after"], ["sh: nope: not found"], 3)


def test_nested_shell_sleeps_and_resumes():
    fs = new_fs()
    p = Process.spawn(["sh", "-c", 'sh -c "echo a; sleep 3; echo b"; echo c'], {}, BUSYBOX, 0, None)
    p.step(1000, fs)
    assert out(p) == ["a"] and p.wake_ms == 3000
    p = roundtrip(p)
    p.step(3000, fs)
    assert out(p) == ["a", "b", "c"] and p.exit_code == 0


# ----------------------------------------------------------------------------- nested pipelines
@pytest.mark.parametrize("script,lines", [
    ('printf "b\\na\\n" | while read x; do echo $x | cat; done | sort', ["a", "b"]),
    ('cat <<EOF | while read l; do echo "[$l]" | tr a-z A-Z; done\nab\ncd\nEOF', ["[AB]", "[CD]"]),
    ('echo $(printf "a\\nb\\n" | while read l; do echo $l | tr a c; done)', ["c b"]),
    ('printf "xy\\nzw\\n" | { while read x; do echo "$x" | cut -c1; done; }', ["x", "z"]),
    ('f() { echo $1 | tr a b; }; printf "a\\na\\n" | while read x; do f $x; done', ["b", "b"]),
    ('printf "1\\n2\\n3\\n" | while read x; do echo $x; done | while read y; do echo "y$y" | sed s/y/Y/; done',
     ["Y1", "Y2", "Y3"]),
    ('printf "1\\n2\\n" | while read x; do y=$(echo $x | tr 12 ab); echo $y; done', ["a", "b"]),
    ('printf "1\\n2\\n" | while read a; do printf "x\\ny\\n" | while read b; do echo $a$b; done; done',
     ["1x", "1y", "2x", "2y"]),
    ('printf "1\\n2\\n" | while read a; do cat <<EOF | tr a-z A-Z\nv$a\nEOF\ndone', ["V1", "V2"]),
    ('printf "a\\nb\\n" | while read l; do echo $l; read m; echo m$m; done', ["a", "mb"]),
    ("echo a | { cat; echo b; } | { read x; read y; echo $y$x; }", ["ba"]),
    ("{ echo 2; echo 1; } | sort | head -1", ["1"]),
])
def test_nested_pipelines(script, lines):
    p = sh(script)
    assert out(p) == lines and p.exit_code == 0, (p.logs, p.assumptions)
