"""Errors as the API server reports them and as kubectl prints them.

Two families:

* ``FieldError``: one validation failure at a field path, formatted like
  apimachinery's ``field.Error`` (``spec.containers[0].name: Required value``).
* ``MinikctlError`` and its subclasses: anything that ends a command. ``render()``
  gives the exact text kubectl prints on stderr (without a trailing newline).
  ``StatusError`` is what a real API server returns (NotFound, Invalid, ...);
  ``ClientError`` is what kubectl itself complains about (``error: ...``).
"""

from __future__ import annotations

import json

from minikctl.kube.gofmt import quote as _quote

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~4 ms a command)
if TYPE_CHECKING:
    from typing import Any

# field.ErrorType strings (apimachinery/pkg/util/validation/field/errors.go)
REQUIRED = "Required value"
INVALID = "Invalid value"
NOT_SUPPORTED = "Unsupported value"
DUPLICATE = "Duplicate value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
NOT_FOUND = "Not found"
INTERNAL = "Internal error"

_OMIT = object()


def _go_value(value: Any) -> str:
    """Render a bad value the way field.Error does (%q for strings, %v for scalars)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return go_quote(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def go_quote(s: str) -> str:
    """Go's %q for the strings we meet (ASCII escapes, unicode kept): \\a, \\b, \\f, \\v as ``\\x07``..."""
    return _quote(s, named_escapes=False, escape_unprintable=False)


class FieldError:
    """One field error: ``<field>: <type>[: <value>][: <detail>]``."""

    __slots__ = ("type", "field", "value", "detail")

    def __init__(self, type_: str, field: str, value: Any = _OMIT, detail: str = "") -> None:
        self.type = type_
        self.field = field
        self.value = value
        self.detail = detail

    def body(self) -> str:
        if self.type in (REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL) or self.value is _OMIT:
            s = self.type
        else:
            s = f"{self.type}: {_go_value(self.value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"

    def __repr__(self) -> str:
        return f"FieldError({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


# Constructors mirroring field.Required(), field.Invalid(), ...
def required(path: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, path, detail=detail)


def invalid(path: str, value: Any, detail: str = "") -> FieldError:
    return FieldError(INVALID, path, value, detail)


def not_supported(path: str, value: Any, supported: list[str]) -> FieldError:
    detail = "supported values: " + ", ".join(go_quote(s) for s in supported) if supported else ""
    return FieldError(NOT_SUPPORTED, path, value, detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError(DUPLICATE, path, value)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, path, detail=detail)


def too_long(path: str, value: Any, max_len: int) -> FieldError:
    return FieldError(TOO_LONG, path, value, f"may not be more than {max_len} bytes")


def too_many(path: str, actual: int, max_items: int) -> FieldError:
    return FieldError(TOO_MANY, path, actual, f"must have at most {max_items} items")


def not_found(path: str, value: Any) -> FieldError:
    return FieldError(NOT_FOUND, path, value)


class MinikctlError(Exception):
    """An error that ends (part of) a command with a kubectl-style message."""

    def render(self) -> str:
        return str(self)


class ClientError(MinikctlError):
    """A client-side (kubectl) error: printed as ``error: <message>``."""

    def __init__(self, message: str, *, plain: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.plain = plain  # print the message exactly, with no ``error: `` prefix

    def render(self) -> str:
        if self.plain or self.message.startswith("error: "):
            return self.message
        return "error: " + self.message


class UsageError(ClientError):
    """A flag or argument problem; kubectl adds a 'See ... -h' line."""

    def __init__(self, message: str, command: str = "") -> None:
        super().__init__(message)
        self.command = command

    def render(self) -> str:
        text = super().render()
        if self.command:  # cmdutil.UsageErrorf names cmd.CommandPath(): the root command is this program
            text += f"\nSee 'minikctl {self.command} -h' for help and examples"
        return text


class StatusError(MinikctlError):
    """An API status error (what the API server would answer)."""

    reason = ""
    code = 500

    def __init__(self, message: str, *, source: str = "", verb: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.verb = verb

    def with_source(self, verb: str, source: str) -> "StatusError":
        """cmdutil.AddSourceToErr: ``error when <verb> "<file>": <msg>``."""
        self.verb = verb
        self.source = source
        return self

    def server_message(self) -> str:
        """The Status message itself (what err.Error() is in Go, before kubectl dresses it for the terminal)."""
        return self.message

    def full_message(self) -> str:
        if self.source:
            return f'error when {self.verb} "{self.source}": {self.message}'
        return self.message

    def render(self) -> str:
        if self.reason:
            return f"Error from server ({self.reason}): {self.full_message()}"
        return f"Error from server: {self.full_message()}"


class NotFound(StatusError):
    reason = "NotFound"
    code = 404

    def __init__(self, resource: str, name: str, **kw: Any) -> None:
        super().__init__(f'{resource} "{name}" not found', **kw)
        self.resource = resource
        self.name = name


class AlreadyExists(StatusError):
    reason = "AlreadyExists"
    code = 409

    def __init__(self, resource: str, name: str, **kw: Any) -> None:
        super().__init__(f'{resource} "{name}" already exists', **kw)


class Conflict(StatusError):
    reason = "Conflict"
    code = 409

    def __init__(self, resource: str, name: str, detail: str = "", **kw: Any) -> None:
        detail = detail or "the object has been modified; please apply your changes to the latest version and try again"
        super().__init__(f'Operation cannot be fulfilled on {resource} "{name}": {detail}', **kw)


class BadRequest(StatusError):
    reason = "BadRequest"
    code = 400


class Forbidden(StatusError):
    reason = "Forbidden"
    code = 403


class Invalid(StatusError):
    """422: ``The Pod "x" is invalid: <causes>``; kubectl prints it without a source."""

    reason = "Invalid"
    code = 422

    def __init__(self, kind: str, name: str, causes: list[FieldError], group: str = "") -> None:
        self.kind = kind
        self.name = name
        # the same cause twice (ValidatePod and ValidatePodUpdate both check ownerReferences) is printed once:
        # ErrorList.ToAggregate and kubectl's statusCausesToAggrError skip repeated messages
        seen: set[str] = set()
        self.causes = [c for c in causes if not (str(c) in seen or seen.add(str(c)))]
        self.group = group  # the Status message names the qualified kind (``Job.batch``), kubectl the kind
        super().__init__(self._text())

    def _text(self) -> str:
        # kubectl's StandardErrorMessage: a Status naming no kind and no object is "The request is invalid"
        head = (f"The {self.kind} {go_quote(self.name)} is invalid: " if self.kind or self.name
                else "The request is invalid: ")
        if len(self.causes) == 1:
            return head + str(self.causes[0])
        return head + "\n" + "\n".join(f"* {c}" for c in self.causes)

    def render(self) -> str:
        return self._text()

    def server_message(self) -> str:
        """``Pod "x" is invalid: <cause>`` or ``... is invalid: [<cause>, <cause>]`` (an aggregate's format)."""
        kind = f"{self.kind}.{self.group}" if self.group else self.kind
        head = f"{kind} {go_quote(self.name)} is invalid: "
        if len(self.causes) == 1:
            return head + str(self.causes[0])
        return head + "[" + ", ".join(str(c) for c in self.causes) + "]"


class MultiError(MinikctlError):
    """Several errors from one command: each printed on its own line, no prefix added."""

    def __init__(self, errors: list[MinikctlError]) -> None:
        super().__init__("; ".join(e.render() for e in errors))
        self.errors = errors

    def render(self) -> str:
        if len(self.errors) == 1:
            return self.errors[0].render()
        lines = []
        for e in self.errors:
            if isinstance(e, ClientError) and not e.plain:
                lines.append(e.message[7:] if e.message.startswith("error: ") else e.message)
            else:
                lines.append(e.render())
        return "\n".join(lines)
