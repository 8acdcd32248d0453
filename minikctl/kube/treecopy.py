"""A deep copy of an object as JSON decodes it (dicts, lists, strings, numbers, booleans, None).

``copy.deepcopy`` of a pod costs about as much as validating it: it keeps a memo of every node it copied and
dispatches each through its type table. ``marshal`` writes and reads such a tree in C, three to four times faster
than even a plain recursive copy, and gives the same copy. An object marshal cannot write (a set, an object of a
class) goes through ``copy.deepcopy``.
"""

from __future__ import annotations

import marshal


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
    import math

    parts: list[str] = []
    add = parts.append

    def write(v, depth: int) -> None:
        t = type(v)
        if t is dict:
            if depth > 90:
                raise ValueError("too deep")
            add("{")
            for k, x in v.items():
                if type(k) is not str:
                    raise ValueError("a key that is not a string")
                add(repr(k))
                add(":")
                write(x, depth + 1)
                add(",")
            add("}")
        elif t is list:
            if depth > 90:
                raise ValueError("too deep")
            add("[")
            for x in v:
                write(x, depth + 1)
                add(",")
            add("]")
        elif t is str or t is int or t is bool or v is None:
            add(repr(v))
        elif t is float and math.isfinite(v):
            add(repr(v))
        else:
            raise ValueError("not a value a literal writes as it is")

    try:
        write(value, 0)
        made = eval(compile("lambda: " + "".join(parts), "<tree>", "eval"))  # noqa: S307 - our own literal
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        return None
    return made
