"""Forward mode: dual numbers (value, tangent, level)."""
from . import hooks
from .batching import holds_batched
from .box import Box, Trace, new_box
from .rules import jvp_rule
from .vspace import add_any


class DualTrace(Trace):
    """Carries one tangent alongside every value that depends on the inputs.

    A value with no tangent (a symbolic zero) is simply not boxed, so it costs
    nothing; a primitive with no boxed argument at this level is not touched.
    """

    __slots__ = ()

    tangent_of = Trace.aux_of    # a box's tangent

    def new_input(self, value, tangent):
        return new_box(value, self, tangent)

    def apply(self, prim, args, kwargs):
        vals = list(args)
        tangents = []
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Box):
                if a._trace is self:
                    v = vals[i] = a._value
                    tangents.append((i, a._aux))
                    if isinstance(v, Box):  # a box of a lower level inside ours
                        lower = True
                else:
                    lower = True
            elif (type(a) is tuple or type(a) is list) and holds_batched(a):
                lower = True   # an index tuple holding a batched index, say
        ans = prim.wrapped(*vals, **kwargs) if lower else prim.fun(*vals, **kwargs)
        if hooks.observers:
            hooks.notify("forward", prim, ans, vals)
        if prim.jvp_joint is not None:
            out = prim.jvp_joint([i for i, _ in tangents], [t for _, t in tangents],
                                 ans, *vals, **kwargs)
            return ans if out is None else new_box(ans, self, out)
        jvps = prim.jvps
        out = None
        for i, t in tangents:
            rule = jvps.get(i) or jvp_rule(prim, i)
            ti = rule(t, ans, *vals, **kwargs)
            if ti is not None:
                out = ti if out is None else add_any(out, ti)
        if out is None:
            return ans
        if hooks.observers:
            hooks.notify("tangent", prim, out, vals)
        return new_box(ans, self, out)
