"""The typer-free reader (cli/argv.py) must read every command line it accepts exactly as typer does."""

from __future__ import annotations

import shlex

import pytest
import typer

from minikctl.cli import app
from minikctl.cli.argv import parse

# Command lines the reader takes itself: it must hand each function the arguments typer would.
READS = """
get pods
get pods -o wide
get po nginx -ojson
get pods -o=jsonpath={.items[*].metadata.name}
get pods -l app=web,tier!=db --field-selector status.phase=Running
get pods -A -w
get pods -Aw
get pod/nginx -n kube-system
get -n=kube-system pods
get -f a.yaml -f b.yaml -R
get pods -L app -L tier --show-labels --no-headers
get pods --sort-by=.metadata.name --show-kind
get pods --no-allow-missing-template-keys -o jsonpath={.x}
get pods --allow-missing-template-keys=false
get pods --watch=true --output-watch-events
get pods --watch-only --request-timeout 10s
get pods --chunk-size=0 --template={{.metadata.name}}
get pods -- -weird-name
get pods - nginx
--store /tmp/x get pods
--store=/tmp/x --tick 0 get pods
--tick=5s get pods --tick 0 --store /tmp/y
apply -f x.yaml
apply -f - --dry-run=client -o yaml
apply -f dir -R --validate=false
apply --filename=a.yaml --filename b.yaml --namespace web
create -f x.yaml --save-config
create --save-config=true -f x.yaml
create namespace foo
create namespace foo -o name --dry-run=server
create ns foo --save-config
create configmap game --from-literal=a=1 --from-literal b=2 --from-file=dir -o yaml
create cm game --from-env-file=x.env --append-hash --dry-run=client
create secret generic pw --from-literal=p=x --type=kubernetes.io/basic-auth -n web
create secret docker-registry reg --docker-username=u --docker-password p
create secret tls t --cert a.crt --key=a.key -o name
create serviceaccount robot -o json
create sa robot --validate=false
replace -f x --force
describe pod nginx
describe pods --show-events=false
describe pods --no-show-events -A
describe -f x.yaml -l app=web
delete pod nginx --grace-period=0 --force
delete pod nginx --grace-period -1
delete pods --all --now
delete pod x --wait=false
delete pod x --no-wait --timeout 30s
delete pod x --ignore-not-found
delete pod x --ignore-not-found=false
delete pod x --ignore-not-found=true
delete -l app=web --field-selector=status.phase=Running
delete pod x --cascade=orphan --dry-run client
patch pod nginx -p '{"spec":{"containers":[{"name":"nginx","image":"nginx:1.16.1"}]}}'
patch pod nginx --type=merge -p {}
patch pod nginx --type json --patch-file p.json
patch node node1 --subresource=status -p x
label pod nginx app=web --overwrite
label pods --all env-
annotate pod nginx a=b -n ns -o name
set image pod/web nginx=nginx:1.16.1 --dry-run=client
set image pods --all *=busybox -o=name
run nginx --image=nginx -l app=web --env A=1 --env=B=2 --port 80
run t --image=busybox --restart=Never -it --rm -- sh -c 'echo hi'
edit pod nginx
wait pod nginx --for=condition=Ready --timeout=60s
wait --for=delete pod/nginx
wait pods -l app=web --for jsonpath={.status.phase}=Running -A
logs nginx
logs nginx -c web --tail 10 -p
logs -f nginx
logs pod/nginx --timestamps --prefix --all-containers
logs nginx --tail=-1
exec nginx -- ls -l /
exec -it nginx -- sh -c 'echo hi'
exec nginx -c web -- cat /etc/hosts
exec nginx -i -t -- true
exec nginx
exec
exec -- date
timeline nginx
timeline nginx --table
timeline pod nginx --chart
clock show
clock advance 30s
clock advance 1h30m --store /x
version
version -o json
version --output=yaml
api-resources --namespaced=false --no-headers
api-resources -o wide --verbs=get --verbs list
create
"""

# Command lines the reader leaves to typer (help, usage errors, shapes it does not judge).
LEAVES = """

--help
-h
get --help
get pods -h
get pods --bogus
get pods -x
get pods -o
delete pod x --force=maybe
clock
clock bogus
clock advance
clock advance 1s 2s
version extra
bogus-command
create -o yaml namespace foo
create secret generic x --bogus
set
set bogus pod/web
--store
--tick 0
"""


def _lines(block: str) -> list[list[str]]:
    return [shlex.split(line) for line in block.strip("\n").split("\n")]


def _typer_calls(args: list[str]) -> list[tuple]:
    seen: list[tuple] = []
    command = typer.main.get_command(app.build_app(app._subcommand(args),
                                                   call=lambda f: lambda **kw: seen.append((f, kw))))
    command.main(args, prog_name="minikctl", standalone_mode=False)
    return seen


@pytest.mark.parametrize("args", _lines(READS), ids=" ".join)
def test_reader_matches_typer(args, monkeypatch):
    monkeypatch.delenv("MINIKCTL_STORE", raising=False)
    args = app.kubectl_args(args)
    calls = parse(args, app.root, app.lookup)
    assert calls is not None, "the reader should take this line itself"
    assert [(f, kw) for f, kw in calls] == _typer_calls(args)


def test_environment_variables_are_read_like_typer(monkeypatch):
    monkeypatch.setenv("MINIKCTL_STORE", "/tmp/from-env")
    for args in (["get", "pods"], ["--store", "/a", "get", "pods"], ["clock", "show", "--store", "/b"]):
        calls = parse(args, app.root, app.lookup)
        assert calls == _typer_calls(args)
        assert calls[-1][1]["store"] == (args[args.index("--store") + 1] if "--store" in args[2:] else "/tmp/from-env")
    monkeypatch.setenv("MINIKCTL_STORE", "")  # click ignores an empty variable
    assert parse(["get", "pods"], app.root, app.lookup) == _typer_calls(["get", "pods"])


@pytest.mark.parametrize("args", _lines(LEAVES), ids=lambda a: " ".join(a) or "(empty)")
def test_reader_leaves_the_rest_to_typer(args):
    assert parse(app.kubectl_args(args), app.root, app.lookup) is None


@pytest.mark.parametrize("line, args", [("create foo", ["foo"]), ("create foo bar -o yaml", ["foo", "bar"]),
                                        ("create -o yaml foo", ["foo"]), ("create secret foo", ["foo"])])
def test_words_no_subcommand_knows_go_to_the_groups_callback(line, args):
    """kubectl create's own Run judges them (create.go Complete: "Unexpected args"; create secret:
    DefaultSubCommandRun's "unknown command"), so the reader hands them to the group's callback."""
    calls = parse(app.kubectl_args(shlex.split(line)), app.root, app.lookup)
    func, kwargs = calls[-1]
    assert func.__name__ in ("create", "create_secret") and kwargs["args"] == args


@pytest.mark.parametrize("value, why", [("abc", "invalid syntax"), ("1.5", "invalid syntax"), ("99999999999999999999", "value out of range"),
                                        ("9223372036854775808", "value out of range"), ("", "invalid syntax")])
def test_int_flags_refused_as_pflag_does(value, why):
    from minikctl.kube.errors import ClientError

    with pytest.raises(ClientError) as e:
        parse(app.kubectl_args(["delete", "pod", "x", f"--grace-period={value}"]), app.root, app.lookup)
    assert e.value.render() == (f'Error: invalid argument "{value}" for "--grace-period" flag: strconv.ParseInt: '
                                f'parsing "{value}": {why}\nSee \'minikctl delete --help\' for usage.')


def test_kubectl_spellings():
    assert app.kubectl_args(["delete", "pod", "x", "--wait=false"]) == ["delete", "pod", "x", "--no-wait"]
    assert app.kubectl_args(["get", "pods", "-w=true", "-o=name"]) == ["get", "pods", "-w", "-o", "name"]
    assert app.kubectl_args(["get", "pods", "--watch=false"]) == ["get", "pods"]
    assert app.kubectl_args(["delete", "pod", "x", "--wait=0", "--force=T"]) == ["delete", "pod", "x", "--no-wait",
                                                                                "--force"]
    # after `--` everything belongs to the container's command
    assert app.kubectl_args(["exec", "p", "--", "env", "--tty=false"]) == ["exec", "p", "--", "env", "--tty=false"]


@pytest.mark.parametrize("line, at_dash", [
    ("exec nginx -- ls -l", 1), ("exec nginx ls", -1), ("exec -- date", 0), ("exec -c x nginx extra -- a -c b", 2),
    ("exec nginx", -1),
])
def test_reader_records_args_len_at_dash(line, at_dash):
    """cobra's ArgsLenAtDash (exec.go Complete tells `exec POD -- CMD` from the refused `exec POD CMD` with it)."""
    from minikctl.cli import argv

    assert parse(app.kubectl_args(shlex.split(line)), app.root, app.lookup) is not None
    assert argv.ARGS_LEN_AT_DASH == at_dash
