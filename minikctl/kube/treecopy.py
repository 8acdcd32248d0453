"""A deep copy of an object as JSON decodes it (dicts, lists, strings, numbers, booleans, None).

``copy.deepcopy`` of a pod costs about as much as validating it: it keeps a memo of every node it copied and
dispatches each through its type table. ``marshal`` writes and reads such a tree in C, three to four times faster
than even a plain recursive copy, and gives the same copy. An object marshal cannot write (a set, an object of a
class) goes through ``copy.deepcopy``.
"""

from __future__ import annotations

import marshal
from math import isfinite as _isfinite


def tree_copy(value):
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:
        import copy

        return copy.deepcopy(value)


def maker(value):
    """A function of no arguments that gives a new copy of ``value`` at each call, as ``marshal.loads`` of it
    would (equal, the same types, dicts' keys in the same order, no container shared with ``value`` or with
    another copy), for a tree copied many times (a pod template stamped for each of 10,000 pods, api/stamp.py;
    the documents of a stream alike but for their names, api/manifests.py). It is the tree written as a Python
    literal and compiled: dicts and lists are built afresh by each call from the code's constants, strings and
    numbers are those constants (immutable: shared between copies, which no reader of a copy can tell), in about
    a third of marshal's time for a pod. Compiling costs about as much as twenty copies, so a caller makes it for
    a tree it has already copied a few times. None when ``value`` holds anything else than dicts with string
    keys, lists, strings, ints, finite floats, booleans and None (types that a literal would write otherwise), or
    is too deep for the compiler (its parser nests at most 200 brackets)."""
    try:
        made = eval(compile("lambda: " + literal(value), "<tree>", "eval"))  # noqa: S307 - our own literal
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        return None
    return made


def literal(value, string=repr) -> str:
    """``value`` written as a Python literal that builds it afresh (``maker``), each string, key or value, as
    ``string`` writes it (an expression giving that string: engine/kubelet/waketwins.py builds some from a twin's
    tokens). ValueError when ``value`` holds anything else than dicts with string keys, lists, strings, ints,
    finite floats, booleans and None, or nests deeper than the compiler's parser takes."""
    parts: list[str] = []
    _write(value, 0, parts.append, string)
    return "".join(parts)


def _write(v, depth: int, add, string) -> None:
    """``literal``'s walk (a function of the module, not a closure: a recursive closure is a reference cycle
    left to the garbage collector at every call)."""
    t = type(v)
    if t is dict:
        if depth > 90:
            raise ValueError("too deep")
        add("{")
        for k, x in v.items():
            if type(k) is not str:
                raise ValueError("a key that is not a string")
            add(string(k))
            add(":")
            _write(x, depth + 1, add, string)
            add(",")
        add("}")
    elif t is list:
        if depth > 90:
            raise ValueError("too deep")
        add("[")
        for x in v:
            _write(x, depth + 1, add, string)
            add(",")
        add("]")
    elif t is str:
        add(string(v))
    elif t is int or t is bool or v is None:
        add(repr(v))
    elif t is float and _isfinite(v):
        add(repr(v))
    else:
        raise ValueError("not a value a literal writes as it is")
