"""Register allocation on generated source: value names reused once dead.

A function with thousands of locals is slow to enter and to leave, and keeps every
intermediate array alive until it returns, so the source that runs names its values
``r0, r1, ...`` and hands a name on as soon as the value it held is dead.
"""


def reuse_names(head, stmts):
    """The source of the function ``head`` whose statements are ``stmts`` (see
    :func:`._codegen._text`: one name per value), with names reused once their value
    is dead: a function with thousands of locals is slow to enter and to leave, and
    keeps every intermediate array alive until it returns.  A write into a buffer keeps
    the buffer's name."""
    uses, last = [], {}
    for i, (_, pieces, _, _, buf) in enumerate(stmts):
        used = pieces[1::2]
        if buf is not None:             # "inplace" and "out" read their buffer
            used.append(buf)
        uses.append(used)
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
            kind, pieces = "plain", extra
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
