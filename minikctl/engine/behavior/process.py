"""A simulated container process: a resumable interpreter for the shell subset and the
catalog's program models. Nothing is executed; all state is a small JSON dict.

Time: ``step(now_ms, fs)`` runs everything due at or before ``now_ms``. Only ``sleep``
(and catalog programs with a duration: perl, stress's OOM) take virtual time.
"""

from __future__ import annotations

import fnmatch
import marshal
import re

from .images import Image, compact_image, expand_image, image_of, program_model
from .listener import Listener
from .network import server_token
from .shell import SPECIAL_BUILTINS, ShellSyntaxError, compile_script, scan_word
from .vfs import ContainerFS, FSError, norm

from minikctl.kube.digest import sha256
from minikctl.kube.treecopy import tree_copy

SHELLS = {"sh", "bash", "ash", "dash"}
# The virtual machine's budgets (issue 11). Steps cost CPU: one interpreter step is CPU_NS_PER_STEP of CPU time,
# 100,000 steps per CPU-second. A shell is one thread: it gets at most one core, or its limits.cpu (a container
# limited to 100m runs its steps ten times slower in virtual time). The process clock moves every SLICE_STEPS.
CPU_NS_PER_STEP = 10_000
SLICE_STEPS = 2_000
# Memory: the shell's data (variables, arrays, positional parameters of every frame, captured output, here-
# documents) counts against limits.memory: past it the kernel's OOM killer ends the container (137, OOMKilled).
MEM_CHECK_BYTES = 64 * 1024  # a value this large makes the process count its memory at once
# The host's guards, whatever a manifest says: in one minikctl command a container may take HOST_STEPS steps
# (a wake-up counts WAKE_STEPS) and hold HOST_BYTES of data; past either the simulator stops it (exit 137,
# reason Error) and the kubelet records a SimulationLimit event. Never the command, never the store.
NODE_MEMORY_BYTES = 16 * 1024 ** 3  # node1's allocatable memory: what a container without limits.memory may use
HOST_STEPS = 2_000_000
WAKE_STEPS = 20
HOST_BYTES = 64 * 1024 * 1024
LOG_CAP = 20000             # lines kept in ``logs`` (oldest dropped) when the caller never drains
EPOCH_MS = 1735689600000    # 2025-01-01T00:00:00Z: virtual times below 2000-01-01 are offsets from this
FUNC_DEPTH = 1000          # frames deep before a recursing function counts as a stack overflow
LAST_MS = 253_402_300_799_000  # kube.timefmt.MAX_CLOCK_MS: the virtual clock never passes 9999-12-31T23:59:59Z
MAX_SLEEP_MS = LAST_MS  # a sleep longer than all of virtual time blocks forever
_ULONG_MAX = (1 << 64) - 1
SIGNUM = {"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12, "TERM": 15}

# utilities the shell has built in (busybox ash; also dash/bash) -- never "not found"
SHELL_BUILTINS = {"exit", "export", "unset", "set", "trap", "wait", "cd", "read", "shift", "exec", "eval",
                  "true", "false", ":", "echo", "printf", "test", "[", "[[", "kill", "pwd", "local", "return",
                  "readonly", "type", "command", "ulimit", "umask", "source", ".", "hash", "let", "declare",
                  "break", "continue"}


def abs_ms(ms: int) -> int:
    return ms if ms >= 946684800000 else EPOCH_MS + ms


def _sig(sig: str) -> str:
    s = str(sig).upper()
    if s.startswith("SIG"):
        s = s[3:]
    if s.isdigit():
        for k, v in SIGNUM.items():
            if v == int(s):
                return k
        return s
    return s


# ---------------------------------------------------------------------------- arithmetic
_ARITH_TOK = re.compile(r"\s*(?:(0[xX][0-9a-fA-F]+|\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>!~&|^()?:]))")


def _wrap64(v: int) -> int:
    """A value as a signed 64-bit integer holds it (two's complement wrap-around)."""
    return ((v + (1 << 63)) & ((1 << 64) - 1)) - (1 << 63)


def _arith_literal(text: str) -> int:
    """A number in $(( )): 0x.. hex, 0.. octal, decimal; strtoimax's value, wrapped to 64 bits."""
    if len(text) > 1 and text[0] == "0" and text[1] in "xX":
        return _wrap64(int(text[2:][:40] or "0", 16))
    if len(text) > 1 and text[0] == "0":
        if any(c in "89" for c in text):
            raise ValueError("arithmetic syntax error")
        return _wrap64(int(text[:40], 8))
    if len(text) > 19:  # out of range: strtoimax saturates
        return (1 << 63) - 1
    return _wrap64(int(text))


class _Arith:
    """Integer arithmetic for ``$(( ))`` (precedence climbing, C semantics)."""

    BIN = {"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
           "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "**": 11}

    def __init__(self, text: str, lookup) -> None:
        self.toks = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _ARITH_TOK.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError("arithmetic syntax error")
            pos = m.end()
            if m.group(1):
                self.toks.append(("n", _arith_literal(m.group(1))))
            elif m.group(2):
                self.toks.append(("v", m.group(2)))
            else:
                self.toks.append(("o", m.group(3)))
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0
        self.lookup = lookup

    def value(self) -> int:
        if not self.toks:
            return 0
        v = self.ternary()
        if self.i != len(self.toks):
            raise ValueError("arithmetic syntax error")
        return v

    def ternary(self) -> int:
        c = self.binary(1)
        if self.i < len(self.toks) and self.toks[self.i] == ("o", "?"):
            self.i += 1
            a = self.ternary()
            if self.i >= len(self.toks) or self.toks[self.i] != ("o", ":"):
                raise ValueError("arithmetic syntax error")
            self.i += 1
            b = self.ternary()
            return a if c else b
        return c

    def binary(self, minp: int) -> int:
        left = self.unary()
        while self.i < len(self.toks):
            t = self.toks[self.i]
            if t[0] != "o" or t[1] not in self.BIN or self.BIN[t[1]] < minp:
                break
            op = t[1]
            self.i += 1
            right = self.binary(self.BIN[op] + (0 if op == "**" else 1))
            left = self._apply(op, left, right)
        return left

    @staticmethod
    def _apply(op: str, a: int, b: int) -> int:
        # the shells' arithmetic is C's on a signed 64-bit integer (arith_t / intmax_t): results wrap, shift
        # counts are taken modulo 64 as x86 does, and no Python bigint ever appears
        if op in ("/", "%"):
            if b == 0:
                raise ValueError("divide by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            return _wrap64(q) if op == "/" else _wrap64(a - q * b)
        if op == "**":
            if b < 0:
                raise ValueError("exponent less than 0")
            return _wrap64(pow(a, b, 1 << 64))
        return _wrap64({
            "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
            "<<": lambda: a << (b & 63), ">>": lambda: a >> (b & 63), "<": lambda: int(a < b), ">": lambda: int(a > b),
            "<=": lambda: int(a <= b), ">=": lambda: int(a >= b), "==": lambda: int(a == b),
            "!=": lambda: int(a != b), "&": lambda: a & b, "|": lambda: a | b, "^": lambda: a ^ b,
            "&&": lambda: int(bool(a) and bool(b)), "||": lambda: int(bool(a) or bool(b)),
        }[op]())

    def unary(self) -> int:
        if self.i >= len(self.toks):
            raise ValueError("arithmetic syntax error")
        t = self.toks[self.i]
        self.i += 1
        if t[0] == "n":
            return t[1]
        if t[0] == "v":
            return self.lookup(t[1])
        op = t[1]
        if op == "(":
            v = self.ternary()
            if self.i >= len(self.toks) or self.toks[self.i] != ("o", ")"):
                raise ValueError("arithmetic syntax error")
            self.i += 1
            return v
        if op == "-":
            return _wrap64(-self.unary())
        if op == "+":
            return self.unary()
        if op == "!":
            return int(not self.unary())
        if op == "~":
            return ~self.unary()
        raise ValueError("arithmetic syntax error")


# ---------------------------------------------------------------------------- pi digits
PI_MAX_DIGITS = 20_000  # digits of pi the perl model computes for real


def pi_digits(n: int) -> str:
    """pi to ``n`` significant digits, rounded like Math::BigFloat's bpi(n)."""
    import sys

    setter = getattr(sys, "set_int_max_str_digits", None)  # CPython 3.11+ refuses str() of > 4,300 digits
    old = sys.get_int_max_str_digits() if setter else 0
    if setter:
        setter(0)
    try:
        return _pi_digits(n)
    finally:
        if setter:
            setter(old)


def _pi_digits(n: int) -> str:
    n = max(1, int(n))
    guard = 10
    prec = n + guard
    scale = 10 ** prec

    def arctan_inv(x: int) -> int:
        total = term = scale // x
        x2 = x * x
        k = 1
        sign = -1
        while term:
            term //= x2
            total += sign * (term // (2 * k + 1))
            sign = -sign
            k += 1
        return total

    pi = 4 * (4 * arctan_inv(5) - arctan_inv(239))
    digits = str(pi)  # "314159..." with prec+1 digits
    keep = digits[:n]
    rest = digits[n:]
    if rest and rest[0] >= "5":
        keep = str(int(keep) + 1)
    return keep[0] + ("." + keep[1:] if n > 1 else "")


# ---------------------------------------------------------------------------- python -c subset
PY_MAX_BITS = 1 << 23  # a python -c number larger than 1 MiB is not computed: its cost is modelled instead
PY_MAX_ITEMS = 1_000_000  # list sizes and loop iterations the snippet interpreter runs for real
_PY_STR_LIMIT = ("Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() "
                 "to increase the limit")


class _PyHuge(Exception):
    """A python -c computation too big to run on the host: (bytes it needs, what it is)."""

    def __init__(self, nbytes: int, what: str) -> None:
        super().__init__(what)
        self.nbytes, self.what = int(nbytes), what


def _bound_binop(op, a, b) -> None:
    import ast
    import math

    ints = isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool) and not isinstance(b, bool)
    if op is ast.Pow and ints and b > 0 and abs(a) > 1:
        bits = b * math.log2(abs(a))
        if bits > PY_MAX_BITS:
            raise _PyHuge(bits / 8, f"{a}**{b}")
    if op is ast.Mult:
        for seq, n in ((a, b), (b, a)):
            if isinstance(seq, (str, list)) and isinstance(n, int) and len(seq) * n > PY_MAX_ITEMS * 8:
                raise _PyHuge(len(seq) * n * (1 if isinstance(seq, str) else 8), "a repeated sequence")
        if ints and (a.bit_length() + b.bit_length()) > PY_MAX_BITS:
            raise _PyHuge((a.bit_length() + b.bit_length()) / 8, "a product")


class _PyUnsupported(Exception):
    pass


class _PyExit(Exception):
    def __init__(self, code) -> None:
        self.code = code


def run_python_snippet(src: str, env: dict) -> tuple[list, int]:
    """Evaluate a tiny, safe subset of Python (enough for the corpus' Job examples):
    imports of os/sys, print, if/elif/else, assignments, comparisons, arithmetic, int()/str()/len(),
    os.environ.get / os.environ[...] / os.getenv, sys.exit. Returns ([(stream, text)], exit code).
    Raises _PyUnsupported for anything else."""
    import ast

    tree = ast.parse(src, mode="exec")
    out: list = []
    names: dict = {}
    budget = [0]

    def ev(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in names:
                return names[node.id]
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            raise _PyUnsupported(node.id)
        if isinstance(node, ast.Attribute):
            base = dotted(node)
            if base == "os.environ":
                return dict(env)
            raise _PyUnsupported(base)
        if isinstance(node, ast.Subscript):
            v = ev(node.value)
            k = ev(node.slice)
            return v[k]
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.Div: lambda: a / b, ast.FloorDiv: lambda: a // b, ast.Mod: lambda: a % b,
                   ast.Pow: lambda: a ** b}
            _bound_binop(type(node.op), a, b)
            f = ops.get(type(node.op))
            if f is None:
                raise _PyUnsupported("op")
            return f()
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            if isinstance(node.op, ast.Not):
                return not v
            if isinstance(node.op, ast.USub):
                return -v
            raise _PyUnsupported("unary")
        if isinstance(node, ast.BoolOp):
            vals = [ev(v) for v in node.values]
            if isinstance(node.op, ast.And):
                r = True
                for v in vals:
                    r = v
                    if not v:
                        return v
                return r
            r = False
            for v in vals:
                r = v
                if v:
                    return v
            return r
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, comp in zip(node.ops, node.comparators):
                right = ev(comp)
                fn = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
                      ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
                      ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
                      ast.Is: lambda a, b: a is b, ast.IsNot: lambda a, b: a is not b}.get(type(op))
                if fn is None or not fn(left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.Call):
            fname = dotted(node.func)
            args = [ev(a) for a in node.args]
            if fname == "print":
                sep = " "
                stream = "stdout"
                for kw in node.keywords:
                    if kw.arg == "file" and dotted(kw.value) == "sys.stderr":
                        stream = "stderr"
                    elif kw.arg == "sep":
                        sep = ev(kw.value)
                out.append((stream, sep.join(_pystr(a) for a in args)))
                return None
            if fname in ("int", "str", "len", "abs", "float"):
                try:
                    return {"int": int, "str": _pystr, "len": len, "abs": abs, "float": float}[fname](*args)
                except (TypeError, ValueError) as e:
                    raise _PyError(type(e).__name__, str(e))
            if fname in ("os.environ.get", "os.getenv"):
                return env.get(args[0], args[1] if len(args) > 1 else None)
            if fname == "sys.exit":
                raise _PyExit(args[0] if args else 0)
            if fname == "range":
                r = range(*args)
                if len(r) > PY_MAX_ITEMS:
                    raise _PyHuge(8 * len(r), f"range of {len(r):,} items")
                return list(r)
            raise _PyUnsupported(fname)
        if isinstance(node, ast.List) or isinstance(node, ast.Tuple):
            return [ev(e) for e in node.elts]
        if isinstance(node, ast.JoinedStr):
            s = ""
            for v in node.values:
                s += _pystr(ev(v.value)) if isinstance(v, ast.FormattedValue) else v.value
            return s
        raise _PyUnsupported(type(node).__name__)

    def dotted(node) -> str:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return dotted(node.value) + "." + node.attr
        raise _PyUnsupported("call")

    def run(stmts) -> None:
        for st in stmts:
            if isinstance(st, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(st, ast.Expr):
                ev(st.value)
            elif isinstance(st, ast.Assign) and all(isinstance(t, ast.Name) for t in st.targets):
                v = ev(st.value)
                for t in st.targets:
                    names[t.id] = v
            elif isinstance(st, ast.If):
                run(st.body if ev(st.test) else st.orelse)
            elif isinstance(st, ast.For) and isinstance(st.target, ast.Name):
                for v in ev(st.iter):
                    names[st.target.id] = v
                    budget[0] += 1
                    if budget[0] > PY_MAX_ITEMS:
                        raise _PyHuge(0, f"more than {PY_MAX_ITEMS:,} loop iterations")
                    run(st.body)
            elif isinstance(st, ast.Pass):
                continue
            else:
                raise _PyUnsupported(type(st).__name__)

    try:
        run(tree.body)
    except _PyExit as e:
        code = e.code
        if code is None:
            return out, 0
        if isinstance(code, bool) or not isinstance(code, int):
            out.append(("stderr", _pystr(code)))
            return out, 1
        return out, code & 255
    except _PyError as e:
        out.append(("stderr", "Traceback (most recent call last):"))
        out.append(("stderr", '  File "<string>", line 1, in <module>'))
        out.append(("stderr", f"{e.kind}: {e.msg}"))
        return out, 1
    except (KeyError, IndexError, ZeroDivisionError) as e:
        out.append(("stderr", "Traceback (most recent call last):"))
        out.append(("stderr", '  File "<string>", line 1, in <module>'))
        out.append(("stderr", f"{type(e).__name__}: {e}"))
        return out, 1
    return out, 0


class _PyError(Exception):
    def __init__(self, kind: str, msg: str) -> None:
        self.kind, self.msg = kind, msg


def _pystr(v) -> str:
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 14_300:
        raise _PyError("ValueError", _PY_STR_LIMIT)
    return _pystr_plain(v)


def _pystr_plain(v) -> str:
    if v is None:
        return "None"
    if v is True:
        return "True"
    if v is False:
        return "False"
    return str(v)


# ---------------------------------------------------------------------------- helpers
def _parse_duration_s(arg: str) -> float | None:
    a = arg.strip()
    if a in ("inf", "infinity", "Inf", "INF"):
        return float("inf")
    m = re.match(r"^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$", a)
    if not m:
        return None
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _stress_bytes(s: str) -> int | None:
    m = re.match(r"^(\d+)([bBkKmMgG]?)$", s.strip())
    if not m:
        return None
    return int(m.group(1)) * {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[m.group(2).lower()]


def parse_service_dns(name: str, namespace: str) -> tuple[str, str] | None:
    """``myservice`` / ``myservice.ns`` / ``myservice.ns.svc[.cluster.local]`` -> (service, namespace);
    None for names outside the cluster domain (``example.com``)."""
    n = name.rstrip(".")
    parts = n.split(".")
    if len(parts) == 1:
        return parts[0], namespace
    if len(parts) == 2:
        return parts[0], parts[1]
    if len(parts) >= 3 and parts[2] == "svc" and (len(parts) == 3 or ".".join(parts[3:]) == "cluster.local"):
        return parts[0], parts[1] or namespace
    return None


def _fake_ip(name: str) -> str:
    h = sha256(name.encode()).digest()
    return f"10.96.{h[0]}.{max(1, h[1])}"


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _busybox_date(ms: int) -> str:
    """``date`` without a format: ``Thu Jan  1 00:00:00 UTC 2026`` (strftime's ``%a %b %e %H:%M:%S UTC %Y`` in the C
    locale). Written from time.gmtime's fields, a fifth of datetime's cost: a fast-forwarded loop's lines are
    rendered by running its ``date`` (behavior/periodic.py)."""
    s = abs_ms(ms) // 1000
    if 0 <= s < 253_402_300_800:  # up to 9999-12-31T23:59:59Z; outside, datetime's own answer (and its error)
        import time

        tm = time.gmtime(s)
        return (f"{_WEEKDAYS[tm.tm_wday]} {_MONTHS[tm.tm_mon - 1]} {tm.tm_mday:2d} "
                f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} UTC {tm.tm_year}")
    import datetime
    dt = datetime.datetime.fromtimestamp(s, tz=datetime.timezone.utc)
    return dt.strftime("%a %b ") + f"{dt.day:2d}" + dt.strftime(" %H:%M:%S UTC %Y")


def _date_format(ms: int, fmt: str) -> str:
    import datetime
    dt = datetime.datetime.fromtimestamp(abs_ms(ms) // 1000, tz=datetime.timezone.utc)
    fmt = fmt.replace("%s", str(abs_ms(ms) // 1000)).replace("%N", f"{(abs_ms(ms) % 1000) * 1000000:09d}")
    return dt.strftime(fmt)


_ESC = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "r": "\r", "v": "\v", "e": "\x1b"}


def _unescape(s: str, octal_prefix_zero: bool = True) -> tuple[str, bool]:
    """echo -e / printf escapes. Returns (text, stop) where stop means ``\\c`` was seen."""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            d = s[i + 1]
            if d in _ESC:
                out.append(_ESC[d])
                i += 2
                continue
            if d == "c":
                return "".join(out), True
            if d == "0" or (not octal_prefix_zero and d in "01234567"):
                j = i + 2 if d == "0" and octal_prefix_zero else i + 1
                k = j
                while k < len(s) and k < j + 3 and s[k] in "01234567":
                    k += 1
                out.append(chr(int(s[j:k] or "0", 8)))
                i = k
                continue
            out.append(c)
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out), False


def _printf_int(a: str) -> int:
    """strtoll's value: out of range saturates (printf then says so on stderr; we keep the value)."""
    text = (a or "0").strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()):
        return 0
    if len(digits) > 19 or int(digits) > (1 << 63) - 1:
        return -(1 << 63) if text[:1] == "-" else (1 << 63) - 1
    return int(text)


def _width(width: str | None) -> str:
    """A printf width the host can afford (busybox would try to print a billion spaces)."""
    if not width:
        return ""
    return str(min(int(width), 4096)) if width.isdigit() else width


def _printf(fmt: str, args: list) -> str:
    out = []
    args = list(args)
    spec = re.compile(r"%([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdiouxXcfeEgGb%])")
    first = True
    while first or args:
        first = False
        used = False
        pos = 0
        piece = []
        for m in spec.finditer(fmt):
            piece.append(_unescape(fmt[pos:m.start()], octal_prefix_zero=False)[0])
            pos = m.end()
            flags, width, prec, conv = m.groups()
            if conv == "%":
                piece.append("%")
                continue
            used = True
            a = args.pop(0) if args else ""
            if conv in "di":
                v = _printf_int(a)
                piece.append(("%" + flags + _width(width) + "d") % v)
            elif conv in "ouxX":
                v = _printf_int(a)
                piece.append(("%" + flags + _width(width) + conv) % (v if v >= 0 else v + (1 << 64)))
            elif conv in "feEgG":
                try:
                    v = float(a or 0)
                except ValueError:
                    v = 0.0
                piece.append(("%" + flags + (width or "") + ("." + prec if prec else "") + conv) % v)
            elif conv == "c":
                piece.append(a[:1])
            elif conv == "b":
                piece.append(_unescape(a)[0])
            else:
                s = a if prec is None else a[:int(prec)]
                piece.append(("%" + flags.replace("0", "") + (width or "") + "s") % s)
        piece.append(_unescape(fmt[pos:], octal_prefix_zero=False)[0])
        out.append("".join(piece))
        if not used:
            break
    return "".join(out)


# ---------------------------------------------------------------------------- the process
_COMPILED: dict = {}  # (script, dialect) -> marshalled (code, slot): a crash loop respawns the same script
_COMPILED_MAX = 512


def _compiled(script: str, dialect: str) -> tuple[list, int]:
    """The program of a ``sh -c`` script, ending in ``exit_script`` (a fresh copy: programs grow at run
    time). Raises ShellSyntaxError."""
    key = (script, dialect)
    blob = _COMPILED.get(key)
    if blob is None:
        code, slot = compile_script(script, dialect=dialect)
        code.append(["exit_script"])
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        blob = _COMPILED[key] = marshal.dumps((code, slot))
    code, slot = marshal.loads(blob)
    return code, slot


class Process:
    """One simulated container process (or one exec). See the module docstring."""

    def __init__(self) -> None:
        self.argv: list = []
        self.image: dict = {}
        self.memory_limit: int | None = None
        self.started_ms = 0
        self.t = 0
        self.shell = False
        self.shell_name = "sh"
        self.flavor = "busybox"
        self.code: list = []
        self.slot = 0
        self.pc = 0
        self.vars: dict = {}
        self.arrays: dict = {}
        self.exported: list = []
        self.positional: list = []
        self.status = 0
        self.frames: list = []
        self.fds: list = [{"1": ["log", "stdout"], "2": ["log", "stderr"]}]
        self.caps: list = []
        self.stdin: list = []
        self.loops: dict = {}
        self.csubs: dict = {}
        self.traps: dict = {}
        self.funcs: dict = {}  # function name -> start of its body in ``code``
        self.subs: dict = {}  # nested ``sh`` scripts already compiled: source -> start
        self.jobs: list = []
        self.next_pid = 7
        self.last_bg: str = ""
        self.blocked: dict | None = None
        self.pending: list = []
        self.opts: dict = {}
        self.cwd = "/"
        self.partial: dict = {"stdout": "", "stderr": ""}
        self.listeners: list = []
        self.pid1: dict | None = None
        self.exiting: int | None = None
        self.spin = 0
        self.cpu_ns = 0  # CPU time used (virtual)
        self.cpu_share = 1.0  # cores it may use: min(1, limits.cpu)
        self.guard = ""  # why the host's guard stopped it ("" = it did not)
        self.cpu_slice = 0  # steps in the current CPU slice (kept: a wake-up goes on with the slice it was in)
        self._trace: list | None = None  # the pcs run, when a caller asks (behavior/periodic.py)
        self.ffwd_after = 0  # no new look for a steady loop before this virtual ms (behavior/periodic.py)
        self._host_steps = 0  # steps in this minikctl command (not persisted: every command has its budget)
        self._horizon: int | None = None  # the instant step() runs to
        self.exited = False
        self.exit_code: int | None = None
        self.exit_ms: int | None = None
        self.reason: str | None = None
        self.message: str | None = None
        self.logs: list = []
        self.assumptions: list = []
        self.peer: "Process | None" = None  # exec only: the container's main process (not persisted)
        self.stdin_open = False
        self.is_exec = False  # run by run_exec (probe/hook/exec): unmodelled programs then succeed at once
        # the credentials it runs with (argv.credentials: {"uid", "gid", "groups"}), None = the image's root; an exec
        # runs with those of the container's main process
        self.creds: dict | None = None
        # optional, not persisted: name -> IP (or None) for nslookup; set it before step() to let
        # init containers wait for Services (see ``parse_service_dns``)
        self.resolver = None
        # optional, not persisted: the pod's network namespace (behavior/network.PodNetwork); the kubelet sets it
        # so that wget/curl/nc/nslookup and bind() see the pod's ports and the cluster's Services
        self.net = None
        self._fs = None
        self._image_obj = None
        self._cmdname = ""
        self._jumped = False  # the last command transferred control (function call, return, nested sh)

    # ------------------------------------------------------------------ construction
    @classmethod
    def spawn(cls, argv: list, env: dict, image: Image, now_ms: int, memory_limit: int | None,
              stdin_open: bool = False, cpu_limit: float | None = None) -> "Process":
        """Start ``argv`` at ``now_ms``. A missing executable gives an exited process with
        reason ``StartError``, exit code 128 and message ``exec: "<x>": executable file not found
        in $PATH`` (containerd wraps it as in lifecycle.md 2.3; see ``containerd_start_error``).
        ``stdin_open`` (container ``stdin: true`` / ``tty: true``, ``kubectl run -it``, debug
        containers): a shell without ``-c`` and ``cat`` without files then wait for input forever
        instead of reading EOF."""
        p = cls()
        p.stdin_open = bool(stdin_open)
        p.argv = [str(a) for a in argv]
        p.image = image.to_dict() if isinstance(image, Image) else dict(image or {})
        if isinstance(image, Image):
            p._image_obj = image  # what _img() would rebuild from p.image (an Image is frozen, its maps never changed)
        p.memory_limit = memory_limit
        if cpu_limit is not None and cpu_limit > 0:
            p.cpu_share = min(1.0, float(cpu_limit))
        p.started_ms = p.t = int(now_ms)
        for k, v in (env or {}).items():
            p.vars[str(k)] = str(v)
            p.exported.append(str(k))
        if "HOME" not in p.vars:  # the runtime sets HOME for the image user (root)
            p.vars["HOME"] = "/root"
            p.exported.append("HOME")
        execs = p.image.get("executables")
        if execs is not None:
            ex = set(execs)
            p.flavor = "busybox" if ("ash" in ex or "busybox" in ex) else "gnu"
        if not p.argv:
            if p.image.get("known"):
                p._start_error("no command specified", note="no command and no image ENTRYPOINT/CMD in the catalog")
                return p
            p._note(f"image {p.image.get('ref', '')!r} is not in the catalog and no command is given: assumed to be "
                    "a long-running server with no listeners")
            p.pid1 = {"name": "", "term": "ignore"}
            p.blocked = {"kind": "forever", "why": "unknown-image"}
            return p
        prog = p.argv[0]
        img = p._img()
        if not img.has_executable(prog):
            if "/" in prog:
                p._start_error(f'exec: "{prog}": stat {prog}: no such file or directory')
            else:
                p._start_error(f'exec: "{prog}": executable file not found in $PATH')
            return p
        base = prog.rsplit("/", 1)[-1]
        if base in SHELLS:
            p._init_shell(base, p.argv[1:])
        else:
            p.code = [["simple", [], [[["l", a, 1]] for a in p.argv], [], {"exec": 1}, 0], ["exit_script"]]
        return p

    def _img(self) -> Image:
        if not hasattr(self, "_image_obj") or self._image_obj is None:
            self._image_obj = image_of(self.image) if self.image else Image(
                ref="", known=False, exists=True, digest="", image_id="", size=0)
        return self._image_obj

    def _start_error(self, msg: str, note: str | None = None) -> None:
        self.exited = True
        self.exit_code = 128
        self.exit_ms = self.t
        self.reason = "StartError"
        self.message = msg
        if note:
            self.assumptions.append(note)

    def _init_shell(self, name: str, args: list) -> None:
        self.shell = True
        self.shell_name = name
        if name == "dash" or (name == "sh" and self.flavor == "gnu"):
            self.flavor = "dash"
        elif name == "bash":
            self.flavor = "bash"
        script = None
        i = 0
        while i < len(args):
            a = args[i]
            if a == "-c":
                script = args[i + 1] if i + 1 < len(args) else None
                self.positional = args[i + 2:]
                if self.positional:
                    self.vars["0"] = self.positional.pop(0)
                if script is None:
                    self.code = [["simple", [], [[["l", "__error", 1]], [["l", f"{name}: -c requires an argument", 1]]], [], {}, 0], ["exit_script"]]
                    return
                break
            if a.startswith("-") and len(a) > 1 and a != "--":
                for ch in a[1:]:
                    if ch in "ex":
                        self.opts[ch] = 1
                i += 1
                continue
            # sh FILE: read the script from the container FS at the first step
            self.code = [["simple", [], [[["l", ".", 1]], [["l", a, 1]]], [], {"script": 1}, 0], ["exit_script"]]
            self.positional = args[i + 1:]
            return
        if script is None:
            if self.stdin_open:
                # an interactive shell waiting at its prompt
                self.blocked = {"kind": "forever", "why": "stdin"}
                return
            # no stdin: the shell reads EOF and exits 0 at once
            self.code = [["exit_script"]]
            return
        try:
            self.code, self.slot = _compiled(script, self.flavor)
        except ShellSyntaxError as e:
            msg = self._syntax_msg(str(e))
            self.code = [["simple", [], [[["l", "__error", 1]], [["l", msg, 1]]], [], {}, 0], ["exit_script"]]

    def _syntax_msg(self, detail: str) -> str:
        if self.flavor == "bash":
            return f"bash: -c: line 1: {detail}"
        if self.flavor == "dash":
            return f"sh: 1: {detail}"
        return f"{self.shell_name}: {detail}"

    # ------------------------------------------------------------------ serialisation
    _FIELDS = ("argv", "image", "memory_limit", "started_ms", "t", "shell", "shell_name", "flavor", "code", "slot",
               "pc", "vars", "arrays", "exported", "positional", "status", "frames", "fds", "caps", "stdin",
               "loops", "csubs", "traps", "funcs", "subs", "jobs", "next_pid", "last_bg", "blocked", "pending", "opts", "cwd",
               "partial", "listeners", "pid1", "exiting", "spin", "cpu_ns", "cpu_share", "cpu_slice", "ffwd_after", "guard",
               "exited",
               "exit_code", "exit_ms", "reason",
               "message", "logs", "assumptions", "stdin_open", "is_exec", "creds")

    def to_dict(self) -> dict:
        fields = {k: getattr(self, k) for k in self._FIELDS}
        fields["image"] = compact_image(self.image)  # the catalog's image as its reference (images.py)
        d = tree_copy(fields)
        d["exported"] = sorted(set(self.exported))
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Process":
        p = cls()
        for k, v in tree_copy({k: d[k] for k in cls._FIELDS if k in d and k != "image"}).items():
            setattr(p, k, v)
        if "image" in d:
            img = expand_image(d["image"])
            p.image = img if img is not d["image"] else tree_copy(img)
        return p

    # ------------------------------------------------------------------ public API
    @property
    def wake_ms(self) -> int | None:
        """When ``step`` must next be called; None = exited or blocked forever."""
        if self.exited or not self.blocked:
            return None
        return self.blocked.get("until")

    def step(self, now_ms: int, fs: ContainerFS) -> None:
        """Run everything due at or before ``now_ms``, never beyond."""
        if self.exited:
            return
        now_ms = int(now_ms)
        self._horizon = now_ms
        if fs is not None:
            fs.creds = self.creds  # what it creates is owned by its user (vfs.ContainerFS.write)
        if self.blocked is None:
            if self.t > now_ms:
                return
            self._run(fs)
        while not self.exited and self.blocked is not None:
            until = self.blocked.get("until")
            if self.blocked.get("follow") and now_ms >= self.t:
                self._follow(now_ms, fs)
            if until is None or until > now_ms:
                break
            b = self.blocked
            self.blocked = None
            self._advance(until)
            self._host_steps += WAKE_STEPS
            if self._host_steps > HOST_STEPS:
                self._guard_stop(f"it woke up more than {HOST_STEPS // WAKE_STEPS:,} times in one command")
                break
            self._wake(b, fs)
            if self.exited:
                break
            if self.blocked is None:
                self._deliver_pending()
                self._run(fs)

    def _follow(self, now_ms: int, fs: ContainerFS) -> None:
        """``tail -f``: emit what was appended to the followed files since the last look."""
        b = self.blocked
        for entry in b["follow"]:
            text = fs.read(entry[0])
            if text is None:
                continue
            if len(text) < entry[1]:  # truncated: start over, as tail -F does
                entry[1] = 0
            new = text[entry[1]:]
            if new:
                self._advance(now_ms)
                self._emit(self._target_for(b, "stdout"), new, fs)
                entry[1] = len(text)

    def signal(self, sig: str, now_ms: int, fs: ContainerFS) -> None:
        """Deliver a signal at ``now_ms`` (the process is stepped to ``now_ms`` first).
        KILL -> exit 137 (reason Error). TERM/INT/...: a catalog program does what its entry says
        (``term``: ``ignore`` | ``exit:N``); a shell runs its trap after the current foreground
        command (at once when blocked in ``wait``) and ignores the signal without a trap."""
        self.step(now_ms, fs)
        if self.exited:
            return
        s = _sig(sig)
        if s == "KILL":
            self._advance(now_ms)
            self._finish(137, "Error")
            return
        if self.pid1 is not None:
            term = str(self.pid1.get("term", "ignore"))
            if s == "QUIT" and self.pid1.get("name") == "nginx":
                term = "exit:0"
            if s == "INT" and term == "ignore" and self.pid1.get("int"):
                term = str(self.pid1.get("int"))
            if term.startswith("exit:"):
                self._advance(now_ms)
                self._finish(int(term[5:]))
            return
        if not self.shell:
            return
        trap = self.traps.get(s)
        if trap is None or trap == "":
            return
        if self.blocked and self.blocked.get("kind") == "wait":
            self.blocked = None
            self._advance(now_ms)
            self.status = 128 + SIGNUM.get(s, 15)
            self._start_trap(s)
            self._run(fs)
            # the trap may have slept; let step handle later wakes
            return
        self.pending.append(s)

    def listening(self, now_ms: int) -> dict:
        """Open ports at ``now_ms``: {port: Listener}."""
        if self.exited:
            return {}
        out = {}
        for d in self.listeners:
            if d.get("since_ms", 0) <= now_ms:
                out[int(d["port"])] = Listener.from_dict(d)
        return out

    # ------------------------------------------------------------------ internals: time, exit
    def _advance(self, t: int) -> None:
        if t > self.t:
            self.t = t
            self.spin = 0

    def _finish(self, code: int, reason: str | None = None) -> None:
        for stream in ("stdout", "stderr"):
            # a container's unfinished last line goes to its log (the CRI logger ends it); a process run by
            # exec keeps it as it is: its caller reads the exact bytes written (``printf abc`` gives ``abc``)
            if self.partial.get(stream) and not self.is_exec:
                self._log(stream, self.partial[stream])
                self.partial[stream] = ""
        self.exited = True
        self.exit_code = int(code) & 255 if code != 137 else 137
        self.exit_ms = self.t
        self.reason = reason or ("Completed" if self.exit_code == 0 else "Error")
        self.blocked = None
        self.listeners = []

    def _note(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def _log(self, stream: str, line: str) -> None:
        self.logs.append([self.t, stream, line])
        if len(self.logs) > LOG_CAP:
            del self.logs[: len(self.logs) - LOG_CAP]

    # ------------------------------------------------------------------ output routing
    def _emit(self, target: list, text: str, fs: ContainerFS) -> str | None:
        """Write ``text`` to an fd target; returns an error text on failure."""
        kind = target[0]
        if kind == "log":
            stream = target[1]
            buf = self.partial.get(stream, "") + text
            lines = buf.split("\n")
            for ln in lines[:-1]:
                self._log(stream, ln)
            self.partial[stream] = lines[-1]
        elif kind == "cap":
            idx = target[1]
            if 0 <= idx < len(self.caps):
                self.caps[idx] += text
        elif kind == "file":
            try:
                fs.write(target[1], text, append=True)
            except FSError as e:
                return str(e)
        return None

    def _apply_redirs(self, redirs: list, base: dict, fs: ContainerFS) -> tuple[dict | None, str | None]:
        table = dict(base)
        for fd, op, word in redirs:
            target = self._expand_str(word)
            fd = str(fd)
            if op in (">", ">>", "&>", "&>>"):
                if target == "/dev/null":
                    t = ["null"]
                elif target in ("/dev/stdout", "/proc/self/fd/1"):
                    t = list(base.get("1", ["log", "stdout"]))
                elif target in ("/dev/stderr", "/proc/self/fd/2"):
                    t = list(base.get("2", ["log", "stderr"]))
                else:
                    path = norm(target, self.cwd)
                    try:
                        if op in (">", "&>"):
                            fs.write(path, "")
                        else:
                            fs.write(path, "", append=True)
                    except FSError as e:
                        return None, f"can't create {target}: {e}"
                    t = ["file", path]
                if op.startswith("&"):
                    table["1"] = t
                    table["2"] = list(t)
                else:
                    table[fd] = t
            elif op in (">&", "<&"):
                if target == "-":
                    table[fd] = ["null"]
                elif target in table:
                    table[fd] = list(table[target])
                elif target.isdigit():
                    table[fd] = ["null"]
                else:  # >&file (bash)
                    path = norm(target, self.cwd)
                    try:
                        fs.write(path, "")
                    except FSError as e:
                        return None, f"can't create {target}: {e}"
                    table["1"] = ["file", path]
                    table["2"] = ["file", path]
            elif op == "<<":  # here-document: its expanded body is the input
                table[fd] = ["text", target]
            elif op == "<":
                path = norm(target, self.cwd)
                text = fs.read(path)
                if text is None:
                    return None, (f"{target}: No such file or directory" if self.flavor == "bash"
                                  else f"can't open {target}: no such file")
                table["0"] = ["text", text]
        return table, None

    # ------------------------------------------------------------------ expansion
    def _param(self, spec: str, quoted: int):
        """Value of a parameter expansion; a list for ``$@``."""
        if spec.isidentifier():
            return self.vars.get(spec, "")
        if spec == "?":
            return str(self.status)
        if spec == "$":
            return "1"
        if spec == "!":
            return self.last_bg
        if spec == "#":
            return str(len(self.positional))
        if spec in ("@", "*"):
            if spec == "@" and quoted:
                return list(self.positional)
            return " ".join(self.positional)
        if spec == "-":
            return "".join(sorted(k for k, v in self.opts.items() if v))
        if spec.isdigit():
            n = int(spec)
            if n == 0:
                return self.vars.get("0", self.shell_name)
            return self.positional[n - 1] if n <= len(self.positional) else ""
        if spec.startswith("#") and len(spec) > 1:
            inner = spec[1:]
            m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]$", inner)
            if m:
                return str(len(self.arrays.get(m.group(1), [])))
            v = self._param(inner, 1)
            return str(len(v if isinstance(v, str) else " ".join(v)))
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]$", spec)
        if m:
            arr = self.arrays.get(m.group(1))
            idx = m.group(2)
            if arr is None:
                v = self.vars.get(m.group(1))
                arr = [] if v is None else [v]
            if idx in ("@", "*"):
                return list(arr) if (idx == "@" and quoted) else " ".join(arr)
            try:
                i = self._arith(self._expand_inline(idx))
            except ValueError:
                i = 0
            return arr[i] if -len(arr) <= i < len(arr) else ""
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$!#@*])(:?[-=+?]|##?|%%?|/)?(.*)$", spec, re.S)
        if not m:
            raise ValueError("bad substitution")
        name, op, rest = m.groups()
        val = self._param(name, quoted) if not name.isidentifier() else self.vars.get(name)
        if isinstance(val, list):
            val = " ".join(val)
        if op is None:
            if rest:
                raise ValueError("bad substitution")
            return val if val is not None else ""
        word = self._expand_inline(rest)
        unset = val is None
        empty = unset or val == ""
        if op in (":-", "-"):
            return word if (empty if op == ":-" else unset) else val
        if op in (":=", "="):
            if empty if op == ":=" else unset:
                self.vars[name] = word
                return word
            return val
        if op in (":+", "+"):
            return "" if (empty if op == ":+" else unset) else word
        if op in (":?", "?"):
            if empty if op == ":?" else unset:
                raise ValueError(f"{name}: {word or 'parameter not set'}")
            return val
        val = val or ""
        if op in ("#", "##"):
            rng = range(0, len(val) + 1) if op == "#" else range(len(val), -1, -1)
            for i in rng:
                if fnmatch.fnmatchcase(val[:i], word):
                    return val[i:]
            return val
        if op in ("%", "%%"):
            rng = range(len(val), -1, -1) if op == "%" else range(0, len(val) + 1)
            for i in rng:
                if fnmatch.fnmatchcase(val[i:], word):
                    return val[:i]
            return val
        if op == "/":
            pat, _, rep = rest.partition("/")
            allm = pat.startswith("/")
            pat = pat[1:] if allm else pat
            return val.replace(pat, self._expand_inline(rep), -1 if allm else 1) if pat else val
        return val

    def _expand_inline(self, text: str) -> str:
        """Expand ``$x``/``${x}``/``$((..))`` in a raw text (defaults inside ``${x:-...}``)."""
        if "$" not in text and "'" not in text and '"' not in text and "\\" not in text:
            return text
        try:
            parts, _ = scan_word(text.replace(" ", "\\ "), 0)
        except Exception:
            return text
        return self._expand_str(parts, csubs={})  # command substitutions in raw text expand to nothing

    def _arith(self, text: str) -> int:
        if "\x00" in text:  # hoisted command substitutions (see Compiler._arith_csubs)
            text = re.sub("\x00([0-9]+)\x00", lambda m: self.csubs.get(m.group(1), "").strip() or "0", text)
        text = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*|[0-9?#])\}?", lambda m: str(self._param(m.group(1), 1) or 0), text)
        return _Arith(text, self._arith_lookup).value()

    def _arith_lookup(self, name: str) -> int:
        """A variable's value in arithmetic: a number, else its text evaluated as an expression. A method, not a
        closure of ``_arith``: a closure that calls itself is a reference cycle, which would keep every process
        that ever did arithmetic (its program and state) until the garbage collector's next pass."""
        v = (self.vars.get(name, "") or "0").strip()
        try:
            digits = v[1:] if v[:1] in "+-" else v
            if digits.isascii() and digits.isdigit():
                n = _arith_literal(digits)
                return _wrap64(-n) if v[:1] == "-" else n
            raise ValueError(v)
        except ValueError:
            try:
                return _Arith(v, self._arith_lookup).value()
            except (ValueError, RecursionError):
                return 0

    def _expand_fields(self, words: list) -> list[str]:
        fields: list[str] = []
        for w in words:
            fields.extend(self._expand_word(w))
        return fields

    def _expand_word(self, parts: list) -> list[str]:
        if self._fs is not None and any(p[0] == "l" and not p[2] and any(ch in p[1] for ch in "*?[") for p in parts):
            pat = []
            for p in parts:
                if p[0] == "l" and not p[2]:
                    pat.append(p[1])
                else:
                    v = self._expand_str([p[:2] + [1]])
                    pat.append("".join("[" + ch + "]" if ch in "*?[]" else ch for ch in v))
            matches = self._glob("".join(pat))
            if matches:
                return matches
        return self._expand_fields_of(parts)

    def _glob(self, pattern: str) -> list[str]:
        """Pathname expansion against the virtual filesystem (sorted; no match -> [])."""
        fs = self._fs
        absolute = pattern.startswith("/")
        comps = [c for c in pattern.split("/") if c]
        paths = ["/" if absolute else ""]
        for comp in comps:
            nxt = []
            for base in paths:
                real = base if absolute else norm(base or ".", self.cwd)
                if any(ch in comp for ch in "*?["):
                    try:
                        names = fs.listdir(real)
                    except Exception:
                        names = []
                    for n in names:
                        if (not n.startswith(".") or comp.startswith(".")) and fnmatch.fnmatchcase(n, comp):
                            nxt.append((base.rstrip("/") + "/" + n) if base else n)
                else:
                    lit = comp.replace("[*]", "*").replace("[?]", "?").replace("[[]", "[").replace("[]]", "]")
                    nxt.append((base.rstrip("/") + "/" + lit) if base else lit)
            paths = [p for p in nxt if fs.exists(norm(p, self.cwd))]
            if not paths:
                return []
        return sorted(paths)

    def _expand_fields_of(self, parts: list) -> list[str]:
        out: list[str] = []
        cur: list[str] = []
        have = False  # the current field exists (quoted empty counts)
        for p in parts:
            kind, val, quoted = p[0], p[1], p[2]
            if kind == "l":
                cur.append(val)
                have = have or quoted or val != ""
                continue
            if kind == "v":
                v = self._param(val, quoted)
            elif kind == "a":
                v = str(self._arith(val))
            else:  # "c"
                v = self.csubs.get(str(val), "")
            if isinstance(v, list):  # "$@"
                if not v:
                    continue
                cur.append(v[0])
                for item in v[1:]:
                    out.append("".join(cur))
                    cur = [item]
                have = True
                continue
            if quoted:
                cur.append(v)
                have = True
                continue
            pieces = v.split()
            if not pieces:
                continue
            if v[:1].isspace() and (cur and "".join(cur) or have):
                out.append("".join(cur))
                cur = []
            cur.append(pieces[0])
            have = True
            for piece in pieces[1:]:
                out.append("".join(cur))
                cur = [piece]
            if v[-1:].isspace():
                out.append("".join(cur))
                cur = []
                have = False
        if cur or have:
            out.append("".join(cur))
        return out

    def _expand_str(self, parts: list, csubs: dict | None = None) -> str:
        subs = self.csubs if csubs is None else csubs
        s = []
        for p in parts:
            if p[0] == "l":
                s.append(p[1])
            elif p[0] == "v":
                v = self._param(p[1], 1)
                s.append(" ".join(v) if isinstance(v, list) else v)
            elif p[0] == "a":
                s.append(str(self._arith(p[1])))
            else:
                s.append(subs.get(str(p[1]), ""))
        return "".join(s)

    def _expand_pattern(self, parts: list) -> str:
        """A case/[[ == ]] pattern: quoted parts match literally."""
        s = []
        for p in parts:
            if p[0] == "l" and not p[2]:
                s.append(p[1])
            else:
                v = self._expand_str([p[:2] + [1]])
                s.append("".join("[" + c + "]" if c in "*?[]" else c for c in v))
        return "".join(s)

    # ------------------------------------------------------------------ the interpreter loop
    def _run(self, fs: ContainerFS) -> None:
        self._fs = fs
        code = self.code
        while not self.exited and self.blocked is None:
            if self.pc >= len(code):
                self._exit(self.status, fs)
                continue
            # a full slice is charged before the next step, so a step that waits for the clock after the charge is
            # counted once, as it would be had the clock not been waited for (stepping 1 s at a time and running
            # through give the same process)
            if self.cpu_slice >= SLICE_STEPS and self._cpu_slice():
                return  # its clock ran ahead of the instant being simulated: it goes on when that comes
            self.cpu_slice += 1
            if self._trace is not None:
                self._trace.append(self.pc)
            self._host_steps += 1
            if self._host_steps > HOST_STEPS:
                self._guard_stop(f"it ran more than {HOST_STEPS:,} shell steps in one command")
                return
            ins = code[self.pc]
            self.pc += 1
            self.spin += 1  # steps since its clock last moved (a loop that never sleeps goes on: its steps move it)
            op = ins[0]
            try:
                _OPS[op](self, ins, fs)
            except ValueError as e:  # expansion errors (bad substitution, arithmetic)
                self._err(str(e))
                self.status = 2 if self.flavor != "bash" else 1
                if self.shell:
                    self._exit(self.status, fs)
            except (ShellSyntaxError, RecursionError, LookupError, TypeError, ArithmeticError, OverflowError) as e:
                # never let a script take the kubelet down: report it as a shell error
                self._note(f"simulator could not interpret part of the script ({type(e).__name__}); it failed there")
                self._err(str(e) or type(e).__name__)
                self.status = 2
                if self.shell:
                    self._exit(self.status, fs)
                else:
                    self._finish(2)

    # ------------------------------------------------------------------ the virtual machine's budgets
    def _cpu_slice(self) -> bool:
        """SLICE_STEPS steps done: they took CPU time, and virtual time at the process's CPU share. True when the
        process must wait for the clock to reach its own."""
        self.cpu_slice = 0
        cpu = SLICE_STEPS * CPU_NS_PER_STEP
        self.cpu_ns += cpu
        self.t += max(1, round(cpu / 1_000_000 / (self.cpu_share or 1.0)))
        if self._check_memory():
            return True
        if self._horizon is not None and self.t > self._horizon and not self.exited:
            self.blocked = {"kind": "cpu", "until": self.t}
            return True
        return False

    def memory_bytes(self, extra: int = 0) -> int:
        """The shell's data, in bytes (what the memory model counts)."""
        total = extra
        for v in self.vars.values():
            total += len(v) if isinstance(v, str) else 8
        for arr in self.arrays.values():
            total += sum(len(x) for x in arr if isinstance(x, str))
        total += sum(len(x) for x in self.positional if isinstance(x, str))
        total += sum(len(c) for c in self.caps if isinstance(c, str))
        total += sum(len(b.get("buf", "")) for b in self.stdin if isinstance(b, dict))
        total += sum(len(v) for v in self.partial.values() if isinstance(v, str))
        for f in self.frames:
            total += sum(len(x) for x in f.get("pos") or () if isinstance(x, str))
            total += sum(len(x) for x in (f.get("loc") or {}).values() if isinstance(x, str))
        return total

    def _check_memory(self, extra: int = 0) -> bool:
        """Past limits.memory: OOMKilled. Past the host's guard: stopped. True when the process ended."""
        if self.exited:
            return True
        used = self.memory_bytes(extra)
        if self.memory_limit is not None and used > self.memory_limit:
            self._note(f"the shell's data reached {used:,} bytes, over the container's memory limit of "
                       f"{self.memory_limit:,}: OOM-killed")
            self._finish(137, "OOMKilled")
            return True
        if used > HOST_BYTES:
            self._guard_stop(f"its shell data reached {used:,} bytes (more than {HOST_BYTES:,})")
            return True
        return False

    def _guard_stop(self, why: str) -> None:
        """The host's guard: the simulator stops this container, as if it were killed."""
        self.guard = (f"minikctl stopped the container: {why}, past what the simulator runs for one container "
                      "(the host's guard); it is treated as killed (exit code 137)")
        self._note(self.guard)
        self.message = self.guard
        self._finish(137, "Error")

    def _err(self, msg: str, line: int = 0) -> None:
        if self.flavor == "bash":
            text = f"bash: line {line or 1}: {msg}"
        elif self.flavor == "dash":
            text = f"sh: {line or 1}: {msg}"
        else:
            text = f"{self.shell_name if self.shell else 'sh'}: {msg}"
        self._emit(self.fds[-1].get("2", ["log", "stderr"]), text + "\n", self._fs)

    # control ops
    def _op_jmp(self, ins, fs):
        self.pc = ins[1]

    def _op_jt(self, ins, fs):
        if self.status == 0:
            self.pc = ins[1]

    def _op_jf(self, ins, fs):
        if self.status != 0:
            self.pc = ins[1]

    def _op_not(self, ins, fs):
        self.status = 0 if self.status else 1

    def _op_status(self, ins, fs):
        self.status = ins[1]

    def _frame(self, kind: str, end: int, snapshot: bool) -> None:
        f = {"k": kind, "end": end, "fds": len(self.fds), "caps": len(self.caps), "stdin": len(self.stdin)}
        if snapshot:
            f["vars"] = dict(self.vars)
            f["arrays"] = {k: list(v) for k, v in self.arrays.items()}
            f["exported"] = list(self.exported)
            f["cwd"] = self.cwd
            f["traps"] = dict(self.traps)
            f["opts"] = dict(self.opts)
            f["pos"] = self.positional
            f["funcs"] = dict(self.funcs)
        self.frames.append(f)

    def _restore(self, f: dict) -> None:
        if "vars" in f:
            self.vars = f["vars"]
            self.arrays = f["arrays"]
            self.exported = f["exported"]
            self.cwd = f["cwd"]
            self.traps = f["traps"]
            self.opts = f["opts"]
            if "pos" in f:
                self.positional = f["pos"]
                self.funcs = f["funcs"]

    def _op_sub_begin(self, ins, fs):
        self._frame("sub", ins[1], True)

    def _op_sub_end(self, ins, fs):
        f = self.frames.pop()
        self._restore(f)

    def _op_csub_begin(self, ins, fs):
        self.caps.append("")
        self.fds.append({**self.fds[-1], "1": ["cap", len(self.caps) - 1]})
        self._frame("csub", ins[1], True)
        self.frames[-1]["st"] = self.status

    def _op_csub_end(self, ins, fs):
        f = self.frames.pop()
        self._restore(f)
        text = self.caps.pop()
        self.fds.pop()
        self.csubs[str(ins[1])] = text.rstrip("\n")
        if "st" in f:
            # hoisted before its command: `$?` in that command is still the previous status; an
            # assignment-only command takes the substitution's status (csubs["?"])
            self.csubs["?"] = self.status
            self.status = f["st"]

    def _op_redir_push(self, ins, fs):
        table, err = self._apply_redirs(ins[1], self.fds[-1], fs)
        if err:
            self._err(err, ins[2])
            table = dict(self.fds[-1])
            self.status = 1
        table.pop("_in", None)
        src = table.pop("0", None)
        if src and src[0] == "text":
            # `while read l; do ...; done < file`: the loop consumes the file line by line
            self.stdin.append({"buf": src[1]})
            table["_in"] = 1
        self.fds.append(table)

    def _op_redir_pop(self, ins, fs):
        if len(self.fds) > 1:
            layer = self.fds.pop()
            if layer.get("_in") and self.stdin:
                self.stdin.pop()

    def _op_pipe_cap(self, ins, fs):
        self.caps.append("")
        self.fds.append({**self.fds[-1], "1": ["cap", len(self.caps) - 1]})

    def _op_pipe_mid(self, ins, fs):
        text = self.caps.pop()
        self.fds.pop()
        # ["pipe_mid", first]: the pipeline's own input (pushed by the previous pipe_mid) is replaced; a
        # pipeline nested in a pipeline's element leaves the outer one's input alone (programs compiled
        # before the flag existed pop any pipe input, as they always did)
        if (not ins[1] if len(ins) > 1 else (self.stdin and self.stdin[-1].get("pipe"))) and self.stdin:
            self.stdin.pop()
        self.stdin.append({"buf": text, "pipe": 1})

    def _op_pipe_end(self, ins, fs):
        if self.stdin and self.stdin[-1].get("pipe"):
            self.stdin.pop()

    def _op_for_init(self, ins, fs):
        _, slot, var, words = ins
        items = list(self.positional) if words is None else self._expand_fields(words)
        self.loops[str(slot)] = [items, 0]

    def _op_for_next(self, ins, fs):
        _, slot, var, end = ins
        st = self.loops.get(str(slot), [[], 0])
        if st[1] >= len(st[0]):
            self.pc = end
            return
        self.vars[var] = st[0][st[1]]
        st[1] += 1
        self.loops[str(slot)] = st

    def _op_case(self, ins, fs):
        _, word, arms, end = ins
        w = self._expand_str(word)
        for pats, target in arms:
            for p in pats:
                if fnmatch.fnmatchcase(w, self._expand_pattern(p)):
                    self.pc = target
                    return
        self.pc = end

    def _op_bg(self, ins, fs):
        _, end, simple = ins
        pid = str(self.next_pid)
        self.next_pid += 1
        self.last_bg = pid
        if simple is not None and not simple[1]:
            argv = self._expand_fields(simple[2])
            if argv:
                name = argv[0].rsplit("/", 1)[-1]
                if name == "sleep":
                    total = 0.0
                    for a in argv[1:]:
                        d = _parse_duration_s(a)
                        total += d if d is not None else 0.0
                    until = None if total == float("inf") else self.t + int(round(total * 1000))
                    self.jobs.append({"pid": pid, "until": until, "status": 0})
                    self.pc = end
                    self.status = 0
                    return
                model = program_model(self._img(), name)
                if model and model.get("kind") == "server":
                    self._open_listeners(model, name)
                    self.jobs.append({"pid": pid, "until": None, "status": 0})
                    self.pc = end
                    self.status = 0
                    return
        self._note("a background command other than sleep or a server was run to completion at once")
        self.jobs.append({"pid": pid, "until": self.t, "status": 0})
        # fall through: the segment runs inline, bg_end resets the status

    def _op_bg_end(self, ins, fs):
        self.status = 0

    def _op_trap_ret(self, ins, fs):
        f = self.frames.pop()
        if f.get("exit") is not None:
            self._finish(f["exit"])
            return
        self.pc = f["ret"]
        if f.get("status") is not None:
            self.status = f["status"]

    def _op_exit_script(self, ins, fs):
        self._exit(self.status, fs)

    def _op_prompt(self, ins, fs):
        """The end of a line an interactive shell read: it waits at its prompt for the next one."""
        self.blocked = {"kind": "forever", "why": "stdin"}

    # ------------------------------------------------------------------ an interactive shell (exec/attach -i)
    @property
    def at_prompt(self) -> bool:
        """A shell waiting for its next line of input (started with stdin open and no script)."""
        return (not self.exited and self.shell and self.blocked is not None
                and self.blocked.get("why") == "stdin" and not self.frames)

    def read_line(self, text: str, now_ms: int, last: bool = False) -> bool:
        """The shell at its prompt reads ``text`` (one line, or the lines of a construct): it is compiled at the
        end of the program, followed by a return to the prompt, and runs at the next ``step``. False when the
        input is incomplete (an open ``if``, quote or pipe: the caller reads a continuation line, as the PS2
        prompt does; ``last``: no more input comes, so it is an error); a syntax error is reported and the shell
        stays at its prompt, as an interactive shell does."""
        start = len(self.code)
        try:
            self.code, self.slot = compile_script(text, self.code, self.slot, single_exec=False,
                                                  dialect=self.flavor)
        except ShellSyntaxError as e:
            del self.code[start:]
            if ("end of file" in str(e) or "unterminated" in str(e)) and not last:
                return False
            self._advance(now_ms)
            self._err(str(e))
            self.status = 2
            return True
        self.code.append(["prompt"])
        self._advance(now_ms)
        self.blocked = None
        self.spin = 0
        self._host_steps = 0  # every line has the budget a command has
        self.pc = start
        return True

    def interrupt_line(self, now_ms: int) -> None:
        """Ctrl-C while an interactive shell runs a line: the foreground command dies of SIGINT and the shell is
        back at its prompt with status 130 (the line's subshells and function calls are left; a trap on INT runs
        first when the script set one, as ``signal`` delivers it)."""
        if self.exited or self.at_prompt:
            return
        self._advance(now_ms)
        for f in self.frames:  # the outermost saved state is the interactive shell's own
            if "vars" in f:
                self._restore(f)
                break
        self.frames = []
        del self.fds[1:]
        self.caps = []
        self.stdin = []
        self.status = 130
        self.blocked = {"kind": "forever", "why": "stdin"}

    def end_of_input(self, now_ms: int, fs: ContainerFS) -> None:
        """Ctrl-D at the prompt (or the end of piped input): the shell exits with its last status."""
        if self.exited:
            return
        self._advance(now_ms)
        self.blocked = None
        self._exit(self.status, fs)
        if not self.exited:  # an EXIT trap runs first
            self._run(fs)

    def drain_output(self) -> str:
        """What the process wrote since the last call (stdout and stderr, in order; a line not yet ended
        included), taken out of it."""
        out = "".join(f"{ln[2]}\n" for ln in self.logs)
        self.logs = []
        for stream in ("stdout", "stderr"):
            if self.partial.get(stream):
                out += self.partial[stream]
                self.partial[stream] = ""
        return out

    def _op_defun(self, ins, fs):
        self.funcs[ins[1]] = ins[2]
        self.pc = ins[3]
        self.status = 0

    def _op_fret(self, ins, fs):
        self._return(self.status, fs)

    def _op_nest_end(self, ins, fs):
        f = self.frames.pop()
        self._restore(f)
        del self.fds[f["outer_fds"]:]
        del self.stdin[f["outer_stdin"]:]
        self.pc = f["ret"]
        if f.get("exec"):  # `exec sh -c ...`: the shell that exec'd is gone too
            self._exit(self.status, fs)

    def _b_sh(self, argv, table, flags, line, fs):
        """A shell started by the script (``sh -c``, ``sh FILE``, ``sh`` reading stdin): a new process,
        run as a subshell that sees only the exported variables, no functions and no traps."""
        args = argv[1:]
        name = argv[0]
        opts: dict = {}
        script = None
        i = 0
        while i < len(args):
            a = args[i]
            if a == "-c":
                if i + 1 >= len(args):
                    self._errout(table, f"{name.rsplit('/', 1)[-1]}: -c requires an argument\n", fs)
                    self.status = 2
                    return
                script = args[i + 1]
                rest = args[i + 2:]
                if rest:
                    name, rest = rest[0], rest[1:]
                break
            if a == "--" or a == "-s":
                rest = args[i + 1:]
                break
            if a.startswith("-") and len(a) > 1:
                for ch in a[1:]:
                    if ch in "ex":
                        opts[ch] = 1
                i += 1
                continue
            path = norm(a, self.cwd)
            script = fs.read(path)
            if script is None:
                self._errout(table, f"{name.rsplit('/', 1)[-1]}: can't open '{a}': No such file or directory\n"
                             if self.flavor != "dash" else f"sh: 0: cannot open {a}: No such file\n", fs)
                self.status = 2 if self.flavor != "dash" else 127
                return
            name, rest = a, args[i + 1:]
            break
        else:
            rest = []
        table = dict(table)
        table.pop("_in", None)
        src = table.pop("0", None)
        if script is None:  # the script is read from stdin
            if src and src[0] == "text":
                script, src = src[1], None
            elif self.stdin:
                script = self.stdin[-1]["buf"]
                self.stdin[-1]["buf"] = ""
            elif self.stdin_open:
                self._block(None, table, flags, kind="forever")
                return
            else:
                script = ""
        if not self.shell:  # a program (a wrapper) started the shell: from here on the process is a shell
            self.shell = True
            self.shell_name = argv[0].rsplit("/", 1)[-1]
        entry = self.subs.get(script)
        if entry is None:
            start = len(self.code)
            try:
                self.code, self.slot = compile_script(script, self.code, self.slot, single_exec=False,
                                                      dialect=self.flavor)
            except ShellSyntaxError as e:
                del self.code[start:]
                self._errout(table, self._syntax_msg(str(e)) + "\n", fs)
                self.status = 2
                return
            entry = [start, len(self.code)]
            self.code.append(["nest_end"])
            self.subs[script] = entry
        outer_fds, outer_stdin = len(self.fds), len(self.stdin)
        if src and src[0] == "text":
            self.stdin.append({"buf": src[1]})
        self.fds.append(table)
        self._frame("sub", entry[1], True)
        self.frames[-1].update(ret=self.pc, outer_fds=outer_fds, outer_stdin=outer_stdin)
        if flags.get("exec"):
            self.frames[-1]["exec"] = 1
        # the new shell's state: the environment, its own $0 and arguments, no functions or traps
        self.vars = {k: self.vars[k] for k in self.exported if k in self.vars}
        self.vars["0"] = name
        self.arrays = {}
        self.funcs = {}
        self.traps = {}
        self.opts = opts
        self.positional = list(rest)
        self.status = 0
        self._jumped = True
        self.pc = entry[0]

    # ------------------------------------------------------------------ functions
    def _call(self, start: int, argv: list, table: dict, tmpenv: dict, line: int, fs) -> None:
        """Call the function whose body starts at ``start``: a frame keeps the return address, the
        caller's positional parameters and the values ``local`` (and ``VAR=x f``) shadow."""
        self._jumped = True
        if len(self.frames) >= FUNC_DEPTH:
            self._note(f"function recursion deeper than {FUNC_DEPTH} calls is treated as a stack "
                       "overflow (the shell is killed by SIGSEGV, exit 139)")
            self._finish(139)
            return
        f = {"k": "fn", "ret": self.pc, "fds": len(self.fds), "caps": len(self.caps), "stdin": len(self.stdin),
             "pos": self.positional, "loc": {}}
        table = dict(table)
        table.pop("_in", None)
        src = table.pop("0", None)
        if src and src[0] == "text":  # `f <<EOF` / `f < file`: the body reads it
            self.stdin.append({"buf": src[1]})
        self.fds.append(table)
        for k, v in tmpenv.items():  # `VAR=x f`: set for the call, restored after it
            f["loc"].setdefault(k, self.vars.get(k))
            self.vars[k] = v
        self.frames.append(f)
        self.positional = list(argv[1:])
        self.pc = start
        if sum(len(a) for a in self.positional) > MEM_CHECK_BYTES:
            self._check_memory()

    def _return(self, code: int, fs) -> None:
        """``return``: leave the innermost function (or ``.`` script); in a subshell, leave the subshell;
        at the top level, the shell exits (dash and busybox ash stop the script there)."""
        self._jumped = True
        for idx in range(len(self.frames) - 1, -1, -1):
            f = self.frames[idx]
            k = f["k"]
            if k in ("sub", "csub"):
                self._exit(code, fs)
                return
            if k == "fn" or (k == "trap" and f.get("dot")):
                del self.frames[idx:]
                del self.fds[f["fds"]:]
                del self.caps[f["caps"]:]
                del self.stdin[f["stdin"]:]
                if k == "fn":
                    self.positional = f["pos"]
                    for name, old in f["loc"].items():
                        if old is None:
                            self.vars.pop(name, None)
                        else:
                            self.vars[name] = old
                self.pc = f["ret"]
                self.status = code & 255
                return
        self._exit(code, fs)

    def _b_return(self, argv, table, flags, line, fs):
        code = self.status
        if len(argv) > 1:
            a = argv[1]
            if not a.lstrip("-").isdigit():
                self._err(f"return: Illegal number: {a}", line)
                code = 2
            else:
                code = int(a)
        self._return(code, fs)

    def _op_simple(self, ins, fs):
        _, assigns, words, redirs, flags, line = ins
        argv = self._expand_fields(words)
        if argv and len(argv[-1]) + len(argv[0]) > MEM_CHECK_BYTES or len(argv) > 10_000:
            if self._check_memory(sum(len(a) for a in argv)):
                return
        had_csub = any(p[0] == "c" for w in words for p in w) or any(
            p[0] == "c" for a in assigns if a[1] is not None for p in a[1])
        if not argv:
            for a in assigns:
                if a[1] is None:
                    self.arrays[a[0]] = self._expand_fields(a[2])
                else:
                    self._setvar(a[0], self._expand_str(a[1]))
            if redirs:
                table, err = self._apply_redirs(redirs, self.fds[-1], fs)
                if err:
                    self._err(err, line)
                    self.status = 1
                    return
                if (not assigns and self.frames and self.frames[-1]["k"] == "csub"
                        and table.get("0", [""])[0] == "text"):
                    self._out(table, table["0"][1], fs)  # bash: $(<file)
            self.status = self.csubs.get("?", 0) if had_csub else 0
            if self.opts.get("x"):
                for a in assigns:
                    if a[1] is not None:
                        self._emit(self.fds[-1]["2"], f"+ {a[0]}={self.vars.get(a[0], '')}\n", fs)
            return
        tmpenv = {}
        for a in assigns:
            if a[1] is not None:
                tmpenv[a[0]] = self._expand_str(a[1])
        table, err = self._apply_redirs(redirs, self.fds[-1], fs)
        if err:
            self._err(err, line)
            self.status = 1
            self._errexit(flags, fs)
            return
        if self.opts.get("x"):
            self._emit(table.get("2", ["log", "stderr"]), "+ " + " ".join(argv) + "\n", fs)
        self._jumped = False
        self._command(argv, table, tmpenv, flags, line, fs)
        if self._jumped:  # a function call, return or nested shell: its end decides what follows
            return
        if self.blocked is None and not self.exited:
            if flags.get("exec"):
                self._exit(self.status, fs)
                return
            self._errexit(flags, fs)

    def _errexit(self, flags: dict, fs) -> None:
        if self.opts.get("e") and self.status != 0 and not flags.get("noerr") and not self.exited:
            self._exit(self.status, fs)

    def _setvar(self, name: str, value: str) -> None:
        self.vars[name] = value
        if len(value) > MEM_CHECK_BYTES:
            self._check_memory()

    # ------------------------------------------------------------------ exit / traps
    def _exit(self, code: int, fs) -> None:
        code = int(code) & 255
        for idx in range(len(self.frames) - 1, -1, -1):
            f = self.frames[idx]
            if f["k"] in ("sub", "csub"):
                del self.frames[idx + 1:]
                del self.fds[f["fds"]:]
                del self.caps[f["caps"]:]
                del self.stdin[f["stdin"]:]
                self.status = code
                self.pc = f["end"]
                return
        self.frames = []
        if self.exiting is None and self.traps.get("EXIT"):
            self.exiting = code
            start = self.traps.pop("EXIT")
            self.frames.append({"k": "trap", "ret": -1, "status": code, "exit": code})
            self.pc = start
            return
        self._finish(code)

    def _start_trap(self, sig: str) -> None:
        start = self.traps.get(sig)
        if not isinstance(start, int):
            return
        self.frames.append({"k": "trap", "ret": self.pc, "status": self.status})
        self.pc = start

    def _deliver_pending(self) -> None:
        while self.pending and not self.exited:
            s = self.pending.pop(0)
            if isinstance(self.traps.get(s), int):
                self._start_trap(s)
                return

    def _wake(self, b: dict, fs: ContainerFS) -> None:
        kind = b.get("kind")
        if kind == "wait":
            self.jobs = [j for j in self.jobs if j["until"] is None or j["until"] > self.t]
            self.status = 0
        after = b.get("after") or {}
        for stream, text in after.get("out", []):
            self._emit(self._target_for(b, stream), text + "\n", fs)
        if after.get("oom"):
            self._finish(137, "OOMKilled")
            return
        if "status" in after:
            self.status = after["status"]
        elif kind == "sleep":
            self.status = 0
        if b.get("exec"):
            self._exit(self.status, fs)

    def _target_for(self, b: dict, stream: str) -> list:
        t = (b.get("fds") or {}).get("1" if stream == "stdout" else "2")
        return t or ["log", stream]

    # ------------------------------------------------------------------ commands
    def _out(self, table: dict, text: str, fs) -> None:
        err = self._emit(table.get("1", ["log", "stdout"]), text, fs)
        if err:
            self._emit(table.get("2", ["log", "stderr"]), f"{self._cmdname}: write error: {err}\n", fs)

    def _errout(self, table: dict, text: str, fs) -> None:
        self._emit(table.get("2", ["log", "stderr"]), text, fs)

    def _stdin_text(self, table: dict) -> str:
        t = table.get("0")
        if t and t[0] == "text":
            return t[1]
        if self.stdin:
            buf = self.stdin[-1]["buf"]
            self.stdin[-1]["buf"] = ""
            return buf
        return ""

    def _block(self, until: int | None, table: dict, flags: dict, after: dict | None = None, kind: str = "sleep") -> None:
        if until is not None and until > LAST_MS:
            until = None  # due after the clock's last instant: it never comes
        b = {"kind": kind, "until": until}
        if after:
            b["after"] = after
        b["fds"] = {"1": table.get("1", ["log", "stdout"]), "2": table.get("2", ["log", "stderr"])}
        if flags.get("exec"):
            b["exec"] = 1
        self.blocked = b

    def _not_found(self, name: str, line: int, table: dict, fs) -> None:
        if self.flavor == "bash":
            msg = f"bash: line {line or 1}: {name}: command not found"
        elif self.flavor == "dash":
            msg = f"sh: {line or 1}: {name}: not found"
        else:
            msg = f"{self.shell_name if self.shell else 'sh'}: {name}: not found"
        self._errout(table, msg + "\n", fs)
        self.status = 127

    def _command(self, argv: list, table: dict, tmpenv: dict, flags: dict, line: int, fs: ContainerFS) -> None:
        name = argv[0]
        base = name.rsplit("/", 1)[-1]
        self._cmdname = base
        img = self._img()
        if flags.get("script"):
            return self._b_source(argv, table, flags, line, fs)
        if name == "__error":
            self._errout(table, argv[1] + "\n", fs)
            self.status = 2
            return
        if (self.funcs and name in self.funcs and (name not in SPECIAL_BUILTINS or self.flavor == "bash")
                and not flags.get("nofunc")):
            return self._call(self.funcs[name], argv, table, tmpenv, line, fs)
        builtin = base in SHELL_BUILTINS and (self.shell or base in ("true", "false", "echo", "printf", "test", "[", "kill", "pwd"))
        if "/" in name and base in SHELL_BUILTINS and not img.has_executable(name):
            builtin = False
        if not builtin and not img.has_executable(name):
            if not self.shell:
                self._start_error(f'exec: "{name}": executable file not found in $PATH')
                return
            self._not_found(name, line, table, fs)
            return
        model = None if builtin else program_model(img, base)
        if model is not None:
            env = self._env(tmpenv)
            kind = model.get("kind")
            handler = getattr(self, "_m_" + str(kind), None)
            if handler is not None:
                return handler(model, argv, env, table, flags, line, fs)
        fn = getattr(self, "_b_" + _BUILTIN_NAMES.get(base, base.replace("-", "_")), None)
        if fn is not None:
            return fn(argv, table, flags, line, fs) if base not in ("env", "printenv") else fn(argv, table, flags, line, fs, self._env(tmpenv))
        # an executable the simulator has no model for
        if flags.get("exec") and not self.is_exec:
            self._note(f"no model for '{base}': assumed to be a long-running server with no listeners")
            self.pid1 = {"name": base, "term": "ignore"}
            self._block(None, table, flags, kind="forever")
            return
        self._note(f"no model for '{base}': assumed to succeed at once (exit 0) with no output")
        self.status = 0

    def _env(self, tmpenv: dict) -> dict:
        env = {k: self.vars[k] for k in self.exported if k in self.vars}
        env.update(tmpenv)
        return env

    # -- program models -----------------------------------------------------------------
    def _open_listeners(self, model: dict, name: str, extra: list | None = None, table: dict | None = None,
                        fs=None) -> bool:
        """Open the model's ports; False (nothing opened) when another container of the pod holds one of them."""
        wanted = list(model.get("listeners", [])) + list(extra or [])
        if self.net is not None:
            from .network import bind_failure

            busy = next((int(l["port"]) for l in wanted if self.net.bind_conflict(int(l["port"]), self.t)), None)
            if busy is not None:
                bind_failure(self, name, busy, table or {}, fs)
                return False
        for l in wanted:
            d = Listener(port=int(l["port"]), protocol=l.get("protocol", "tcp"), paths=dict(l.get("paths", {})),
                         default_status=int(l.get("default_status", 200)), grpc_status=l.get("grpc_status", "SERVING"),
                         kind=l.get("kind", ""), since_ms=self.t + int(l.get("delay_ms", 0)), program=name,
                         docroot=l.get("docroot", ""), server=server_token(l.get("server", ""), self.image)).to_dict()
            self.listeners = [x for x in self.listeners if x["port"] != d["port"]] + [d]
        self.listeners.sort(key=lambda x: x["port"])
        return True

    def _become(self, model: dict, name: str, flags: dict) -> None:
        if flags.get("exec"):
            self.pid1 = {"name": name, "term": model.get("term", "ignore")}

    def _m_server(self, model, argv, env, table, flags, line, fs):
        name = argv[0].rsplit("/", 1)[-1]
        if name == "nginx" and "-s" in argv:
            return self._nginx_signal(argv, table, fs)
        if name == "nginx" and "-t" in argv:
            self._errout(table, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n", fs)
            self.status = 0
            return
        self._become(model, name, flags)
        for ln in model.get("stdout", []):
            self._out(table, ln + "\n", fs)
        if not self._open_listeners(model, name, table=table, fs=fs):
            return
        self._block(None, table, flags, kind="forever")

    def _nginx_signal(self, argv, table, fs):
        sig = argv[argv.index("-s") + 1] if argv.index("-s") + 1 < len(argv) else ""
        peer = self.peer
        if peer is not None and not peer.exited and (peer.pid1 or {}).get("name") == "nginx":
            if sig in ("quit", "stop"):
                peer._advance(self.t)
                peer._finish(0)
            self.status = 0
            return
        if peer is None:
            self._note("nginx -s: no main process given; assumed to succeed")
            self.status = 0
            return
        self._errout(table, 'nginx: [error] open() "/run/nginx.pid" failed (2: No such file or directory)\n', fs)
        self.status = 1

    def _m_forever(self, model, argv, env, table, flags, line, fs):
        name = argv[0].rsplit("/", 1)[-1]
        self._become(model, name, flags)
        self._block(None, table, flags, kind="forever")

    def _m_exit(self, model, argv, env, table, flags, line, fs):
        for ln in model.get("stdout", []):
            self._out(table, ln + "\n", fs)
        self.status = int(model.get("status", 0))

    def _m_wrapper(self, model, argv, env, table, flags, line, fs):
        rest = argv[1:]
        img = self._img()
        if not rest or rest[0].startswith("-") or rest[0].endswith(".conf"):
            rest = list(img.cmd or []) + rest if img.cmd and img.cmd[0].rsplit("/", 1)[-1] != argv[0].rsplit("/", 1)[-1] else rest
        if not rest:
            self.status = 0
            return
        if rest[0].endswith(".conf") and img.cmd:
            rest = list(img.cmd) + rest
        self._command(rest, table, {}, flags, line, fs)

    def _m_stress(self, model, argv, env, table, flags, line, fs):
        vm, vm_bytes, timeout = 0, 256 * 1024 * 1024, None
        cpu = io = hdd = 0
        i = 1
        while i < len(argv):
            a = argv[i]
            nxt = argv[i + 1] if i + 1 < len(argv) else ""
            if a in ("--vm", "-m"):
                vm = int(nxt) if nxt.isdigit() else 1
                i += 2
            elif a == "--vm-bytes":
                vm_bytes = _stress_bytes(nxt) or vm_bytes
                i += 2
            elif a in ("--timeout", "-t"):
                timeout = _parse_duration_s(nxt)
                i += 2
            elif a in ("--cpu", "-c"):
                cpu = int(nxt) if nxt.isdigit() else 1
                i += 2
            elif a in ("--io", "-i"):
                io = int(nxt) if nxt.isdigit() else 1
                i += 2
            elif a in ("--hdd", "-d"):
                hdd = int(nxt) if nxt.isdigit() else 1
                i += 2
            else:
                i += 1
        self._become(model, "stress", flags)
        self._out(table, f"stress: info: [1] dispatching hogs: {cpu} cpu, {io} io, {vm} vm, {hdd} hdd\n", fs)
        total = vm * vm_bytes
        if vm and self.memory_limit is not None and total > self.memory_limit:
            self._note(f"stress allocates {total} bytes, over the memory limit of {self.memory_limit}: OOM-killed")
            self._block(self.t + int(model.get("oom_after_ms", 1000)), table, flags, after={"oom": 1})
            return
        if timeout is not None and timeout != float("inf"):
            self._block(self.t + int(timeout * 1000), table, flags,
                        after={"out": [["stdout", f"stress: info: [1] successful run completed in {int(timeout)}s"]], "status": 0})
            return
        self._block(None, table, flags, kind="forever")

    def _m_perl(self, model, argv, env, table, flags, line, fs):
        code_arg = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a.startswith("-") and a.endswith("e")), None)
        if code_arg is not None and len(code_arg) > 1 and code_arg[0] == code_arg[-1] == '"':
            # a quoted string is a constant in void context: perl warns (-w) and prints nothing
            if any(a.startswith("-") and "w" in a for a in argv[1:]):
                self._errout(table, f"Useless use of a constant ({code_arg[1:-1]}) in void context at -e line 1.\n", fs)
            self.status = 0
            return
        src = " ".join(argv[1:])
        m = re.search(r"bpi\((\d+)\)", src)
        self._become(model, "perl", flags)
        if m:
            n = int(m.group(1)[:12])
            dur = max(int(model.get("min_ms", 1000)), n * int(model.get("ms_per_1000_digits", 2000)) // 1000)
            if n > PI_MAX_DIGITS:
                self._note(f"perl: bpi({n}) is not computed beyond {PI_MAX_DIGITS:,} digits: the output stops there")
            self._block(self.t + dur, table, flags,
                        after={"out": [["stdout", pi_digits(min(n, PI_MAX_DIGITS))]], "status": 0})
            return
        m = re.search(r"""print\s*\(?\s*(["'])(.*?)\1""", src)
        if m and "-e" in " ".join(argv) or m and "-le" in " ".join(argv) or m and "-wle" in " ".join(argv):
            text = m.group(2).replace("\\n", "\n")
            self._out(table, text + ("\n" if "l" in "".join(a for a in argv if a.startswith("-")) else ""), fs)
            self.status = 0
            return
        self._note("perl: only `print bpi(N)` and `print \"...\"` are modelled; other scripts exit 0 at once")
        self.status = 0

    def _m_python(self, model, argv, env, table, flags, line, fs):
        self._become(model, "python", flags)
        if "-m" in argv and argv[argv.index("-m") + 1:argv.index("-m") + 2] == ["http.server"]:
            from .network import python_http_server

            return python_http_server(self, argv[argv.index("-m") + 2:], table, flags, fs)
        if "-c" in argv:
            src = argv[argv.index("-c") + 1] if argv.index("-c") + 1 < len(argv) else ""
            try:
                out, code = run_python_snippet(src, env)
            except _PyHuge as e:
                return self._python_huge(e, table, flags, fs)
            except _PyUnsupported as e:
                self._note(f"python: construct '{e}' is not modelled; the script is assumed to exit 0")
                self.status = 0
                return
            except SyntaxError:
                self._errout(table, "  File \"<string>\", line 1\nSyntaxError: invalid syntax\n", fs)
                self.status = 1
                return
            for stream, text in out:
                (self._out if stream == "stdout" else self._errout)(table, text + "\n", fs)
            self.status = code
            return
        if len(argv) == 1:
            self.status = 0  # the REPL without a TTY reads EOF and exits
            return
        self._note("python: only `python -c` snippets are modelled; scripts are assumed to exit 0")
        self.status = 0

    def _python_huge(self, e: "_PyHuge", table, flags, fs) -> None:
        """A python -c computation too big to run here: its memory decides (OOMKilled past limits.memory, the
        host's guard past HOST_BYTES); otherwise it runs for the CPU time it would take (at 1 MiB a second)
        and then fails where CPython does, printing a number of more than 4,300 digits."""
        ms = max(1000, int(e.nbytes // (1024 * 1024) * 1000 / (self.cpu_share or 1.0)))
        self._note(f"python: {e.what} is too big to compute here; its memory and time are modelled")
        if e.nbytes > (self.memory_limit if self.memory_limit is not None else NODE_MEMORY_BYTES):
            self._block(self.t + 1000, table, flags, after={"oom": 1})
            return
        if e.nbytes == 0:  # endless loops of the snippet
            self._guard_stop(f"python -c runs {e.what}")
            return
        text = 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nValueError: ' + _PY_STR_LIMIT
        self._block(self.t + ms, table, flags, after={"out": [["stderr", text]], "status": 1})

    def _m_agnhost(self, model, argv, env, table, flags, line, fs):
        sub = argv[1] if len(argv) > 1 else ""
        opts = {}
        for a in argv[2:]:
            if a.startswith("--") and "=" in a:
                k, v = a[2:].split("=", 1)
                opts[k] = v
        term = model.get("term", "exit:2")
        if sub == "liveness":
            self.pid1 = {"name": "agnhost", "term": term} if flags.get("exec") else self.pid1
            self._open_listeners({}, "agnhost", [{"port": 8080, "protocol": "http", "kind": "agnhost-liveness"}])
            self._block(None, table, flags, kind="forever")
        elif sub in ("netexec", "serve-hostname", "test-webserver", "grpc-health-checking", "porter", "fake-gitserver"):
            if sub == "netexec":
                port = int(opts.get("http-port", 8080))
                ls = [{"port": port, "protocol": "http", "paths": {}, "default_status": 200, "kind": "netexec"}]
                if "grpc-port" in opts:
                    ls.append({"port": int(opts["grpc-port"]), "protocol": "grpc"})
                term = "exit:0"
            elif sub == "serve-hostname":
                ls = [{"port": int(opts.get("port", 9376)), "protocol": "http", "default_status": 200, "kind": "hostname"}]
            elif sub == "grpc-health-checking":
                ls = [{"port": int(opts.get("port", 5000)), "protocol": "grpc"},
                      {"port": int(opts.get("http-port", 8080)), "protocol": "http"}]
            else:
                ls = [{"port": int(opts.get("port", 80)), "protocol": "http", "default_status": 200}]
            if flags.get("exec"):
                self.pid1 = {"name": "agnhost", "term": term}
            if self._open_listeners({}, "agnhost", ls, table=table, fs=fs):
                self._block(None, table, flags, kind="forever")
        elif sub in ("pause", ""):
            if flags.get("exec"):
                self.pid1 = {"name": "agnhost", "term": "exit:0"}
            if sub == "":
                self._errout(table, "Usage:\n  app [command]\n", fs)
                self.status = 1
                return
            self._out(table, "Paused\n", fs)
            self._block(None, table, flags, kind="forever")
        else:
            if flags.get("exec"):
                self.pid1 = {"name": "agnhost", "term": term}
            self._note(f"agnhost {sub}: not modelled; assumed to be a long-running server with no listeners")
            self._block(None, table, flags, kind="forever")

    def _m_nslookup(self, model, argv, env, table, flags, line, fs):
        names = [a for a in argv[1:] if not a.startswith("-")]
        if not names:
            self._errout(table, "BusyBox v1.28.4 multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n", fs)
            self.status = 1
            return
        host = names[0]
        fail = set(model.get("fail", []))
        self._out(table, "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n", fs)
        ip = None
        if host in fail or host.split(".")[0] in fail:
            ip = None
        elif self.net is not None and self.resolver is None and not self.net.external(host):
            from .network import nslookup_lines

            lines, err = nslookup_lines(self.net, host)
            if err:
                self._errout(table, err + "\n", fs)
                self.status = 1
                return
            self._out(table, "".join(ln + "\n" for ln in lines[3:]), fs)
            self.status = 0
            return
        elif self.resolver is not None:
            ip = self.resolver(host)
        else:
            self._note("nslookup: every name is assumed to resolve (no Service registry given to the simulator)")
            ip = _fake_ip(host)
        if not ip:
            self._errout(table, f"nslookup: can't resolve '{host}'\n", fs)
            self.status = 1
            return
        self._out(table, f"Name:      {host}\nAddress 1: {ip}\n", fs)
        self.status = 0

    # -- builtins -------------------------------------------------------------------------
    def _b_true(self, argv, table, flags, line, fs):
        self.status = 0

    def _b_false(self, argv, table, flags, line, fs):
        self.status = 1

    def _b_colon(self, argv, table, flags, line, fs):
        self.status = 0

    def _b_exit(self, argv, table, flags, line, fs):
        code = self.status
        if len(argv) > 1:
            try:
                code = int(argv[1])
            except ValueError:
                self._err(f"exit: Illegal number: {argv[1]}", line)
                code = 2
        self._exit(code, fs)

    def _b_echo(self, argv, table, flags, line, fs):
        args = argv[1:]
        newline, escapes = True, self.flavor == "dash"
        while args and re.match(r"^-[neE]+$", args[0]) and (self.flavor != "dash" or set(args[0][1:]) <= {"n"}):
            for ch in args[0][1:]:
                if ch == "n":
                    newline = False
                elif ch == "e":
                    escapes = True
                elif ch == "E":
                    escapes = False
            args = args[1:]
        text = " ".join(args)
        stop = False
        if escapes:
            text, stop = _unescape(text)
        self._out(table, text + ("\n" if newline and not stop else ""), fs)
        self.status = 0

    def _b_printf(self, argv, table, flags, line, fs):
        if len(argv) < 2:
            self._errout(table, "printf: usage: printf format [arguments]\n", fs)
            self.status = 2 if self.flavor == "bash" else 1
            return
        self._out(table, _printf(argv[1], argv[2:]), fs)
        self.status = 0

    def _b_sleep(self, argv, table, flags, line, fs):
        if len(argv) < 2:
            self._errout(table, "sleep: missing operand\n" if self.flavor != "busybox" else "BusyBox v1.36.1 multi-call binary.\n\nUsage: sleep [N]...\n", fs)
            self.status = 1
            return
        total = 0.0
        for a in argv[1:]:
            d = _parse_duration_s(a)
            if d is None:
                self._errout(table, f"sleep: invalid number '{a}'\n" if self.flavor == "busybox" else f"sleep: invalid time interval '{a}'\n", fs)
                self.status = 1
                return
            if self.flavor == "busybox" and "." not in a and d != float("inf"):
                # busybox reads N with strtoul: past ULONG_MAX it is no number; a suffix that overflows is a range error
                text = a.strip()
                digits = text.rstrip("smhd")
                if int(digits) > _ULONG_MAX:
                    self._errout(table, f"sleep: invalid number '{a}'\n", fs)
                    self.status = 1
                    return
                if int(digits) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[text[len(digits):]] > _ULONG_MAX:
                    self._errout(table, f"sleep: number {a} is not in 0..{_ULONG_MAX} range\n", fs)
                    self.status = 1
                    return
            total += d
        if flags.get("exec"):
            self.pid1 = {"name": "sleep", "term": "ignore"}
        # nanosleep takes at most INT64_MAX seconds (busybox and coreutils clamp to it): anything that long, or
        # past the clock's last instant, never ends
        if total == float("inf") or total * 1000 > MAX_SLEEP_MS:
            self._block(None, table, flags, kind="forever")
            return
        self._block(self.t + int(round(total * 1000)), table, flags, after={"status": 0})

    def _b_export(self, argv, table, flags, line, fs):
        if len(argv) == 1 or argv[1:] == ["-p"]:
            for k in sorted(set(self.exported)):
                if k in self.vars:
                    v = self.vars[k]
                    if self.flavor == "bash":
                        self._out(table, f'declare -x {k}="{v}"\n', fs)
                    else:
                        self._out(table, f"export {k}='{v}'\n", fs)
            self.status = 0
            return
        for a in argv[1:]:
            if a.startswith("-"):
                continue
            k, eq, v = a.partition("=")
            if eq:
                self.vars[k] = v
            if k not in self.exported:
                self.exported.append(k)
        self.status = 0

    _b_readonly = _b_export

    def _b_local(self, argv, table, flags, line, fs):
        frame = None
        for f in reversed(self.frames):
            if f["k"] == "fn":
                frame = f
                break
        for a in argv[1:]:
            if a.startswith("-") and argv[0] == "declare":
                continue
            k, eq, v = a.partition("=")
            if frame is not None:  # shadowed until the function returns
                frame["loc"].setdefault(k, self.vars.get(k))
            if eq:
                self.vars[k] = v
        self.status = 0

    _b_declare = _b_local

    def _b_unset(self, argv, table, flags, line, fs):
        funcs = "-f" in argv[1:]
        for a in argv[1:]:
            if a.startswith("-"):
                continue
            if funcs:
                self.funcs.pop(a, None)
                continue
            self.vars.pop(a, None)
            self.arrays.pop(a, None)
            if a in self.exported:
                self.exported.remove(a)
        self.status = 0

    def _b_set(self, argv, table, flags, line, fs):
        args = argv[1:]
        while args:
            a = args[0]
            if a == "--":
                self.positional = args[1:]
                break
            if a in ("-o", "+o") and len(args) > 1:
                if args[1] == "errexit":
                    self.opts["e"] = 1 if a == "-o" else 0
                elif args[1] == "xtrace":
                    self.opts["x"] = 1 if a == "-o" else 0
                args = args[2:]
                continue
            if a[:1] in "-+" and len(a) > 1:
                for ch in a[1:]:
                    self.opts[ch] = 1 if a[0] == "-" else 0
                args = args[1:]
                continue
            self.positional = args
            break
        if len(argv) == 1:
            for k in sorted(self.vars):
                if k.isidentifier():
                    self._out(table, f"{k}='{self.vars[k]}'\n", fs)
        self.status = 0

    def _b_shift(self, argv, table, flags, line, fs):
        n = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
        if n > len(self.positional):
            self.status = 1
            return
        self.positional = self.positional[n:]
        self.status = 0

    def _b_trap(self, argv, table, flags, line, fs):
        args = argv[1:]
        if not args:
            for s in sorted(self.traps):
                self._out(table, f"trap -- '{self.traps[s]}' {s}\n" if not isinstance(self.traps[s], int) else f"trap -- '...' {s}\n", fs)
            self.status = 0
            return
        if args[0] == "--":
            args = args[1:]
        action = args[0]
        sigs = args[1:]
        if action.isdigit() and not sigs:
            sigs, action = [action], "-"
        for s in sigs:
            name = _sig(s)
            if name in ("0",):
                name = "EXIT"
            if action == "-":
                self.traps.pop(name, None)
            elif action == "":
                self.traps[name] = ""
            else:
                start = self._subroutine(action, line)
                if start is None:
                    return
                self.traps[name] = start
        self.status = 0

    def _b_wait(self, argv, table, flags, line, fs):
        self.jobs = [j for j in self.jobs if j["until"] is None or j["until"] > self.t]
        pids = [a for a in argv[1:] if not a.startswith("-")]
        jobs = [j for j in self.jobs if not pids or j["pid"] in pids or ("%" + str(self.jobs.index(j) + 1)) in pids]
        if not jobs:
            self.status = 0 if not pids else 127
            return
        if any(j["until"] is None for j in jobs):
            self._block(None, table, flags, kind="wait")
            return
        self._block(max(j["until"] for j in jobs), table, flags, kind="wait")

    def _b_kill(self, argv, table, flags, line, fs):
        args = argv[1:]
        sig = "TERM"
        if args and args[0].startswith("-") and len(args[0]) > 1:
            sig = _sig(args[0][1:].replace("s ", ""))
            args = args[1:]
            if args and argv[1] == "-s":
                sig, args = _sig(args[0]), args[1:]
        if args and args[0] == "-l":
            self._out(table, " ".join(SIGNUM) + "\n", fs)
            self.status = 0
            return
        status = 0
        for a in args:
            pid = a
            if a.startswith("%") and a[1:].isdigit():
                k = int(a[1:]) - 1
                pid = self.jobs[k]["pid"] if 0 <= k < len(self.jobs) else ""
            job = next((j for j in self.jobs if j["pid"] == pid and (j["until"] is None or j["until"] > self.t)), None)
            if job is None:
                if pid == "1" and sig != "0" and self.peer is not None:
                    # from inside the container: init only gets signals it handles (never KILL/STOP)
                    if sig not in ("KILL", "STOP") and not self.peer.exited:
                        self.peer.signal(sig, self.t, fs)
                    continue
                if pid == "1" and sig != "0":
                    self._note("kill 1: a signal to PID 1 from inside the container is ignored by the simulator")
                    continue
                if pid == "1":
                    continue
                self._errout(table, f"sh: can't kill pid {a}: No such process\n", fs)
                status = 1
                continue
            if sig != "0":
                self.jobs.remove(job)
        self.status = status

    def _b_killall(self, argv, table, flags, line, fs):
        args = [a for a in argv[1:] if not a.startswith("-")]
        check = "-0" in argv
        peer = self.peer
        alive = peer is not None and not peer.exited and peer.pid1 is not None
        status = 0
        for a in args:
            if alive and peer.pid1.get("name") == a:
                if not check:
                    peer.signal("TERM", self.t, fs)
            else:
                self._errout(table, f"killall: {a}: no process killed\n", fs)
                status = 1
        self.status = status

    def _b_pwd(self, argv, table, flags, line, fs):
        self._out(table, self.cwd + "\n", fs)
        self.status = 0

    def _b_cd(self, argv, table, flags, line, fs):
        target = argv[1] if len(argv) > 1 else self.vars.get("HOME", "/root")
        path = norm(target, self.cwd)
        if not fs.is_dir(path):
            if self.flavor == "bash":
                self._errout(table, f"bash: line {line or 1}: cd: {target}: No such file or directory\n", fs)
                self.status = 1
            else:
                self._err(f"cd: can't cd to {target}: No such file or directory" if self.flavor == "busybox"
                          else f"cd: can't cd to {target}", line)
                self.status = 2
            return
        self.cwd = path
        self.status = 0

    def _b_read(self, argv, table, flags, line, fs):
        names = [a for a in argv[1:] if not a.startswith("-")] or ["REPLY"]
        t = table.get("0")
        if t and t[0] == "text":
            buf = t[1]
        elif self.stdin:
            buf = self.stdin[-1]["buf"]
        else:
            buf = ""
        if buf == "":
            for n in names:
                self.vars[n] = ""
            self.status = 1
            return
        ln, nl, rest = buf.partition("\n")
        if self.stdin and not (t and t[0] == "text"):
            self.stdin[-1]["buf"] = rest
        fields = ln.split(None, len(names) - 1) if len(names) > 1 else [ln.strip()]
        for i, n in enumerate(names):
            self.vars[n] = fields[i] if i < len(fields) else ""
        self.status = 0

    def _b_exec(self, argv, table, flags, line, fs):
        if len(argv) == 1:
            # exec with only redirections: they stay in force
            self.fds[-1] = dict(table)
            self.status = 0
            return
        self._command(argv[1:], table, {}, {**flags, "exec": 1}, line, fs)
        if self.blocked is None and not self.exited and not self._jumped:
            self._exit(self.status, fs)

    def _b_eval(self, argv, table, flags, line, fs):
        src = " ".join(argv[1:])
        self._inline(src, line, fs)

    def _b_source(self, argv, table, flags, line, fs):
        if len(argv) < 2:
            self.status = 0
            return
        text = fs.read(norm(argv[1], self.cwd))
        if text is None:
            if flags.get("script"):
                self._errout(table, f"{self.shell_name}: can't open '{argv[1]}': No such file or directory\n", fs)
                self._exit(127 if self.flavor != "busybox" else 2, fs)
                return
            self._err(f"{argv[0]}: can't open '{argv[1]}': No such file or directory", line)
            self.status = 1
            return
        self._inline(text, line, fs, dot=True)

    def _subroutine(self, src: str, line: int) -> int | None:
        """Compile ``src`` at the end of the program, ending in a return; its start, or None (status 2) on a
        syntax error."""
        start = len(self.code)
        try:
            self.code, self.slot = compile_script(src, self.code, self.slot, single_exec=False,
                                                  dialect=self.flavor)
        except ShellSyntaxError as e:
            del self.code[start:]
            self._err(str(e), line)
            self.status = 2
            return None
        self.code.append(["trap_ret"])
        return start

    def _inline(self, src: str, line: int, fs, dot: bool = False) -> None:
        """Compile ``src`` at the end of the program and run it as a subroutine (``dot``: a ``.`` script,
        which ``return`` leaves)."""
        start = self._subroutine(src, line)
        if start is None:
            return
        f = {"k": "trap", "ret": self.pc, "status": None}
        if dot:
            f.update(dot=1, fds=len(self.fds), caps=len(self.caps), stdin=len(self.stdin))
        self.frames.append(f)
        self._jumped = True
        self.pc = start

    def _b_test(self, argv, table, flags, line, fs):
        args = argv[1:]
        if argv[0].endswith("[") and argv[0] != "[[":
            if not args or args[-1] != "]":
                self._err("[: missing ]" if self.flavor != "dash" else "[: missing ]", line)
                self.status = 2
                return
            args = args[:-1]
        try:
            self.status = 0 if _Test(args, fs, self.cwd, False, self).value() else 1
        except ValueError as e:
            self._err(f"{argv[0]}: {e}", line)
            self.status = 2

    _b_bracket = _b_test

    def _b_dbracket(self, argv, table, flags, line, fs):
        args = argv[1:]
        if args and args[-1] == "]]":
            args = args[:-1]
        try:
            self.status = 0 if _Test(args, fs, self.cwd, True, self).value() else 1
        except ValueError as e:
            self._err(f"[[: {e}", line)
            self.status = 2

    def _b_type(self, argv, table, flags, line, fs):
        status = 0
        for a in argv[1:]:
            if a in self.funcs:
                self._out(table, f"{a} is a function\n" if self.flavor != "dash" else f"{a} is a shell function\n", fs)
            elif a in SHELL_BUILTINS:
                self._out(table, f"{a} is a shell builtin\n", fs)
            elif self._img().has_executable(a):
                self._out(table, f"{a} is /usr/bin/{a}\n", fs)
            else:
                self._out(table, f"{a}: not found\n", fs)
                status = 1
        self.status = status

    def _b_command(self, argv, table, flags, line, fs):
        args = argv[1:]
        if args and args[0] == "-v":
            status = 0
            for a in args[1:]:
                if a in SHELL_BUILTINS or a in self.funcs:
                    self._out(table, a + "\n", fs)
                elif self._img().has_executable(a):
                    self._out(table, f"/usr/bin/{a}\n", fs)
                else:
                    status = 1
            self.status = status
            return
        if args:  # `command name`: never a function
            self._command(args, table, {}, {**flags, "nofunc": 1}, line, fs)

    def _b_which(self, argv, table, flags, line, fs):
        status = 0
        for a in argv[1:]:
            if self._img().has_executable(a):
                self._out(table, f"/usr/bin/{a}\n" if "/" not in a else a + "\n", fs)
            else:
                status = 1
        self.status = status

    def _b_noop(self, argv, table, flags, line, fs):
        self.status = 0

    def _b_cat(self, argv, table, flags, line, fs):
        files = [a for a in argv[1:] if not (a.startswith("-") and a != "-")]
        status = 0
        if not files:
            if self.stdin_open and not self.stdin and "0" not in table:
                self._block(None, table, flags, kind="forever")
                return
            self._out(table, self._stdin_text(table), fs)
        for f in files:
            if f == "-":
                self._out(table, self._stdin_text(table), fs)
                continue
            text = fs.read(norm(f, self.cwd))
            if text is None:
                if fs.is_dir(norm(f, self.cwd)):
                    self._errout(table, "cat: read error: Is a directory\n" if self.flavor == "busybox" else f"cat: {f}: Is a directory\n", fs)
                else:
                    self._errout(table, f"cat: can't open '{f}': No such file or directory\n" if self.flavor == "busybox"
                                 else f"cat: {f}: No such file or directory\n", fs)
                status = 1
                continue
            self._out(table, text, fs)
        self.status = status

    def _b_touch(self, argv, table, flags, line, fs):
        status = 0
        for f in [a for a in argv[1:] if not a.startswith("-")]:
            p = norm(f, self.cwd)
            if fs.read(p) is None and not fs.is_dir(p):
                try:
                    fs.write(p, "")
                except FSError as e:
                    self._errout(table, f"touch: {f}: {e}\n" if self.flavor == "busybox" else f"touch: cannot touch '{f}': {e}\n", fs)
                    status = 1
        self.status = status

    def _b_rm(self, argv, table, flags, line, fs):
        opts = "".join(a[1:] for a in argv[1:] if a.startswith("-") and a != "-")
        force, rec = "f" in opts, ("r" in opts or "R" in opts)
        status = 0
        for f in [a for a in argv[1:] if not a.startswith("-")]:
            p = norm(f, self.cwd)
            try:
                fs.remove(p, recursive=rec)
            except FSError as e:
                if str(e) == "No such file or directory" and force:
                    continue
                self._errout(table, f"rm: can't remove '{f}': {e}\n" if self.flavor == "busybox"
                             else f"rm: cannot remove '{f}': {e}\n", fs)
                status = 1
        self.status = status

    def _b_mkdir(self, argv, table, flags, line, fs):
        parents = any(a.startswith("-") and "p" in a for a in argv[1:])
        status = 0
        for f in [a for a in argv[1:] if not a.startswith("-")]:
            p = norm(f, self.cwd)
            if fs.exists(p):
                if parents and fs.is_dir(p):
                    continue
                self._errout(table, f"mkdir: can't create directory '{f}': File exists\n" if self.flavor == "busybox"
                             else f"mkdir: cannot create directory '{f}': File exists\n", fs)
                status = 1
                continue
            try:
                fs.mkdir(p)
            except FSError as e:
                self._errout(table, f"mkdir: can't create directory '{f}': {e}\n", fs)
                status = 1
        self.status = status

    def _b_ls(self, argv, table, flags, line, fs):
        long_ = any(a.startswith("-") and "l" in a for a in argv[1:])
        show_all = any(a.startswith("-") and ("a" in a or "A" in a) for a in argv[1:])
        targets = [a for a in argv[1:] if not a.startswith("-")] or [self.cwd]
        status = 0
        for t in targets:
            p = norm(t, self.cwd)
            if fs.is_dir(p):
                names = [n for n in fs.listdir(p) if show_all or not n.startswith(".")]
                if long_:
                    self._out(table, f"total {len(names)}\n", fs)
                for n in names:
                    if long_:
                        child = p.rstrip("/") + "/" + n
                        uid, gid = fs.owner(child)
                        user = self._account_name("users", uid) or str(uid)
                        group = self._account_name("groups", gid) or str(gid)
                        if fs.is_dir(child):
                            mode = fs.dir_mode(child)
                            self._out(table, f"{mode}    2 {user:<8} {group:<8}      4096 Jan  1 00:00 {n}\n", fs)
                        else:
                            size = len((fs.read(child) or "").encode())
                            self._out(table, f"-rw-r--r--    1 {user:<8} {group:<8} {size:9d} Jan  1 00:00 {n}\n", fs)
                    else:
                        self._out(table, n + "\n", fs)
            elif fs.read(p) is not None:
                self._out(table, t + "\n", fs)
            else:
                self._errout(table, f"ls: {t}: No such file or directory\n" if self.flavor == "busybox"
                             else f"ls: cannot access '{t}': No such file or directory\n", fs)
                status = 1 if self.flavor == "busybox" else 2
        self.status = status

    def _read_inputs(self, files: list, table: dict, fs, cmd: str) -> str | None:
        if not files:
            return self._stdin_text(table)
        chunks = []
        for f in files:
            text = fs.read(norm(f, self.cwd))
            if text is None:
                self._errout(table, f"{cmd}: can't open '{f}': No such file or directory\n" if self.flavor == "busybox"
                             else f"{cmd}: cannot open '{f}' for reading: No such file or directory\n", fs)
                self.status = 1
                return None
            chunks.append(text)
        return "".join(chunks)

    def _b_head(self, argv, table, flags, line, fs):
        n, files, i = 10, [], 1
        while i < len(argv):
            a = argv[i]
            if a == "-n" and i + 1 < len(argv):
                n = int(argv[i + 1]) if argv[i + 1].lstrip("-").isdigit() else 10
                i += 2
                continue
            if re.match(r"^-n?\d+$", a):
                n = int(a.lstrip("-n"))
            elif not a.startswith("-"):
                files.append(a)
            i += 1
        text = self._read_inputs(files, table, fs, "head")
        if text is None:
            return
        lines = text.splitlines(True)
        self._out(table, "".join(lines[:n]), fs)
        self.status = 0

    def _b_tail(self, argv, table, flags, line, fs):
        n, files, follow, i, from_start = 10, [], False, 1, None
        while i < len(argv):
            a = argv[i]
            if a in ("-f", "-F") or a == "--follow":
                follow = True
            elif a == "-n" and i + 1 < len(argv):
                v = argv[i + 1]
                if v.startswith("+"):
                    from_start = int(v[1:] or 1)
                else:
                    n = int(v) if v.isdigit() else 10
                i += 2
                continue
            elif a.startswith("-n"):
                v = a[2:]
                if v.startswith("+"):
                    from_start = int(v[1:] or 1)
                elif v.isdigit():
                    n = int(v)
            elif not a.startswith("-"):
                files.append(a)
            i += 1
        texts = []
        for f in files:
            t = fs.read(norm(f, self.cwd))
            if t is None:
                if not follow:
                    self._errout(table, f"tail: can't open '{f}': No such file or directory\n", fs)
                    self.status = 1
                    return
                continue
            texts.append(t)
        text = "".join(texts) if files else self._stdin_text(table)
        lines = text.splitlines(True)
        sel = lines[from_start - 1:] if from_start is not None else (lines[-n:] if n else [])
        self._out(table, "".join(sel), fs)
        if follow:
            if flags.get("exec"):
                self.pid1 = {"name": "tail", "term": "ignore"}
            self._block(None, table, flags, kind="forever")
            if files and table.get("1", ["log"])[0] == "log":
                self._note("tail -f/-F: lines other containers append show up when this container is next "
                           "stepped, stamped with that time")
                self.blocked["follow"] = [[norm(f, self.cwd), len(fs.read(norm(f, self.cwd)) or "")] for f in files]
            return
        self.status = 0

    def _b_rev(self, argv, table, flags, line, fs):
        text = self._read_inputs([a for a in argv[1:] if not a.startswith("-")], table, fs, "rev")
        if text is None:
            return
        out = "".join(ln[::-1] + "\n" for ln in text.split("\n")[: -1 if text.endswith("\n") else None])
        self._out(table, out, fs)
        self.status = 0

    def _b_wc(self, argv, table, flags, line, fs):
        opts = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
        files = [a for a in argv[1:] if not a.startswith("-")]
        text = self._read_inputs(files, table, fs, "wc")
        if text is None:
            return
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
        sel = [k for k in "lwc" if k in opts] or ["l", "w", "c"]
        vals = [str(counts[k]) for k in sel]
        suffix = (" " + files[0]) if files else ""
        self._out(table, (" ".join(vals) if len(vals) == 1 else " ".join(f"{v:>7}" for v in vals)) + suffix + "\n", fs)
        self.status = 0

    def _b_grep(self, argv, table, flags, line, fs):
        opts, rest = "", []
        for a in argv[1:]:
            if a.startswith("-") and len(a) > 1 and not rest:
                opts += a[1:]
            else:
                rest.append(a)
        if not rest:
            self.status = 2
            return
        pat, files = rest[0], rest[1:]
        text = self._read_inputs(files, table, fs, "grep")
        if text is None:
            self.status = 2
            return
        try:
            rx = re.compile(pat if "F" not in opts else re.escape(pat), re.I if "i" in opts else 0)
        except re.error:
            rx = re.compile(re.escape(pat), re.I if "i" in opts else 0)
        hits = [ln for ln in text.splitlines() if bool(rx.search(ln)) != ("v" in opts)]
        if "q" not in opts:
            if "c" in opts:
                self._out(table, f"{len(hits)}\n", fs)
            else:
                self._out(table, "".join(h + "\n" for h in hits), fs)
        self.status = 0 if hits else 1

    def _b_sed(self, argv, table, flags, line, fs):
        exprs, files, ext, quiet, i = [], [], False, False, 1
        while i < len(argv):
            a = argv[i]
            if a == "-e" and i + 1 < len(argv):
                exprs.append(argv[i + 1])
                i += 2
                continue
            if a in ("-E", "-r"):
                ext = True
            elif a == "-n":
                quiet = True
            elif a.startswith("-") and a != "-":
                pass
            elif not exprs:
                exprs.append(a)
            else:
                files.append(a)
            i += 1
        text = self._read_inputs(files, table, fs, "sed")
        if text is None:
            return
        subs = []
        for e in exprs:
            j = 0
            while j < len(e):
                if e[j] in " ;\n":
                    j += 1
                    continue
                if e[j] != "s" or j + 1 >= len(e):
                    self._note(f"sed: only s/// commands are modelled; '{e[j:]}' was ignored")
                    break
                d = e[j + 1]
                pieces, cur, k = [], [], j + 2
                while k < len(e) and len(pieces) < 2:
                    if e[k] == "\\" and k + 1 < len(e):
                        cur.append(e[k:k + 2] if e[k + 1] != d else d)
                        k += 2
                        continue
                    if e[k] == d:
                        pieces.append("".join(cur))
                        cur = []
                    else:
                        cur.append(e[k])
                    k += 1
                fl_start = k
                while k < len(e) and e[k] not in "; \n":
                    k += 1
                fl = e[fl_start:k]
                j = k
                if len(pieces) < 2:
                    self._errout(table, "sed: unterminated `s' command\n", fs)
                    self.status = 1
                    return
                pat, rep = pieces
                if not ext:
                    pat = pat.replace("\\(", "(").replace("\\)", ")").replace("\\+", "+").replace("\\?", "?")
                rep = re.sub(r"\\(\d)", r"\\g<\1>", rep).replace("&", "\\g<0>")
                try:
                    subs.append((re.compile(pat, re.I if "I" in fl else 0), rep, 0 if "g" in fl else 1))
                except re.error:
                    self._errout(table, f"sed: bad regex '{pat}'\n", fs)
                    self.status = 1
                    return
        out = []
        for ln in text.splitlines():
            for rx, rep, count in subs:
                ln = rx.sub(rep, ln, count=count)
            if not quiet:
                out.append(ln + "\n")
        self._out(table, "".join(out), fs)
        self.status = 0

    def _b_tr(self, argv, table, flags, line, fs):
        args = [a for a in argv[1:] if not a.startswith("-")]
        delete = "-d" in argv

        def expand(setspec: str) -> str:
            setspec = setspec.replace("[:upper:]", "A-Z").replace("[:lower:]", "a-z").replace("[:digit:]", "0-9")
            setspec = setspec.replace("[:space:]", " \t\n").replace("\\n", "\n").replace("\\t", "\t")
            out, i = [], 0
            while i < len(setspec):
                if i + 2 < len(setspec) and setspec[i + 1] == "-":
                    out.extend(chr(c) for c in range(ord(setspec[i]), ord(setspec[i + 2]) + 1))
                    i += 3
                else:
                    out.append(setspec[i])
                    i += 1
            return "".join(out)
        text = self._stdin_text(table)
        if delete and args:
            chars = set(expand(args[0]))
            text = "".join(c for c in text if c not in chars)
        elif len(args) >= 2:
            a, b = expand(args[0]), expand(args[1])
            b = b + b[-1:] * max(0, len(a) - len(b))
            text = text.translate(str.maketrans(a, b[:len(a)]))
        self._out(table, text, fs)
        self.status = 0

    def _b_cut(self, argv, table, flags, line, fs):
        delim, fields, chars, files, i = "\t", None, None, [], 1
        while i < len(argv):
            a = argv[i]
            if a.startswith("-d"):
                delim = a[2:] or (argv[i + 1] if i + 1 < len(argv) else "\t")
                i += 1 if a[2:] else 2
                continue
            if a.startswith("-f") or a.startswith("-c"):
                spec = a[2:] or (argv[i + 1] if i + 1 < len(argv) else "1")
                sel = set()
                for r in spec.split(","):
                    lo, _, hi = r.partition("-")
                    lo_i = int(lo) if lo.isdigit() else 1
                    hi_i = (int(hi) if hi.isdigit() else 10 ** 6) if _ else lo_i
                    sel.update(range(lo_i, min(hi_i, 10 ** 4) + 1))
                if a.startswith("-f"):
                    fields = sel
                else:
                    chars = sel
                i += 1 if a[2:] else 2
                continue
            if not a.startswith("-"):
                files.append(a)
            i += 1
        text = self._read_inputs(files, table, fs, "cut")
        if text is None:
            return
        out = []
        for ln in text.splitlines():
            if chars is not None:
                out.append("".join(c for k, c in enumerate(ln, 1) if k in chars))
            elif fields is not None:
                parts = ln.split(delim)
                out.append(ln if len(parts) == 1 else delim.join(p for k, p in enumerate(parts, 1) if k in fields))
            else:
                out.append(ln)
        self._out(table, "".join(o + "\n" for o in out), fs)
        self.status = 0

    def _b_awk(self, argv, table, flags, line, fs):
        sep, prog, files, i = None, None, [], 1
        while i < len(argv):
            a = argv[i]
            if a.startswith("-F"):
                sep = a[2:] or (argv[i + 1] if i + 1 < len(argv) else " ")
                i += 1 if a[2:] else 2
                continue
            if prog is None:
                prog = a
            else:
                files.append(a)
            i += 1
        m = re.match(r"^\s*\{\s*print\s+((?:\$\d+|NF|\$NF)(?:\s*,\s*(?:\$\d+|\$NF))*)\s*;?\s*\}\s*$", prog or "")
        if not m:
            self._note("awk: only '{print $N, ...}' programs are modelled; others print nothing")
            self.status = 0
            return
        text = self._read_inputs(files, table, fs, "awk")
        if text is None:
            return
        cols = [c.strip() for c in m.group(1).split(",")]
        out = []
        for ln in text.splitlines():
            parts = ln.split(sep) if sep else ln.split()
            vals = []
            for c in cols:
                if c == "NF":
                    vals.append(str(len(parts)))
                elif c == "$NF":
                    vals.append(parts[-1] if parts else "")
                else:
                    k = int(c[1:])
                    vals.append(ln if k == 0 else (parts[k - 1] if k <= len(parts) else ""))
            out.append(" ".join(vals) + "\n")
        self._out(table, "".join(out), fs)
        self.status = 0

    def _b_sort(self, argv, table, flags, line, fs):
        text = self._read_inputs([a for a in argv[1:] if not a.startswith("-")], table, fs, "sort")
        if text is None:
            return
        lines = sorted(text.splitlines(), reverse="-r" in argv)
        self._out(table, "".join(l + "\n" for l in lines), fs)
        self.status = 0

    def _b_uniq(self, argv, table, flags, line, fs):
        text = self._read_inputs([a for a in argv[1:] if not a.startswith("-")], table, fs, "uniq")
        if text is None:
            return
        out, prev = [], None
        for ln in text.splitlines():
            if ln != prev:
                out.append(ln + "\n")
            prev = ln
        self._out(table, "".join(out), fs)
        self.status = 0

    def _b_tee(self, argv, table, flags, line, fs):
        append = "-a" in argv
        text = self._stdin_text(table)
        for f in [a for a in argv[1:] if not a.startswith("-")]:
            try:
                fs.write(norm(f, self.cwd), text, append=append)
            except FSError as e:
                self._errout(table, f"tee: {f}: {e}\n", fs)
        self._out(table, text, fs)
        self.status = 0

    def _b_cp(self, argv, table, flags, line, fs, move: bool = False):
        args = [a for a in argv[1:] if not a.startswith("-")]
        cmd = "mv" if move else "cp"
        if len(args) < 2:
            self._errout(table, f"{cmd}: missing file operand\n", fs)
            self.status = 1
            return
        dst = norm(args[-1], self.cwd)
        status = 0
        for s in args[:-1]:
            sp = norm(s, self.cwd)
            text = fs.read(sp)
            if text is None:
                self._errout(table, f"{cmd}: can't stat '{s}': No such file or directory\n" if self.flavor == "busybox"
                             else f"{cmd}: cannot stat '{s}': No such file or directory\n", fs)
                status = 1
                continue
            target = dst.rstrip("/") + "/" + sp.rsplit("/", 1)[-1] if fs.is_dir(dst) else dst
            try:
                fs.write(target, text)
                if move:
                    fs.remove(sp)
            except FSError as e:
                self._errout(table, f"{cmd}: {e}\n", fs)
                status = 1
        self.status = status

    def _b_mv(self, argv, table, flags, line, fs):
        return self._b_cp(argv, table, flags, line, fs, move=True)

    def _b_date(self, argv, table, flags, line, fs):
        fmt = next((a[1:] for a in argv[1:] if a.startswith("+")), None)
        if fmt is not None:
            self._out(table, _date_format(self.t, fmt) + "\n", fs)
        else:  # the clock is UTC, so -u changes nothing
            self._out(table, _busybox_date(self.t) + "\n", fs)
        self.status = 0

    def _b_env(self, argv, table, flags, line, fs, env=None):
        env = env if env is not None else self._env({})
        if len(argv) > 1 and not argv[1].startswith("-") and "=" not in argv[1]:
            return self._command(argv[1:], table, {}, flags, line, fs)
        for k, v in env.items():
            self._out(table, f"{k}={v}\n", fs)
        self.status = 0

    def _b_printenv(self, argv, table, flags, line, fs, env=None):
        env = env if env is not None else self._env({})
        names = argv[1:]
        if not names:
            for k, v in env.items():
                self._out(table, f"{k}={v}\n", fs)
            self.status = 0
            return
        status = 0
        for n in names:
            if n in env:
                self._out(table, env[n] + "\n", fs)
            else:
                status = 1
        self.status = status

    def _b_hostname(self, argv, table, flags, line, fs):
        h = (fs.read("/etc/hostname") or "").strip() or self.vars.get("HOSTNAME", "localhost")
        self._out(table, h + "\n", fs)
        self.status = 0

    # -- credentials (argv.credentials; the names come from the image's accounts, images.json) ----------------
    def _ids(self) -> tuple[int, int, list]:
        c = self.creds
        if c:
            return int(c.get("uid", 0)), int(c.get("gid", 0)), list(c.get("groups") or [])
        member = ((self.image.get("accounts") or {}).get("memberships") or {}).get("0", [])
        return 0, 0, sorted({0, *member})

    def _account_name(self, kind: str, n: int) -> str | None:
        names = (self.image.get("accounts") or {}).get(kind) or {}
        if not names and n == 0:
            return "root"
        return names.get(str(n))

    def _b_id(self, argv, table, flags, line, fs):
        """busybox ``id``: ``uid=1000 gid=3000 groups=2000,3000`` (a name in parentheses when the image has one);
        ``-u``/``-g``/``-G`` print the ids alone, ``-n`` their names."""
        uid, gid, groups = self._ids()
        opts = "".join(a[1:] for a in argv[1:] if a.startswith("-") and a != "-")

        def fmt(kind: str, n: int) -> str:
            name = self._account_name(kind, n)
            return f"{n}({name})" if name is not None else str(n)

        def one(kind: str, n: int) -> str:
            return (self._account_name(kind, n) or str(n)) if "n" in opts else str(n)

        if "u" in opts:
            out = one("users", uid)
        elif "g" in opts and "G" not in opts:
            out = one("groups", gid)
        elif "G" in opts:
            out = " ".join(one("groups", g) for g in groups)
        else:
            out = f"uid={fmt('users', uid)} gid={fmt('groups', gid)}"
            if groups:
                out += " groups=" + ",".join(fmt("groups", g) for g in groups)
        self._out(table, out + "\n", fs)
        self.status = 0

    def _b_whoami(self, argv, table, flags, line, fs):
        uid = self._ids()[0]
        name = self._account_name("users", uid)
        if name is None:
            self._errout(table, f"whoami: unknown uid {uid}\n", fs)
            self.status = 1
            return
        self._out(table, name + "\n", fs)
        self.status = 0

    def _b_uname(self, argv, table, flags, line, fs):
        self._out(table, ("Linux" if "-a" not in argv else "Linux node1 6.8.0 #1 SMP x86_64 GNU/Linux") + "\n", fs)
        self.status = 0

    def _b_basename(self, argv, table, flags, line, fs):
        if len(argv) < 2:
            self.status = 1
            return
        b = argv[1].rstrip("/").rsplit("/", 1)[-1] or "/"
        if len(argv) > 2 and b.endswith(argv[2]) and b != argv[2]:
            b = b[: -len(argv[2])]
        self._out(table, b + "\n", fs)
        self.status = 0

    def _b_dirname(self, argv, table, flags, line, fs):
        if len(argv) < 2:
            self.status = 1
            return
        p = argv[1].rstrip("/")
        d = p.rsplit("/", 1)[0] if "/" in p else "."
        self._out(table, (d or "/") + "\n", fs)
        self.status = 0

    def _b_seq(self, argv, table, flags, line, fs):
        nums = [a for a in argv[1:] if re.match(r"^-?\d+$", a)]
        try:
            vals = [int(x) for x in nums]
        except ValueError:
            self.status = 1
            return
        if len(vals) == 1:
            a, s, b = 1, 1, vals[0]
        elif len(vals) == 2:
            a, s, b = vals[0], 1, vals[1]
        elif len(vals) >= 3:
            a, s, b = vals[0], vals[1], vals[2]
        else:
            self.status = 1
            return
        if s == 0:
            self.status = 1
            return
        out = []
        x = a
        while (s > 0 and x <= b) or (s < 0 and x >= b):
            out.append(f"{x}\n")
            x += s
            if len(out) > 100000:
                break
        self._out(table, "".join(out), fs)
        self.status = 0

    def _b_expr(self, argv, table, flags, line, fs):
        args = argv[1:]
        try:
            if len(args) == 3:
                a, op, b = args
                if op in ("+", "-", "*", "/", "%"):
                    v = str(_Arith._apply(op, int(a), int(b)))
                elif op in ("=", "!=", "<", ">", "<=", ">="):
                    try:
                        x, y = int(a), int(b)
                    except ValueError:
                        x, y = a, b
                    v = str(int({"=": x == y, "!=": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]))
                elif op == ":":
                    m = re.match(b, a)
                    v = (m.group(1) if m and m.groups() else str(len(m.group(0)))) if m else ("" if "(" in b else "0")
                else:
                    raise ValueError
            elif len(args) == 1:
                v = args[0]
            else:
                raise ValueError
        except (ValueError, ZeroDivisionError):
            self._errout(table, "expr: syntax error\n", fs)
            self.status = 2
            return
        self._out(table, v + "\n", fs)
        self.status = 1 if v in ("", "0") else 0

    def _b_wget(self, argv, table, flags, line, fs):
        out_file, quiet, url, i = None, False, None, 1
        while i < len(argv):
            a = argv[i]
            if a in ("-O", "--output-document") and i + 1 < len(argv):
                out_file = argv[i + 1]
                i += 2
                continue
            if a.startswith("-") and "O" in a and len(a) > 2 and a.startswith("-q"):
                quiet = True
                out_file = a[a.index("O") + 1:] or (argv[i + 1] if i + 1 < len(argv) else "-")
                if not a[a.index("O") + 1:]:
                    i += 1
            elif a.startswith("-O") and len(a) > 2:
                out_file = a[2:]
            elif a in ("-q", "--quiet"):
                quiet = True
            elif a in ("-T", "-t", "--timeout", "-U"):
                i += 1
            elif not a.startswith("-"):
                url = a
            i += 1
        if not url:
            self._errout(table, "BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [-O FILE] URL...\n", fs)
            self.status = 1
            return
        host = re.sub(r"^[a-z]+://", "", url).split("/", 1)[0]
        if self.net is not None and not self.net.external(host.rsplit(":", 1)[0]):
            from .network import wget

            return wget(self, url, out_file, quiet, table, fs)
        self._note("wget/curl: every URL is assumed reachable and returns a small simulated page")
        body = _fake_page(url)
        if out_file is None:
            out_file = url.rstrip("/").rsplit("/", 1)[-1] if "/" in re.sub(r"^[a-z]+://", "", url).rstrip("/") else "index.html"
        if not quiet:
            self._errout(table, f"Connecting to {host} ({_fake_ip(host.split(':')[0])}:{host.split(':')[1] if ':' in host else 80})\n", fs)
        from .network import wget_save

        wget_save(self, body, out_file, quiet, table, fs)

    def _b_curl(self, argv, table, flags, line, fs):
        out_file, url, i, opts = None, None, 1, set()
        while i < len(argv):
            a = argv[i]
            if a.startswith("-") and not a.startswith("--") and len(a) > 1:
                opts.update(a[1:])
            elif a in ("--silent", "--show-error", "--fail"):
                opts.add({"--silent": "s", "--show-error": "S", "--fail": "f"}[a])
            if a in ("-o", "--output") and i + 1 < len(argv):
                out_file = argv[i + 1]
                i += 2
                continue
            if a in ("-H", "-d", "-X", "--data", "--header", "-m", "--max-time", "-u", "-w", "--connect-timeout"):
                i += 2
                continue
            if not a.startswith("-"):
                url = a
            i += 1
        if not url:
            self._errout(table, "curl: try 'curl --help' or 'curl --manual' for more information\n", fs)
            self.status = 2
            return
        if self.net is not None and not self.net.external(re.sub(r"^[a-z]+://", "", url).split("/", 1)[0].rsplit(":", 1)[0]):
            from .network import curl

            return curl(self, url, out_file, opts, table, fs)
        self._note("wget/curl: every URL is assumed reachable and returns a small simulated page")
        from .network import curl_deliver

        curl_deliver(self, _fake_page(url), out_file, table, fs)

    def _b_nc(self, argv, table, flags, line, fs):
        from .network import nc

        return nc(self, argv, table, flags, fs)

    def _b_yes(self, argv, table, flags, line, fs):
        self._note("yes: endless output is not simulated; the command runs forever")
        self._block(None, table, flags, kind="forever")

    def _b_ping(self, argv, table, flags, line, fs):
        self._note("ping: simulated as running until stopped, with no output")
        self._block(None, table, flags, kind="forever")

    def _b_ps(self, argv, table, flags, line, fs):
        """busybox ``ps``: PID 1 is the container's main process (an exec sees it too), then the exec itself."""
        uid = self._ids()[0]
        user = self._account_name("users", uid) or str(uid)
        main = self.peer if self.is_exec and self.peer is not None else self
        out = f"PID   USER     TIME  COMMAND\n    1 {user:<8}  0:00 " + " ".join(main.argv) + "\n"
        if main is not self:
            out += f"{main.next_pid:5d} {user:<8}  0:00 " + " ".join(self.argv) + "\n"
        self._out(table, out, fs)
        self.status = 0

    def _b_find(self, argv, table, flags, line, fs):
        root = argv[1] if len(argv) > 1 and not argv[1].startswith("-") else "."
        pat = argv[argv.index("-name") + 1] if "-name" in argv and argv.index("-name") + 1 < len(argv) else None
        rp = norm(root, self.cwd)
        if not fs.exists(rp):
            self._errout(table, f"find: {root}: No such file or directory\n", fs)
            self.status = 1
            return
        out = []

        def walk(p):
            if pat is None or fnmatch.fnmatchcase(p.rsplit("/", 1)[-1], pat):
                out.append(p)
            if fs.is_dir(p):
                for n in fs.listdir(p):
                    walk(p.rstrip("/") + "/" + n)
        walk(rp)
        self._out(table, "".join(o + "\n" for o in out), fs)
        self.status = 0


_BUILTIN_NAMES = {"ash": "sh", "dash": "sh", "bash": "sh", ":": "colon", "[": "bracket", "[[": "dbracket", ".": "source", "ulimit": "noop", "umask": "noop",
                  "hash": "noop", "sync": "noop", "let": "noop", "break": "noop", "continue": "noop", "apk": "noop", "apt-get": "noop",
                  "chmod": "noop", "chown": "noop", "ln": "noop", "stty": "noop", "usleep": "noop"}


# the interpreter's dispatch table: op name -> Process._op_<name>
_OPS = {name[4:]: fn for name, fn in vars(Process).items() if name.startswith("_op_")}


def _fake_page(url: str) -> str:
    return f"<html><head><title>{url}</title></head><body>simulated content of {url}</body></html>\n"


class _Test:
    """``test`` / ``[`` / ``[[`` expressions."""

    UNARY = {"-e", "-f", "-d", "-s", "-r", "-w", "-x", "-z", "-n", "-L", "-h", "-p", "-S", "-b", "-c", "-t", "-a", "-O", "-G"}

    def __init__(self, args: list, fs, cwd: str, dbl: bool, proc: Process) -> None:
        self.a = args
        self.i = 0
        self.fs = fs
        self.cwd = cwd
        self.dbl = dbl
        self.proc = proc

    def value(self) -> bool:
        if not self.a:
            return False
        v = self.or_()
        if self.i != len(self.a):
            raise ValueError("syntax error" if self.dbl else f"{self.a[self.i]}: unknown operand")
        return v

    def peek(self):
        return self.a[self.i] if self.i < len(self.a) else None

    def or_(self) -> bool:
        v = self.and_()
        while self.peek() in ("-o", "||"):
            self.i += 1
            r = self.and_()
            v = v or r
        return v

    def and_(self) -> bool:
        v = self.not_()
        while self.peek() in ("-a", "&&"):
            self.i += 1
            r = self.not_()
            v = v and r
        return v

    def not_(self) -> bool:
        if self.peek() == "!" and self.i + 1 < len(self.a):
            self.i += 1
            return not self.not_()
        return self.prim()

    def prim(self) -> bool:
        t = self.peek()
        if t is None:
            raise ValueError("argument expected")
        if t == "(" and self.i + 1 < len(self.a):
            self.i += 1
            v = self.or_()
            if self.peek() != ")":
                raise ValueError("missing )")
            self.i += 1
            return v
        rem = len(self.a) - self.i
        if rem >= 3 and self.a[self.i + 1] in ("=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">", "=~", "-nt", "-ot"):
            l, op, r = self.a[self.i], self.a[self.i + 1], self.a[self.i + 2]
            self.i += 3
            return self.binop(l, op, r)
        if t in self.UNARY and rem >= 2:
            self.i += 2
            return self.unop(t, self.a[self.i - 1])
        self.i += 1
        return t != ""

    def unop(self, op: str, x: str) -> bool:
        if op == "-z":
            return x == ""
        if op == "-n":
            return x != ""
        if op == "-t":
            return False
        p = norm(x, self.cwd)
        fs = self.fs
        if op in ("-e", "-a"):
            return fs.exists(p)
        if op == "-f":
            return fs.read(p) is not None
        if op == "-d":
            return fs.is_dir(p)
        if op == "-s":
            t = fs.read(p)
            return bool(t) if t is not None else fs.is_dir(p)
        if op in ("-r", "-w", "-x", "-O", "-G"):
            return fs.exists(p)
        return False

    def binop(self, l: str, op: str, r: str) -> bool:
        if op in ("=", "=="):
            return fnmatch.fnmatchcase(l, r) if self.dbl else l == r
        if op == "!=":
            return not fnmatch.fnmatchcase(l, r) if self.dbl else l != r
        if op == "<":
            return l < r
        if op == ">":
            return l > r
        if op == "=~":
            try:
                m = re.search(r, l)
            except re.error:
                raise ValueError("invalid regular expression")
            if m:
                self.proc.arrays["BASH_REMATCH"] = [m.group(0)] + [g or "" for g in m.groups()]
            else:
                self.proc.arrays["BASH_REMATCH"] = []
            return m is not None
        if op in ("-nt", "-ot"):
            return False
        try:
            a, b = int(l.strip() or ("0" if self.dbl else "x")), int(r.strip() or ("0" if self.dbl else "x"))
        except ValueError:
            if self.dbl:
                a = self.proc._arith(l or "0")
                b = self.proc._arith(r or "0")
            else:
                raise ValueError(f"{l if not l.strip().lstrip('-').isdigit() else r}: bad number")
        return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}[op]


# ---------------------------------------------------------------------------- exec, probes
def containerd_start_error(msg: str) -> str:
    """The full containerd wording of a StartError message (lifecycle.md 2.3)."""
    return ("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: "
            f"unable to start container process: {msg}: unknown")


def run_exec_timed(argv: list, env: dict, fs: ContainerFS, image: Image, now_ms: int, timeout_s: int | float | None,
                   proc: Process | None = None, split: bool = False) -> tuple[int, str | tuple[str, str], int]:
    """Run a command inside a container (exec probe, lifecycle hook, ``minikctl exec``).

    Returns ``(exit_code, output, ms)``: the bytes written to stdout and stderr, combined as a probe's
    CombinedOutput reads them (``split``: ``(stdout, stderr)``, as ``kubectl exec`` prints them on its own
    two streams), and the virtual milliseconds the command takes. Side effects on ``fs`` happen at once.
    A command that would run past ``timeout_s`` (or forever) returns ``(-1, 'command "<argv>"
    timed out', timeout_ms)``; ``timeout_s=None`` means no limit (a forever command then
    reports ms = 0 and code -1). A missing executable returns ``(126, 'OCI runtime exec failed:
    exec failed: unable to start container process: exec: "<x>": executable file not found in
    $PATH: unknown', 0)``. ``proc`` (optional) is the container's main process, so that
    ``nginx -s quit`` / ``killall`` can reach it."""
    p = Process.spawn(list(argv), env, image, now_ms, getattr(proc, "memory_limit", None),
                      cpu_limit=getattr(proc, "cpu_share", None))
    if p.exited and p.reason == "StartError":
        msg = f"OCI runtime exec failed: exec failed: unable to start container process: {p.message}: unknown"
        return 126, ("", msg) if split else msg, 0
    p.peer = proc
    p.net = getattr(proc, "net", None)  # an exec runs in the container's network namespace
    p.creds = getattr(proc, "creds", None)  # ... and as the container's user
    p.is_exec = True
    limit = None if timeout_s is None else now_ms + int(timeout_s * 1000)
    p.step(limit if limit is not None else now_ms + 10 ** 12, fs)
    if not p.exited:
        msg = f'command "{" ".join(argv)}" timed out'
        return -1, ("", msg) if split else msg, (limit - now_ms) if limit is not None else 0
    if split:
        out = ("".join(f"{ln[2]}\n" for ln in p.logs if ln[1] == "stdout") + p.partial.get("stdout", ""),
               "".join(f"{ln[2]}\n" for ln in p.logs if ln[1] == "stderr") + p.partial.get("stderr", ""))
    else:
        out = p.drain_output()
    return p.exit_code or 0, out, (p.exit_ms or now_ms) - now_ms


def run_exec(argv: list, env: dict, fs: ContainerFS, image: Image, now_ms: int, timeout_s: int | float | None,
             proc: Process | None = None) -> tuple[int, str]:
    """``run_exec_timed`` without the duration: ``(exit_code, output)``."""
    code, out, _ = run_exec_timed(argv, env, fs, image, now_ms, timeout_s, proc)
    return code, out


def _refused(url_host: str, port: int) -> str:
    return f"dial tcp {url_host}:{port}: connect: connection refused"


def http_get(proc: Process | None, port: int, path: str, now_ms: int, pod_ip: str, scheme: str = "HTTP") -> tuple[int | None, str]:
    """An HTTP probe. Returns (status code or None, failure message; "" on success)."""
    path = path or "/"
    if not path.startswith("/"):
        path = "/" + path
    url = f"{scheme.lower()}://{pod_ip}:{port}{path}"
    listener = proc.listening(now_ms).get(int(port)) if proc is not None else None
    if listener is None:
        return None, f'Get "{url}": {_refused(pod_ip, port)}'
    if listener.protocol == "grpc":
        return None, f'Get "{url}": net/http: HTTP/1.x transport connection broken: malformed HTTP response "\\x00\\x00\\x06\\x04\\x00\\x00\\x00\\x00\\x00\\x00\\x05\\x00\\x00@\\x00"'
    if listener.protocol != "http":
        return None, f'Get "{url}": EOF'
    if scheme.upper() == "HTTPS":
        return None, f'Get "{url}": http: server gave HTTP response to HTTPS client'
    code = listener.http_status(path, now_ms)
    if 200 <= code < 400:
        return code, ""
    return code, f"HTTP probe failed with statuscode: {code}"


def tcp_connect(proc: Process | None, port: int, now_ms: int, pod_ip: str) -> tuple[bool, str]:
    """A TCP probe: (success, failure message)."""
    if proc is not None and int(port) in proc.listening(now_ms):
        return True, ""
    return False, _refused(pod_ip, port)


def grpc_check(proc: Process | None, port: int, service: str, now_ms: int, pod_ip: str, timeout_s: int = 1) -> tuple[bool, str]:
    """A gRPC health probe (messages as pkg/probe/grpc words them)."""
    addr = f"{pod_ip}:{port}"
    listener = proc.listening(now_ms).get(int(port)) if proc is not None else None
    if listener is None:
        return False, f'timeout: failed to connect service "{addr}" within {timeout_s}s: context deadline exceeded'
    if listener.protocol != "grpc":
        return False, f'timeout: failed to connect service "{addr}" within {timeout_s}s: context deadline exceeded'
    if listener.grpc_status != "SERVING":
        return False, f'service unhealthy (responded with "{listener.grpc_status}")'
    return True, ""
