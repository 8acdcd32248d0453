"""The command line as data: every verb declares its parameters with `Opt` and `Arg`, without importing typer.

Two readers use these declarations:
- `app.build_app` turns them into a typer app (help, shell completion, and every error message);
- `argv.parse` reads a plain command line straight from them, so the commands people type most never pay for
  importing typer (~60-75 ms, more than kubectl's whole run). Whenever that reader is unsure, typer decides.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any, Callable


class Opt:
    """An option: `Opt(default, "--name", "-n", help=...)`, the arguments `typer.Option` takes."""

    __slots__ = ("default", "decls", "help", "envvar")

    def __init__(self, default: Any, *decls: str, help: str | None = None, envvar: str | None = None) -> None:
        self.default, self.decls, self.help, self.envvar = default, decls, help, envvar

    def to_typer(self):
        import typer

        return typer.Option(self.default, *self.decls, help=self.help, envvar=self.envvar)


class Arg:
    """The positional argument(s): `Arg(None | ..., help=..., complete="resource_args" | "pod_names")`.

    ``complete`` names what TAB offers for them (cli/completion.py)."""

    __slots__ = ("default", "help", "complete")

    def __init__(self, default: Any, help: str | None = None, complete: str | None = None) -> None:
        self.default, self.help, self.complete = default, help, complete

    def to_typer(self):
        import typer

        return typer.Argument(self.default, help=self.help)


class Group:
    """A command with subcommands (`create namespace`, `clock show`); `callback` runs when none is named."""

    def __init__(self, help: str, commands: dict[str, Callable], callback: Callable | None = None) -> None:
        self.help, self.commands, self.callback = help, commands, callback


class Param:
    """One parameter of a command function, as the command-line reader needs it."""

    __slots__ = ("name", "kind", "default", "on", "off", "envvar")

    def __init__(self, name: str, kind: str, default: Any, on: tuple[str, ...] = (), off: tuple[str, ...] = (),
                 envvar: str | None = None) -> None:
        self.name = name
        self.kind = kind  # "flag" (bool), "int", "str", "multi" (repeatable), "args" (positional list), "arg" (one)
        self.default = default
        self.on = on  # the option names that set it (to True, for a flag)
        self.off = off  # a flag's off switches (--no-wait, --table)
        self.envvar = envvar


def _kind(annotation: str, decl: Any) -> str:
    base = annotation.removesuffix(" | None")
    if isinstance(decl, Arg):
        return "args" if base.startswith("list[") else "arg"
    if base == "bool":
        return "flag"
    if base.startswith("list["):
        return "multi"
    return "int" if base == "int" else "str"


_cache: dict[Callable, list[Param]] = {}


def params(func: Callable) -> list[Param]:
    """The declared parameters of a command function, in order (read from its defaults, not by `inspect`)."""
    found = _cache.get(func)
    if found is not None:
        return found
    code = func.__code__
    names = code.co_varnames[:code.co_argcount]
    decls = func.__defaults__ or ()
    found = []
    for name, decl in zip(names[len(names) - len(decls):], decls):
        kind = _kind(func.__annotations__.get(name, "str"), decl)
        if isinstance(decl, Arg):
            found.append(Param(name, kind, decl.default))
            continue
        on: list[str] = []
        off: list[str] = []
        for d in decl.decls:
            first, _, second = d.partition("/")
            on.append(first)
            if second:
                off.append(second)
        found.append(Param(name, kind, decl.default, tuple(on), tuple(off), decl.envvar))
    _cache[func] = found
    return found
