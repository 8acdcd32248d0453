"""Plain value objects for the simulator's records (images.py's ImageRef and Image, listener.py's Listener): named
fields with defaults, equality, hashing when frozen. Shared here so neither module reaches into the other's
private names."""

from __future__ import annotations


class Value:
    """A plain value object: its fields (``_FIELDS``, with their defaults in ``_DEFAULTS``; a callable default is
    a factory) set by keyword or in order, equality and repr by field. Not ``dataclasses``: that module imports
    ``inspect`` and ``ast`` (~8 ms) for every command that loads the simulated processes."""

    __slots__ = ()
    _FIELDS: tuple = ()
    _DEFAULTS: dict = {}

    def __init__(self, *args, **kw) -> None:
        if len(args) > len(self._FIELDS):
            raise TypeError(f"{type(self).__name__}() takes at most {len(self._FIELDS)} positional arguments")
        values = dict(zip(self._FIELDS, args))
        for name, value in kw.items():
            if name not in self._FIELDS or name in values:
                raise TypeError(f"{type(self).__name__}() got an unexpected or repeated argument {name!r}")
            values[name] = value
        for name in self._FIELDS:
            if name not in values:
                if name not in self._DEFAULTS:
                    raise TypeError(f"{type(self).__name__}() missing argument {name!r}")
                default = self._DEFAULTS[name]
                values[name] = default() if callable(default) else default
            object.__setattr__(self, name, values[name])

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other._values() == self._values()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._FIELDS)})"

    def __reduce__(self):  # copy, deepcopy and pickle rebuild it through __init__
        return type(self), self._values()


class Frozen(Value):
    __slots__ = ()

    def __setattr__(self, name, value) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __hash__(self) -> int:
        return hash(self._values())
