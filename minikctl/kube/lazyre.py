"""A regular expression compiled on its first use.

A module-level ``re.compile`` runs on every import, whether or not the command ever meets the text it checks:
about 0.1 ms each, and a module of validation rules holds a dozen (Windows user names, sysctls, HTTP header
names) that a ``label`` never needs. ``Lazy(pattern)`` has the methods of the compiled pattern the rules call
and compiles it the first time one of them is called (``re.compile``'s own cache is not relied upon: it is
bounded, and a rule called for every pod of a large apply should not look the pattern up each time).
"""

from __future__ import annotations

import re


class Lazy:
    __slots__ = ("pattern", "flags", "_rx")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._rx: re.Pattern[str] | None = None

    def compiled(self) -> "re.Pattern[str]":
        rx = self._rx
        if rx is None:
            rx = self._rx = re.compile(self.pattern, self.flags)
        return rx

    def match(self, string: str, *args: int) -> "re.Match[str] | None":
        return (self._rx or self.compiled()).match(string, *args)

    def fullmatch(self, string: str, *args: int) -> "re.Match[str] | None":
        return (self._rx or self.compiled()).fullmatch(string, *args)

    def search(self, string: str, *args: int) -> "re.Match[str] | None":
        return (self._rx or self.compiled()).search(string, *args)

    def sub(self, repl, string: str, count: int = 0) -> str:
        return (self._rx or self.compiled()).sub(repl, string, count)
