"""Parse a shell script (busybox ``sh`` subset) and compile it to a flat instruction list.

The compiled program is plain JSON (lists of strings/ints/lists) so that an interpreted
process can be persisted between commands: program counter + variables + a few stacks.

Word parts (the unit of expansion):
  ["l", text, quoted]          literal
  ["v", spec, quoted]          parameter: ``name`` / ``?`` / ``1`` / the inside of ``${...}``
  ["a", expr, quoted]          arithmetic ``$((expr))``
  ["c", slot, quoted]          command substitution result (filled by ``csub_end slot``)

Instructions (``[op, ...]``), executed by ``process.Process``:
  ["simple", assigns, words, redirs, flags, line]   one simple command
        assigns: [[name, word]], words: [word], redirs: [[fd, op, word]] (op ``<<``: the
        word is a here-document's body), flags: {"noerr", "exec"}
  ["jmp", t] ["jt", t] ["jf", t]   jump always / if status == 0 / if status != 0
  ["not"]                          invert status
  ["status", n]                    set status
  ["sub_begin", end] ["sub_end"]   subshell (variables restored at the end)
  ["csub_begin", end] ["csub_end", slot]  command substitution (output captured)
  ["redir_push", redirs, line] ["redir_pop"]   redirections of a compound command
  ["pipe_cap"] ["pipe_mid", first] ["pipe_end"]  pipelines: capture stdout, feed it as stdin
  ["for_init", slot, var, words|None] ["for_next", slot, var, end]
  ["case", word, [[patterns, target]], end]
  ["bg", end, simple|None]  ["bg_end"]   ``cmd &``
  ["exit_script"]                  end of the script: exit with the last status
  ["defun", name, start, after]    define function ``name`` (body at ``start``), continue at ``after``
  ["fret"]                         end of a function body: return with the last status
  ["nest_end"]                     end of a nested ``sh`` script run as a subshell
  ["trap_ret"]                     end of a trap handler
"""

from __future__ import annotations

KEYWORDS = {"if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "in", "case", "esac", "{", "}", "!"}
_OPCHARS = set(";&|()<>\n")


class ShellSyntaxError(Exception):
    pass


# ----------------------------------------------------------------------------- lexer
def _match_close(s: str, i: int, open_: str = "(", close: str = ")") -> int:
    """Index of the ``close`` matching an already-consumed ``open_`` (quote aware); -1 if none."""
    depth = 1
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                return -1
            i = j + 1
            continue
        if c == '"':
            i += 1
            while i < n and s[i] != '"':
                if s[i] == "\\":
                    i += 1
                i += 1
            i += 1
            continue
        if c == "`":
            j = s.find("`", i + 1)
            i = (j + 1) if j >= 0 else n
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _scan_dollar(s: str, i: int, quoted: int, parts: list) -> int:
    """``s[i] == '$'``: append one expansion part, return the index after it."""
    n = len(s)
    if i + 1 >= n:
        parts.append(["l", "$", quoted])
        return i + 1
    c = s[i + 1]
    if c == "(":
        if i + 2 < n and s[i + 2] == "(":
            j = _match_close(s, i + 3)
            if j >= 0 and j + 1 < n and s[j + 1] == ")":
                parts.append(["a", s[i + 3:j], quoted])
                return j + 2
        j = _match_close(s, i + 2)
        if j < 0:
            raise ShellSyntaxError("unterminated $(")
        parts.append(["cmd", s[i + 2:j], quoted])
        return j + 1
    if c == "{":
        j = _match_close(s, i + 2, "{", "}")
        if j < 0:
            raise ShellSyntaxError("bad substitution")
        parts.append(["v", s[i + 2:j], quoted])
        return j + 1
    if c.isalpha() or c == "_":
        j = i + 1
        while j < n and (s[j].isalnum() or s[j] == "_"):
            j += 1
        parts.append(["v", s[i + 1:j], quoted])
        return j
    if c.isdigit() or c in "?$!#@*-":
        parts.append(["v", c, quoted])
        return i + 2
    parts.append(["l", "$", quoted])
    return i + 1


def _scan_expanding(s: str, i: int, parts: list, escapable: str) -> int | None:
    """Where ``$``, a backquote and a backslash before one of ``escapable`` are special (inside double
    quotes, in a here-document body): the quoted part starting at ``s[i]`` is appended to ``parts`` and the
    index after it returned; None when ``s[i]`` is a plain character."""
    c = s[i]
    if c == "\\" and i + 1 < len(s) and s[i + 1] in escapable:
        if s[i + 1] != "\n":
            _append_lit(parts, s[i + 1], 1)
        return i + 2
    if c == "$":
        return _scan_dollar(s, i, 1, parts)
    if c == "`":
        j = s.find("`", i + 1)
        if j < 0:
            raise ShellSyntaxError("unterminated `")
        parts.append(["cmd", s[i + 1:j].replace("\\`", "`"), 1])
        return j + 1
    return None


def _append_lit(parts: list, text: str, quoted: int) -> None:
    if parts and parts[-1][0] == "l" and parts[-1][2] == quoted:
        parts[-1][1] += text
    else:
        parts.append(["l", text, quoted])


def scan_word(s: str, i: int, dbl: bool = False) -> tuple[list, int]:
    """Read one word starting at ``i``; returns (parts, index after the word)."""
    parts: list = []
    n = len(s)
    while i < n:
        c = s[i]
        if c in " \t":
            break
        if c in _OPCHARS and not (dbl and c not in ";\n"):
            break
        if c == "\\":
            if i + 1 < n:
                if s[i + 1] == "\n":
                    i += 2
                    continue
                _append_lit(parts, s[i + 1], 1)
                i += 2
            else:
                _append_lit(parts, "\\", 0)
                i += 1
        elif c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                raise ShellSyntaxError("unterminated quoted string")
            _append_lit(parts, s[i + 1:j], 1)
            if j == i + 1 and not parts:
                parts.append(["l", "", 1])
            i = j + 1
        elif c == '"':
            i += 1
            start_len = len(parts)
            while True:
                if i >= n:
                    raise ShellSyntaxError("unterminated quoted string")
                d = s[i]
                if d == '"':
                    i += 1
                    break
                nxt = _scan_expanding(s, i, parts, '$`"\\\n')
                if nxt is None:
                    _append_lit(parts, d, 1)
                    i += 1
                else:
                    i = nxt
            if len(parts) == start_len:
                parts.append(["l", "", 1])
        elif c == "$":
            i = _scan_dollar(s, i, 0, parts)
        elif c == "`":
            j = s.find("`", i + 1)
            if j < 0:
                raise ShellSyntaxError("unterminated `")
            parts.append(["cmd", s[i + 1:j].replace("\\`", "`"), 0])
            i = j + 1
        else:
            _append_lit(parts, c, 0)
            i += 1
    return parts, i


def tokenize(src: str) -> list:
    """Tokens: ["w", parts, line] words, ["op", text, line], ["r", fd, op, line] redirections."""
    toks: list = []
    i, n, line = 0, len(src), 1
    dbl = False
    pending: list = []  # here-documents whose bodies follow the next newline: [delim, strip, quoted, parts]
    while i < n:
        c = src[i]
        if c in " \t":
            i += 1
            continue
        if c == "\\" and i + 1 < n and src[i + 1] == "\n":
            i += 2
            line += 1
            continue
        if c == "#" and (not toks or toks[-1][0] == "op" or src[i - 1] in " \t\n"):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "\n":
            toks.append(["op", "\n", line])
            line += 1
            i += 1
            if pending:
                i, line = _read_heredocs(src, i, line, pending)
            continue
        if dbl and c == ";":
            dbl = False  # `[[` without `]]`: let the parser report it
        if dbl:
            parts, j = scan_word(src, i, dbl=True)
            if parts == [["l", "]]", 0]]:
                dbl = False
            toks.append(["w", parts, line])
            line += src.count("\n", i, j)
            i = j
            continue
        # redirections: [n]> [n]>> [n]< [n]>& [n]<& &>
        j = i
        while j < n and src[j].isdigit():
            j += 1
        if j < n and src[j] in "<>" and (j == i or j - i <= 2):
            fd = int(src[i:j]) if j > i else (0 if src[j] == "<" else 1)
            k = j + 1
            op = src[j]
            if k < n and src[k] == ">" and op == ">":
                op, k = ">>", k + 1
            elif k < n and src[k] == "&":
                op, k = op + "&", k + 1
            elif k < n and src[k] == "|" and op == ">":
                k += 1
            elif op == "<" and k < n and src[k] == "<":
                # here-document: the delimiter is read now, the body after the next newline
                op, k = "<<", k + 1
                strip = k < n and src[k] == "-"
                if strip:
                    k += 1
                while k < n and src[k] in " \t":
                    k += 1
                dparts, j = scan_word(src, k)
                if j == k:
                    raise ShellSyntaxError("syntax error: unexpected newline" if k < n else "syntax error: unexpected end of file")
                delim = "".join(p[1] if p[0] == "l" else "$" + str(p[1]) for p in dparts)
                quoted = any(p[0] == "l" and p[2] for p in dparts) or any(ch in src[k:j] for ch in "'\"\\")
                body: list = []  # filled in when the line ends
                pending.append([delim, strip, quoted, body])
                toks.append(["r", fd, op, line])
                toks.append(["w", body, line])
                i = j
                continue
            toks.append(["r", fd, op, line])
            i = k
            continue
        if c == "&" and i + 1 < n and src[i + 1] == ">":
            k = i + 2
            op = "&>"
            if k < n and src[k] == ">":
                op, k = "&>>", k + 1
            toks.append(["r", 1, op, line])
            i = k
            continue
        if c in ";&|()":
            two = src[i:i + 2]
            if two in ("&&", "||", ";;"):
                toks.append(["op", two, line])
                i += 2
            else:
                toks.append(["op", c, line])
                i += 1
            continue
        parts, j = scan_word(src, i)
        if j == i:
            raise ShellSyntaxError(f"syntax error near {src[i]!r}")
        line += src.count("\n", i, j)
        if parts == [["l", "[[", 0]]:
            dbl = True
        toks.append(["w", parts, line])
        i = j
    if pending:  # the script ends before the bodies: each is empty (dash/ash accept this)
        _read_heredocs(src, n, line, pending)
    return toks


def _read_heredocs(src: str, i: int, line: int, pending: list) -> tuple[int, int]:
    """Read the bodies of ``pending`` here-documents starting at ``i`` (just after a newline); each
    body's word parts are stored into its (already emitted) word token. A body that runs into the end
    of the script ends there. Returns (index after the last delimiter line, line number)."""
    n = len(src)
    for delim, strip, quoted, parts in pending:
        lines = []
        while i < n:
            j = src.find("\n", i)
            end = n if j < 0 else j
            text = src[i:end]
            i = end + 1 if j >= 0 else n
            line += 1
            if strip:
                text = text.lstrip("\t")
            if text == delim:
                break
            lines.append(text + ("\n" if j >= 0 else ""))
        body = "".join(lines)
        if quoted:
            parts.append(["l", body, 1])
        else:
            parts.extend(_heredoc_parts(body))
        if not parts:
            parts.append(["l", "", 1])
    pending.clear()
    return i, line


def _heredoc_parts(body: str) -> list:
    """Word parts of an unquoted here-document body: ``$``/`` ` `` expand, a backslash quotes only
    ``$ ` \\`` and newline; everything is quoted (no field splitting or globbing)."""
    parts: list = []
    i, n = 0, len(body)
    while i < n:
        nxt = _scan_expanding(body, i, parts, "$`\\\n")
        if nxt is not None:
            i = nxt
        else:
            j = i + 1
            while j < n and body[j] not in "\\$`":
                j += 1
            _append_lit(parts, body[i:j], 1)
            i = j
    return parts


# POSIX special builtins: not valid function names in ash/dash ("bad function name"); bash takes them
SPECIAL_BUILTINS = {"break", ":", "continue", ".", "eval", "exec", "exit", "export", "readonly", "return", "set",
                    "shift", "times", "trap", "unset"}


def _fname_ok(name: str, dialect: str) -> bool:
    """A valid function name: a shell name (bash also takes ``-``, ``.`` and the special builtins)."""
    if dialect == "bash":
        return (name[0].isalpha() or name[0] == "_") and all(ch.isalnum() or ch in "_-." for ch in name)
    return name.isidentifier() and name.isascii() and name not in SPECIAL_BUILTINS


def word_literal(parts: list) -> str | None:
    """The text of a word made only of unquoted literal parts (keywords), else None."""
    if len(parts) == 1 and parts[0][0] == "l" and not parts[0][2]:
        return parts[0][1]
    return None


# ----------------------------------------------------------------------------- parser
class Parser:
    def __init__(self, src: str, dialect: str = "busybox") -> None:
        self.toks = tokenize(src)
        self.n = len(self.toks)
        self.i = 0
        self.dialect = dialect  # busybox | dash (no `function name { ...; }`) | bash

    # the three peeks are the parser's hottest code (the token count never changes)
    def peek(self):
        return self.toks[self.i] if self.i < self.n else None

    def peek_kw(self) -> str | None:
        if self.i < self.n:
            t = self.toks[self.i]
            if t[0] == "w":
                parts = t[1]
                if len(parts) == 1 and parts[0][0] == "l" and not parts[0][2]:
                    return parts[0][1]
        return None

    def peek_op(self) -> str | None:
        if self.i < self.n:
            t = self.toks[self.i]
            if t[0] == "op":
                return t[1]
        return None

    def skip_nl(self) -> None:
        while self.peek_op() == "\n":
            self.i += 1

    def expect_kw(self, kw: str) -> None:
        self.skip_nl()
        if self.peek_kw() != kw:
            t = self.peek()
            got = "end of file" if t is None else (word_literal(t[1]) if t[0] == "w" else t[1])
            raise ShellSyntaxError(f"syntax error: unexpected {got!r} (expecting {kw!r})")
        self.i += 1

    def parse(self) -> list:
        items = self.parse_list(set())
        if self.peek() is not None:
            t = self.peek()
            raise ShellSyntaxError(f"syntax error: unexpected {t[1] if t[0] == 'op' else 'word'!r}")
        return items

    def parse_list(self, terminators: set) -> list:
        """[[node, background]]; stops before a terminator keyword or ')'."""
        items = []
        while True:
            self.skip_nl()
            kw = self.peek_kw()
            if self.peek() is None or (kw in terminators) or self.peek_op() in (")", ";;"):
                break
            if self.peek_op() == ";":
                raise ShellSyntaxError("syntax error: unexpected ';'")
            node = self.parse_andor()
            bg = False
            op = self.peek_op()
            if op == "&":
                bg = True
                self.i += 1
            elif op == ";":
                self.i += 1
            items.append([node, bg])
        return items

    def parse_andor(self):
        first = self.parse_pipeline()
        rest = []
        while self.peek_op() in ("&&", "||"):
            op = self.peek_op()
            self.i += 1
            self.skip_nl()
            rest.append([op, self.parse_pipeline()])
        return ["andor", first, rest] if rest else first

    def parse_pipeline(self):
        neg = False
        while self.peek_kw() == "!":
            neg = not neg
            self.i += 1
        cmds = [self.parse_command()]
        while self.peek_op() == "|":
            self.i += 1
            self.skip_nl()
            cmds.append(self.parse_command())
        if len(cmds) == 1 and not neg:
            return cmds[0]
        return ["pipe", cmds, neg]

    def parse_redirs(self) -> list:
        out = []
        while self.peek() is not None and self.peek()[0] == "r":
            _, fd, op, line = self.peek()
            self.i += 1
            t = self.peek()
            if t is None or t[0] != "w":
                raise ShellSyntaxError("syntax error: missing redirection target")
            self.i += 1
            out.append([fd, op, t[1]])
        return out

    def parse_command(self):
        kw = self.peek_kw()
        line = self.peek()[-1] if self.peek() else 0
        if kw == "{":
            self.i += 1
            body = self.parse_list({"}"})
            self.expect_kw("}")
            return ["brace", body, self.parse_redirs(), line]
        if self.peek_op() == "(":
            self.i += 1
            body = self.parse_list(set())
            if self.peek_op() != ")":
                raise ShellSyntaxError("syntax error: missing ')'")
            self.i += 1
            return ["subshell", body, self.parse_redirs(), line]
        if kw == "if":
            self.i += 1
            arms = []
            cond = self.parse_list({"then"})
            self.expect_kw("then")
            body = self.parse_list({"elif", "else", "fi"})
            arms.append([cond, body])
            els = None
            while True:
                self.skip_nl()
                k = self.peek_kw()
                if k == "elif":
                    self.i += 1
                    cond = self.parse_list({"then"})
                    self.expect_kw("then")
                    body = self.parse_list({"elif", "else", "fi"})
                    arms.append([cond, body])
                elif k == "else":
                    self.i += 1
                    els = self.parse_list({"fi"})
                else:
                    break
            self.expect_kw("fi")
            return ["if", arms, els, self.parse_redirs(), line]
        if kw in ("while", "until"):
            self.i += 1
            cond = self.parse_list({"do"})
            self.expect_kw("do")
            body = self.parse_list({"done"})
            self.expect_kw("done")
            return ["while", cond, body, kw == "until", self.parse_redirs(), line]
        if kw == "for":
            self.i += 1
            t = self.peek()
            if t is None or t[0] != "w":
                raise ShellSyntaxError("syntax error: bad for loop variable")
            var = word_literal(t[1]) or ""
            self.i += 1
            words = None
            self.skip_nl()
            if self.peek_kw() == "in":
                self.i += 1
                words = []
                while self.peek() is not None and self.peek()[0] == "w":
                    words.append(self.peek()[1])
                    self.i += 1
            if self.peek_op() == ";":
                self.i += 1
            self.expect_kw("do")
            body = self.parse_list({"done"})
            self.expect_kw("done")
            return ["for", var, words, body, self.parse_redirs(), line]
        if kw == "case":
            self.i += 1
            t = self.peek()
            if t is None or t[0] != "w":
                raise ShellSyntaxError("syntax error: bad case word")
            self.i += 1
            word = t[1]
            self.expect_kw("in")
            arms = []
            while True:
                self.skip_nl()
                if self.peek_kw() == "esac":
                    self.i += 1
                    break
                if self.peek_op() == "(":
                    self.i += 1
                pats = []
                while True:
                    t = self.peek()
                    if t is None or t[0] != "w":
                        raise ShellSyntaxError("syntax error in case pattern")
                    pats.append(t[1])
                    self.i += 1
                    if self.peek_op() == "|":
                        self.i += 1
                        continue
                    break
                if self.peek_op() != ")":
                    raise ShellSyntaxError("syntax error: expecting ')' in case")
                self.i += 1
                body = self.parse_list({"esac"})
                if self.peek_op() == ";;":
                    self.i += 1
                arms.append([pats, body])
            return ["case", word, arms, self.parse_redirs(), line]
        if kw in ("then", "elif", "else", "fi", "do", "done", "esac", "}", "in"):
            raise ShellSyntaxError(f"syntax error: unexpected {kw!r}")
        if kw == "function" and self.dialect != "dash" and self.i + 1 < len(self.toks) and self.toks[self.i + 1][0] == "w":
            # `function name { ...; }` (busybox ash and bash; not POSIX)
            self.i += 1
            name = word_literal(self.peek()[1])
            if not name or not _fname_ok(name, self.dialect):
                raise ShellSyntaxError("syntax error: bad function name")
            self.i += 1
            if self.peek_op() == "(" and self.i + 1 < len(self.toks) and self.toks[self.i + 1][:2] == ["op", ")"]:
                self.i += 2
            return self.parse_fbody(name, line)
        toks, i = self.toks, self.i
        if i + 1 < len(toks) and toks[i + 1][1] == "(" and toks[i + 1][0] == "op" and toks[i][0] == "w":
            t = toks[i]
            name = word_literal(t[1])
            if name is not None and name not in KEYWORDS and "=" not in name:
                if self.i + 2 >= len(self.toks) or self.toks[self.i + 2][:2] != ["op", ")"]:
                    raise ShellSyntaxError("syntax error: unexpected '('")
                if not _fname_ok(name, self.dialect):
                    raise ShellSyntaxError("syntax error: bad function name")
                self.i += 3
                return self.parse_fbody(name, line)
        return self.parse_simple()

    def parse_fbody(self, name: str, line: int):
        """The body of a function definition: one compound command (with its redirections)."""
        self.skip_nl()
        kw = self.peek_kw()
        if kw not in ("{", "if", "while", "until", "for", "case") and self.peek_op() != "(":
            t = self.peek()
            got = "end of file" if t is None else (word_literal(t[1]) or "word" if t[0] == "w" else t[1])
            raise ShellSyntaxError(f"syntax error: unexpected {got!r}")
        return ["func", name, self.parse_command(), line]

    def parse_simple(self):
        assigns, words, redirs = [], [], []
        line = self.peek()[-1] if self.peek() else 0
        while True:
            t = self.peek()
            if t is None:
                break
            if t[0] == "r":
                redirs.extend(self.parse_redirs())
                continue
            if t[0] != "w":
                break
            parts = t[1]
            if not words and parts and parts[0][0] == "l" and not parts[0][2]:
                text = parts[0][1]
                eq = text.find("=")
                name = text[:eq]
                if eq > 0 and (name[0].isalpha() or name[0] == "_") and all(ch.isalnum() or ch == "_" for ch in name):
                    rest = text[eq + 1:]
                    val = ([["l", rest, 0]] if rest else []) + parts[1:]
                    self.i += 1
                    # bash arrays: name=( a b c )
                    if not val and self.peek_op() == "(":
                        self.i += 1
                        items = []
                        while self.peek() is not None and self.peek()[0] == "w":
                            items.append(self.peek()[1])
                            self.i += 1
                        if self.peek_op() != ")":
                            raise ShellSyntaxError("syntax error: unterminated array")
                        self.i += 1
                        assigns.append([name, None, items])
                    else:
                        assigns.append([name, val])
                    continue
            words.append(parts)
            self.i += 1
        if not assigns and not words and not redirs:
            t = self.peek()
            raise ShellSyntaxError(f"syntax error: unexpected {t[1] if t else 'end of file'!r}")
        return ["simple", assigns, words, redirs, line]


# ----------------------------------------------------------------------------- compiler
class Compiler:
    def __init__(self, code: list | None = None, slot_base: int = 0, dialect: str = "busybox") -> None:
        self.code: list = code if code is not None else []
        self.dialect = dialect
        self.slot = slot_base
        self.loops: list = []  # [[break_fixups, continue_target]]

    def new_slot(self) -> int:
        self.slot += 1
        return self.slot

    def emit(self, ins: list) -> int:
        self.code.append(ins)
        return len(self.code) - 1

    def list_(self, items: list, cond: bool = False) -> None:
        if not items:
            self.emit(["status", 0])
        for idx, (node, bg) in enumerate(items):
            last = idx == len(items) - 1
            if bg:
                at = self.emit(["bg", 0, None])
                if node[0] == "simple":
                    self.code[at][2] = self._simple_ins(node, False, False)
                self.node(node, False)
                self.emit(["bg_end"])
                self.code[at][1] = len(self.code)
            else:
                self.node(node, cond and last)

    # word hoisting: command substitutions become code before the command
    def word(self, parts: list) -> list:
        out = []
        for p in parts:
            kind = p[0]
            if kind == "cmd":
                slot = self.new_slot()
                at = self.emit(["csub_begin", 0])
                sub = Parser(p[1], self.dialect).parse()
                self.list_(sub)
                self.code[at][1] = self.emit(["csub_end", slot])
                out.append(["c", slot, p[2]])
            elif kind == "a" and ("$(" in p[1] or "`" in p[1]):
                out.append(["a", self._arith_csubs(p[1]), p[2]])
            else:
                out.append(p)
        return out

    def _arith_csubs(self, expr: str) -> str:
        """Hoist the command substitutions of an arithmetic expression; each becomes ``\\x00slot\\x00``,
        replaced by its output when the expression is evaluated."""
        parts: list = []
        i, n, start = 0, len(expr), 0
        while i < n:
            c = expr[i]
            if c == "$" and expr.startswith("$(", i) and not expr.startswith("$((", i):
                j = _match_close(expr, i + 2)
                if j < 0:
                    raise ShellSyntaxError("unterminated $(")
                parts.append(["l", expr[start:i], 0])
                parts.append(["cmd", expr[i + 2:j], 0])
                i = start = j + 1
            elif c == "`":
                j = expr.find("`", i + 1)
                if j < 0:
                    raise ShellSyntaxError("unterminated `")
                parts.append(["l", expr[start:i], 0])
                parts.append(["cmd", expr[i + 1:j], 0])
                i = start = j + 1
            else:
                i += 1
        parts.append(["l", expr[start:], 0])
        return "".join(p[1] if p[0] == "l" else "\x00%d\x00" % p[1] for p in self.word(parts))

    def redirs(self, rs: list) -> list:
        return [[fd, op, self.word(w)] for fd, op, w in rs]

    def _simple_ins(self, node, noerr: bool, exec_: bool) -> list:
        _, assigns, words, redirs, line = node
        a = []
        for asg in assigns:
            if len(asg) == 3:
                a.append([asg[0], None, [self.word(w) for w in asg[2]]])
            else:
                a.append([asg[0], self.word(asg[1])])
        ws = [self.word(w) for w in words]
        rs = self.redirs(redirs)
        flags = {}
        if noerr:
            flags["noerr"] = 1
        if exec_:
            flags["exec"] = 1
        return ["simple", a, ws, rs, flags, line]

    def node(self, node, cond: bool = False, exec_: bool = False) -> None:
        kind = node[0]
        if kind == "simple":
            first = word_literal(node[2][0]) if node[2] else None
            if first in ("break", "continue") and self.loops and not node[3]:
                n = 1
                if len(node[2]) > 1 and word_literal(node[2][1]) and word_literal(node[2][1]).isdigit():
                    n = max(1, int(word_literal(node[2][1])))
                loop = self.loops[-min(n, len(self.loops))]
                if first == "break":
                    loop[0].append(self.emit(["jmp", 0]))
                else:
                    self.emit(["jmp", loop[1]])
                return
            self.emit(self._simple_ins(node, cond, exec_))
        elif kind == "andor":
            _, first, rest = node
            fix = []
            self.node(first, True)
            for i, (op, pl) in enumerate(rest):
                fix.append(self.emit(["jf" if op == "&&" else "jt", 0]))
                self.node(pl, cond or i < len(rest) - 1)
            for f in fix:
                # a skipped element keeps the status; jump to the next element of the opposite kind
                self.code[f][1] = len(self.code)
            # precise short-circuit: re-target so that `a && b || c` runs c when a fails
            self._fix_andor(fix, rest)
        elif kind == "pipe":
            _, cmds, neg = node
            for i, c in enumerate(cmds):
                last = i == len(cmds) - 1
                if not last:
                    self.emit(["pipe_cap"])
                at = self.emit(["sub_begin", 0])
                self.node(c, cond or neg)
                self.code[at][1] = self.emit(["sub_end"])
                if not last:
                    self.emit(["pipe_mid", 1 if i == 0 else 0])
            if len(cmds) > 1:
                self.emit(["pipe_end"])
            if neg:
                self.emit(["not"])
        elif kind == "brace":
            _, body, rs, line = node
            if rs:
                self.emit(["redir_push", self.redirs(rs), line])
            self.list_(body, cond)
            if rs:
                self.emit(["redir_pop"])
        elif kind == "subshell":
            _, body, rs, line = node
            if rs:
                self.emit(["redir_push", self.redirs(rs), line])
            at = self.emit(["sub_begin", 0])
            self.list_(body, cond)
            self.code[at][1] = self.emit(["sub_end"])
            if rs:
                self.emit(["redir_pop"])
        elif kind == "if":
            _, arms, els, rs, line = node
            if rs:
                self.emit(["redir_push", self.redirs(rs), line])
            ends = []
            for c, body in arms:
                self.list_(c, True)
                jf = self.emit(["jf", 0])
                self.list_(body, cond)
                ends.append(self.emit(["jmp", 0]))
                self.code[jf][1] = len(self.code)
            if els is not None:
                self.list_(els, cond)
            else:
                self.emit(["status", 0])
            for e in ends:
                self.code[e][1] = len(self.code)
            if rs:
                self.emit(["redir_pop"])
        elif kind == "while":
            _, c, body, until, rs, line = node
            if rs:
                self.emit(["redir_push", self.redirs(rs), line])
            top = len(self.code)
            self.list_(c, True)
            jx = self.emit(["jt" if until else "jf", 0])
            self.loops.append([[], top])
            self.list_(body, cond)
            self.emit(["jmp", top])
            brk = self.loops.pop()[0]
            self.code[jx][1] = len(self.code)
            self.emit(["status", 0])
            for b in brk:
                self.code[b][1] = len(self.code)
            if rs:
                self.emit(["redir_pop"])
        elif kind == "for":
            _, var, words, body, rs, line = node
            if rs:
                self.emit(["redir_push", self.redirs(rs), line])
            slot = self.new_slot()
            self.emit(["for_init", slot, var, None if words is None else [self.word(w) for w in words]])
            top = self.emit(["for_next", slot, var, 0])
            self.loops.append([[], top])
            self.list_(body, cond)
            self.emit(["jmp", top])
            brk = self.loops.pop()[0]
            self.code[top][3] = len(self.code)
            self.emit(["status", 0])
            for b in brk:
                self.code[b][1] = len(self.code)
            if rs:
                self.emit(["redir_pop"])
        elif kind == "case":
            _, word, arms, rs, line = node
            if rs:
                self.emit(["redir_push", self.redirs(rs), line])
            at = self.emit(["case", self.word(word), [], 0])
            ends = []
            for pats, body in arms:
                self.code[at][2].append([[self.word(p) for p in pats], len(self.code)])
                self.list_(body, cond)
                ends.append(self.emit(["jmp", 0]))
            self.code[at][3] = len(self.code)
            self.emit(["status", 0])
            end = len(self.code)
            for e in ends:
                self.code[e][1] = end
            if rs:
                self.emit(["redir_pop"])
        elif kind == "func":
            # the definition registers the body's start and jumps over it; the body ends in fret
            _, name, body, line = node
            at = self.emit(["defun", name, 0, 0])
            self.code[at][2] = len(self.code)
            loops, self.loops = self.loops, []  # break/continue do not reach the caller's loops
            self.node(body, False)
            self.loops = loops
            self.emit(["fret"])
            self.code[at][3] = len(self.code)
        else:  # pragma: no cover
            raise ShellSyntaxError(f"unsupported construct {kind}")

    def _fix_andor(self, fix: list, rest: list) -> None:
        # After element i fails under `&&`, control must go to the next `||` element (or the
        # end); after it succeeds under `||`, to the next `&&` element (or the end).
        # fix[i] is the jump emitted before element i+1 (op rest[i][0]).
        starts = [f + 1 for f in fix]  # code index where element i+1 begins
        end = len(self.code)
        for i, f in enumerate(fix):
            op = rest[i][0]
            target = end
            for j in range(i + 1, len(rest)):
                if rest[j][0] != op:
                    target = starts[j]
                    break
            # jumping *to* the jump instruction of the opposite kind re-tests the same status
            self.code[f][1] = target - 1 if target != end else end


def compile_script(src: str, code: list | None = None, slot_base: int = 0, single_exec: bool = True,
                   dialect: str = "busybox") -> tuple[list, int]:
    """Compile ``src``; appends to ``code`` (a new list by default). Returns (code, last slot).
    With ``single_exec``, a script that is one simple command is marked ``exec`` (busybox
    execs the last command of ``sh -c``, so the program becomes PID 1). ``dialect``: busybox (ash),
    dash (``function`` is an ordinary word) or bash (any function name)."""
    items = Parser(src, dialect).parse()
    comp = Compiler(code, slot_base, dialect)
    start = len(comp.code)
    if single_exec and len(items) == 1 and not items[0][1] and items[0][0][0] == "simple" and items[0][0][2]:
        comp.node(items[0][0], False, exec_=True)
    else:
        comp.list_(items)
    del start
    return comp.code, comp.slot
