"""kubectl's global flags, anywhere on the command line (`minikctl -n kube-system get pods`, `get pods --context x`).

kubectl declares them on the root command (staging/src/k8s.io/cli-runtime/pkg/genericclioptions/config_flags.go and
klog's -v), so they may stand before or after the verb. Here:
  - a global flag the verb itself declares (`-n`, `--namespace`, `-A`, `--request-timeout`) is moved after the verb,
    where the verb's own reader takes it;
  - `-n`/`--namespace` for a verb without one becomes the session's namespace (as kubectl's would);
  - the flags about reaching a cluster (kubeconfig, context, credentials, TLS, -v) mean nothing for one local store:
    they are accepted and ignored, with one line on stderr naming them.
"""

from __future__ import annotations

# flags that take a value (with `--flag value` or `--flag=value`); short forms included
VALUED = ("--namespace", "-n", "--context", "--kubeconfig", "--cluster", "--user", "--request-timeout", "--as",
          "--as-group", "--as-uid", "--server", "-s", "--token", "--certificate-authority", "--client-certificate",
          "--client-key", "--username", "--password", "--cache-dir", "--tls-server-name", "-v", "--v",
          "--vmodule", "--log-flush-frequency", "--profile", "--profile-output")
SWITCHES = ("--insecure-skip-tls-verify", "--match-server-version", "--warnings-as-errors", "--disable-compression",
            "-A", "--all-namespaces")
# what keeps its meaning here when the verb has it
MOVABLE = ("--namespace", "-n", "-A", "--all-namespaces", "--request-timeout")
IGNORED_QUIETLY = ("--request-timeout", "--profile", "--profile-output", "--log-flush-frequency")


def _split(token: str) -> tuple[str, str | None]:
    """`--flag=value` -> (--flag, value); `-v=6` and `-v6` -> (-v, 6); `-nfoo` -> (-n, foo)."""
    if token.startswith("--"):
        name, eq, value = token.partition("=")
        return name, value if eq else None
    if len(token) > 2 and token[:2] in ("-n", "-v", "-s"):
        return token[:2], token[3:] if token[2] == "=" else token[2:]
    return token, None


def extract(args: list[str], verb_options) -> tuple[list[str], dict[str, str], list[str]]:
    """(the command line for the verb's reader, the global values taken, the ignored flags' names).

    ``verb_options(word, args_after)`` gives the option names the verb named by ``word`` declares (None when the
    word is not a verb: then nothing is touched)."""
    out: list[str] = []
    taken: dict[str, str] = {}
    ignored: list[str] = []
    before: list[str] = []  # movable globals seen before the verb
    verb_at = None
    declared: set[str] = set()
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            out += args[i:]
            break
        name, value = _split(a) if a.startswith("-") else (a, None)
        if a.startswith("-") and (name in VALUED or name in SWITCHES):
            if name == "--request-timeout":  # checked when the command reaches its store (common.session)
                given = value if value is not None else (args[i + 1] if i + 1 < len(args) else None)
                if given is not None:
                    taken["request_timeout"] = given
            if verb_at is not None and name in declared:
                out.append(a)
                i += 1
                continue
            if name in VALUED and value is None:
                if i + 1 >= len(args):
                    out.append(a)
                    i += 1
                    continue
                value = args[i + 1]
                i += 1
            i += 1
            if name in MOVABLE and verb_at is None:
                before.append((name, value))
            elif name in ("-n", "--namespace"):
                taken["namespace"] = value or ""
            elif name in ("-A", "--all-namespaces"):
                out.append(a)  # the verb's reader refuses it as kubectl does when the verb has none
            elif name not in IGNORED_QUIETLY:
                ignored.append(name if name.startswith("--") else name)
            continue
        out.append(a)
        if verb_at is None and not a.startswith("-") and verb_options(a, args[i + 1:]) is not None:
            verb_at = len(out)
            declared = verb_options(a, args[i + 1:])
        i += 1
    if before:
        moved: list[str] = []
        for name, value in before:
            if verb_at is not None and name in declared:
                moved += [name] if value is None else ([f"{name}={value}"] if name.startswith("--") else [name, value])
            elif name in ("-n", "--namespace"):
                taken["namespace"] = value or ""
            elif name in ("-A", "--all-namespaces"):
                moved.append(name)  # the verb's reader refuses it as kubectl does when the verb has none
        # after the verb's own words and options, before a `--` (a leaf command reads options anywhere)
        cut = out.index("--") if "--" in out else len(out)
        out = out[:cut] + moved + out[cut:]
    return out, taken, ignored


def warning(ignored: list[str]) -> str:
    names = ", ".join(dict.fromkeys(ignored))
    return f"Warning: {names}: minikctl talks to its one local store; ignored"
