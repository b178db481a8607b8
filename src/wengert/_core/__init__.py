"""The tracing core: boxes, levels, primitives, the tape and dual numbers.

It knows no NumPy and works with plain Python floats; array types register
their boxes and vector spaces from outside.
"""
from .box import (Box, Trace, box_trace, box_value, getval, is_value_level, new_box, rebind,
                  register_box)
from .dual import DualTrace
from .primitive import (Primitive, get_primitive, holds_box, notrace_primitive, operator_method,
                        primitive, registered_primitives)
from .rules import (declare_elementwise, def_array_args, def_keep, def_linear, def_loop_only,
                    def_vjp_inplace,
                    defbatch, defjvp, defjvp_any, defjvp_joint, defvjp, defvjp_any,
                    defvjp_joint, has_jvp, jvp_rule, missing_rule, no_rule_message, vjp_rule)
from .tape import Entry, TapeTrace, lean_min_bytes
from .vspace import (ContainerVSpace, ScalarVSpace, VSpace, add_any, register_vspace,
                     register_vspace_finder, vspace)

__all__ = [
    "Box", "Trace", "box_trace", "box_value", "is_value_level", "rebind", "Entry", "getval", "new_box", "register_box", "DualTrace",
    "Primitive", "get_primitive", "holds_box", "notrace_primitive", "operator_method", "primitive",
    "registered_primitives",
    "declare_elementwise", "def_array_args", "def_keep", "def_linear", "def_loop_only",
    "def_vjp_inplace",
    "defbatch", "defjvp", "defjvp_any", "defjvp_joint", "defvjp", "defvjp_any", "defvjp_joint",
    "has_jvp", "jvp_rule", "missing_rule", "no_rule_message", "vjp_rule", "TapeTrace",
    "lean_min_bytes",
    "ContainerVSpace", "ScalarVSpace", "VSpace", "add_any", "register_vspace",
    "register_vspace_finder", "vspace",
]
