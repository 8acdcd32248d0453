"""Reading a command line from the declarations in `spec`: kubectl's spellings, and a reader that needs no typer.

The reader follows click's rules (typer's parser) for the forms people and scripts type: long options with a
value or `=value`, short options and clusters (`-it`, `-ojson`, `-n ns`), flags and their off switches, `--`,
repeated options, environment variables, and options between arguments. Anything else (`--help`, an unknown
option, a bad number, a missing value or argument) makes it step aside, and typer reads the line and writes
the error. A test parses a body of command lines both ways and compares the results.
"""

from __future__ import annotations

import os

from minikctl.cli.spec import Group, Param, params

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any, Callable

# cobra's cmd.ArgsLenAtDash() for the command line `parse` read last: how many of the command's positional
# arguments came before a `--` (-1: there was none; None: typer read the line, which does not keep it)
ARGS_LEN_AT_DASH: "int | None" = None


class _Unsure(Exception):
    """The line holds something only typer should judge."""


def option_table(ps: list[Param]) -> dict[str, tuple[Param, bool]]:
    """Every option name of these parameters -> (its parameter, the value a flag name sets)."""
    table = {name: (p, True) for p in ps for name in p.on}
    table.update({name: (p, False) for p in ps for name in p.off})
    return table


def kubectl_spellings(args: list[str], table: dict[str, tuple[Param, bool]]) -> list[str]:
    """pflag reads `--wait=false` (or =0, =f), `-w=true` and `-o=json`; click wants `--no-wait`, `-w`, `-o json`."""
    out: list[str] = []
    for i, a in enumerate(args):
        if a == "--":
            return out + args[i:]
        if a.startswith("--"):
            name, eq, value = a.partition("=")
        elif a.startswith("-") and a[2:3] == "=":
            name, eq, value = a[:2], "=", a[3:]
        else:
            out.append(a)
            continue
        hit = table.get(name) if eq else None
        if hit is None:
            out.append(a)
        elif hit[0].kind != "flag":
            out += [name, value] if not a.startswith("--") else [a]
        elif hit[1] and value.lower() in ("true", "t", "1"):  # strconv.ParseBool's spellings
            out.append(name)
        elif hit[1] and value.lower() in ("false", "f", "0"):
            out += hit[0].off[:1]  # no off switch: the flag is simply not given
        else:
            out.append(a)
    return out


def _read(ps: list[Param], tokens: list[str], interspersed: bool) -> tuple[dict[str, Any], list[str]]:
    """The options among tokens, and the positional arguments (all of them, or from the first one on)."""
    table = option_table(ps)
    values: dict[str, Any] = {}
    pos: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        i += 1
        if t == "--":
            if not interspersed:
                raise _Unsure
            global ARGS_LEN_AT_DASH
            ARGS_LEN_AT_DASH = len(pos)
            pos += tokens[i:]
            break
        if t[:1] != "-" or t == "-":
            pos.append(t)
            if not interspersed:
                pos += tokens[i:]
                break
            continue
        for name, attached in _options_in(t, table):
            p, on = _lookup(table, name)
            if p.kind == "flag":
                if attached is not None:
                    raise _Unsure
                values[p.name] = on
                continue
            if attached is None:
                if i >= len(tokens):
                    raise _Unsure
                attached, i = tokens[i], i + 1
            long = next((k for k, (q, _on) in table.items() if q is p and k.startswith("--")), name)
            _set(values, p, attached, long)
    return values, pos


def _options_in(token: str, table: dict) -> list[tuple[str, str | None]]:
    """The options one token names, each with the value attached to it in the token (None: none attached)."""
    if token.startswith("--"):
        name, eq, value = token.partition("=")
        return [(name, value if eq else None)]
    found: list[tuple[str, str | None]] = []
    for j in range(1, len(token)):  # -it, -ojson, -n NS
        name = "-" + token[j]
        if _lookup(table, name)[0].kind != "flag":
            return found + [(name, token[j + 1:] or None)]
        found.append((name, None))
    return found


def _lookup(table: dict, name: str) -> tuple[Param, bool]:
    hit = table.get(name)
    if hit is None:  # --help, -h, or a flag typer must reject
        raise _Unsure
    return hit


class FlagValueError(Exception):
    """An int flag's value pflag refuses: (flag, value, strconv's reason)."""

    def __init__(self, flag: str, value: str, why: str) -> None:
        super().__init__(flag, value, why)
        self.flag, self.value, self.why = flag, value, why


def _set(values: dict[str, Any], p: Param, value: str, flag: str = "") -> None:
    if p.kind == "multi":
        values.setdefault(p.name, []).append(value)
    elif p.kind == "int":
        digits = value[1:] if value[:1] in "+-" else value
        if not (digits.isascii() and digits.isdigit()):
            raise FlagValueError(flag, value, "invalid syntax")
        if len(digits) > 19 or not -(1 << 63) <= int(value) < (1 << 63):  # strconv.ParseInt(s, 0, 64)
            raise FlagValueError(flag, value, "value out of range")
        values[p.name] = int(value)
    else:
        values[p.name] = value


def _complete(ps: list[Param], values: dict[str, Any], pos: list[str]) -> dict[str, Any]:
    """Defaults, environment variables and the positional arguments filled in."""
    takes = [p for p in ps if p.kind in ("arg", "args")]
    if len(takes) > 1 or (not takes and pos):
        raise _Unsure
    for p in takes:
        if p.kind == "arg":
            if len(pos) != 1:
                raise _Unsure
            values[p.name] = pos[0]
        elif pos:
            values[p.name] = pos
        elif p.default is ...:
            raise _Unsure
        else:
            values[p.name] = p.default
    for p in ps:
        if p.name not in values:
            env = os.environ.get(p.envvar) if p.envvar else None
            values[p.name] = env if env else p.default
    return values


def parse(args: list[str], root: Callable, lookup: Callable[[str], Any]) -> list[tuple[Callable, dict[str, Any]]] | None:
    """The functions to call, with their arguments, for a command line; None when typer should read it."""
    global ARGS_LEN_AT_DASH
    ARGS_LEN_AT_DASH = -1
    try:
        root_ps = params(root)
        values, rest = _read(root_ps, args, interspersed=False)
        node = lookup(rest[0]) if rest else None
        if node is None:
            return None
        calls: list[tuple[Callable, dict[str, Any]]] = [(root, _complete(root_ps, values, []))]
        tokens = rest[1:]
        while isinstance(node, Group):  # `create secret generic NAME`: groups within groups
            group_ps = params(node.callback) if node.callback else []
            values, sub = _read(group_ps, tokens, interspersed=False)
            if not sub:
                if node.callback is None:
                    return None
                return calls + [(node.callback, _complete(group_ps, values, []))]
            if sub[0] not in node.commands and node.callback is not None \
                    and any(p.kind == "args" for p in group_ps):
                # a word that names no subcommand is the callback's argument (`create foo`: kubectl's
                # create refuses it as an unexpected argument)
                node = node.callback
                break
            if len(sub) != len(tokens) or sub[0] not in node.commands:
                return None
            node, tokens = node.commands[sub[0]], sub[1:]
        ps = params(node)
        values, pos = _read(ps, tokens, interspersed=True)
        return calls + [(node, _complete(ps, values, pos))]
    except _Unsure:
        ARGS_LEN_AT_DASH = None
        return None
    except FlagValueError as e:
        from minikctl.kube.errors import ClientError

        words = [a for a in args if not a.startswith("-")][:1]
        raise ClientError(f'Error: invalid argument "{e.value}" for "{e.flag}" flag: strconv.ParseInt: parsing '
                          f'"{e.value}": {e.why}\nSee \'minikctl {" ".join(words)} --help\' for usage.',
                          plain=True) from None


def change_cause(program: str, args: list[str], table: dict[str, tuple[Param, bool]]) -> str:
    """parseCommandArguments (cli-runtime genericclioptions/record_flags.go): the program's name, the command
    line's words (the command's own included), then every flag in the order given, by its long name with the
    value as typed (``--record=true`` for a bare switch)."""
    words: list[str] = []
    flags: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            words += args[i:]
            break
        if not a.startswith("-") or a == "-":
            words.append(a)
            continue
        if a.startswith("--"):
            name, eq, value = a.partition("=")
            hit = table.get(name)
            if not eq:
                if hit is not None and hit[0].kind != "flag" and i < len(args):
                    value, i = args[i], i + 1
                else:
                    value = "true" if hit is None or hit[1] else "false"
            flags.append(f" --{_long(table, name)}={value}")
            continue
        j = 1
        while j < len(a):  # -it, -ojson, -n NS
            name = "-" + a[j]
            hit = table.get(name)
            if hit is None or hit[0].kind == "flag":
                flags.append(f" --{_long(table, name)}=true")
                j += 1
                continue
            value = a[j + 1:].removeprefix("=")
            if not value and i < len(args):
                value, i = args[i], i + 1
            flags.append(f" --{_long(table, name)}={value}")
            break
    return program + "".join(" " + w for w in words) + "".join(flags)


def _long(table: dict[str, tuple[Param, bool]], name: str) -> str:
    hit = table.get(name)
    if hit is None:
        return name.lstrip("-")
    long = next((k for k in hit[0].on if k.startswith("--")), name)
    return long.lstrip("-")
