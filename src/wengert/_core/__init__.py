"""The tracing core: boxes, levels, primitives, the tape and dual numbers.

It knows no NumPy and works with plain Python floats; array types register
their boxes and vector spaces from outside.
"""
from .box import Box, Trace, getval, new_box, register_box
from .dual import DualTrace
from .primitive import (Primitive, get_primitive, holds_box, notrace_primitive, primitive,
                        registered_primitives)
from .rules import (def_array_args, def_keep, def_linear, defjvp, defjvp_any, defvjp, defvjp_any,
                    has_jvp, jvp_rule, missing_rule, vjp_rule)
from .tape import TapeTrace
from .vspace import (ContainerVSpace, ScalarVSpace, VSpace, add_any, register_vspace,
                     vspace)

__all__ = [
    "Box", "Trace", "getval", "new_box", "register_box", "DualTrace",
    "Primitive", "get_primitive", "holds_box", "notrace_primitive", "primitive",
    "registered_primitives",
    "def_array_args", "def_keep", "def_linear", "defjvp", "defjvp_any", "defvjp", "defvjp_any",
    "has_jvp", "jvp_rule", "missing_rule", "vjp_rule", "TapeTrace",
    "ContainerVSpace", "ScalarVSpace", "VSpace", "add_any", "register_vspace", "vspace",
]
