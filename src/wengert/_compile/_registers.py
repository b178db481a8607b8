"""Register allocation on generated source: value names reused once dead.

A function with thousands of locals is slow to enter and to leave, and keeps every
intermediate array alive until it returns, so the source that runs names its values
``r0, r1, ...`` and hands a name on as soon as the value it held is dead.
"""
import re

_VAR = re.compile(r"\b(v\d+)\b")    # split by it: text and names alternate
_INPLACE = re.compile(r"^(v\d+) = (v\d+); \1 (.)= (.*)$")
_OUT = re.compile(r"^(v\d+) = (.*), out=(v\d+)\)$")


def reuse_names(text):
    """``text`` (one name per value) with names reused once their value is dead:
    a function with thousands of locals is slow to enter and to leave, and keeps
    every intermediate array alive until it returns.  A write into a buffer keeps
    the buffer's name."""
    head, *lines = text.rstrip("\n").split("\n")
    # Each statement is parsed once: (kind, pieces, extra, target, buffer), where
    # ``pieces`` is a part of its text split into text and value names (odd places).
    stmts = []
    for line in lines:
        stmt = line.strip()
        if stmt.startswith("if "):
            cond, rest = stmt.split(": raise", 1)
            stmts.append(("if", _VAR.split(cond), rest, None, None))
        elif stmt.startswith("return "):
            stmts.append(("return", _VAR.split(stmt), None, None, None))
        else:
            m = _INPLACE.match(stmt) if "; " in stmt else None
            o = _OUT.match(stmt) if m is None and ", out=" in stmt else None
            if m:                        # vK = vJ; vK += y
                stmts.append(("inplace", _VAR.split(m.group(4)), m.group(3), m.group(1),
                              m.group(2)))
            elif o:                      # vK = f(..., out=vJ)
                stmts.append(("out", _VAR.split(o.group(2)), stmt, o.group(1), o.group(3)))
            else:
                target, rhs = stmt.split(" = ", 1)
                stmts.append(("plain", _VAR.split(rhs), None, target, None))
    uses = [st[1][1::2] + [st[4]] if st[0] in ("inplace", "out") else st[1][1::2]
            for st in stmts]
    last = {}
    for i, used in enumerate(uses):
        for v in used:
            last[v] = i
    # free registers: a dict used as an ordered set (O(1) membership, removal and
    # last-in-first-out reuse; a list made this quadratic in the program's length)
    names, free, count, out = {}, {}, [0], []

    def sub(pieces):
        pieces = list(pieces)
        pieces[1::2] = [names[v] for v in pieces[1::2]]
        return "".join(pieces)

    def release(i):
        for v in set(uses[i]):
            if last[v] == i:
                free[names[v]] = None

    for i, (kind, pieces, extra, target, buf) in enumerate(stmts):
        if kind == "if":
            out.append(f"{sub(pieces)}: raise{extra}")
            release(i)
            continue
        if kind == "return":
            out.append(sub(pieces))
            continue
        if kind == "out" and buf not in names:      # not a buffer of the program
            kind, pieces = "plain", _VAR.split(extra.split(" = ", 1)[1])
        if kind == "inplace":              # vK = vJ; vK += y  ->  rJ += y
            out.append(f"{names[buf]} {extra}= {sub(pieces)}")
        elif kind == "out":                # vK = f(..., out=vJ)  ->  rJ = f(..., out=rJ)
            out.append(f"{names[buf]} = {sub(pieces)}, out={names[buf]})")
        else:
            rhs = sub(pieces)
            release(i)
            if last.get(target) is None:       # never used (kept for a guard only)
                name = f"r{count[0]}"
                count[0] += 1
            else:
                name = free.popitem()[0] if free else None
                if name is None:
                    name = f"r{count[0]}"
                    count[0] += 1
            names[target] = name
            out.append(f"{name} = {rhs}")
            continue
        names[target] = names[buf]
        release(i)
        if names[buf] in free and last.get(target, -1) > i:
            del free[names[buf]]
    return "\n".join([head] + ["    " + line for line in out]) + "\n"
