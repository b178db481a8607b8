"""``wengert.wrap_util``: autograd's helpers for writing function transforms.

``unary_to_nary(unary)`` turns a transform written for one argument,
``unary(fun_of_x, x, *extra)``, into autograd's calling convention
``op(fun, argnum=0, *extra)(*args, **kwargs)``; a tuple ``argnum`` hands the
unary transform a tuple of those arguments.

Example:
    >>> from wengert.wrap_util import unary_to_nary
    >>> from wengert.core import make_vjp
    >>> @unary_to_nary
    ... def grad(fun, x):
    ...     vjp, _ = make_vjp(fun, x)
    ...     return vjp(1.0)
    >>> grad(lambda a, b: a * b, argnum=1)(3.0, 4.0)
    3.0
"""
import functools

from .util import subvals

__all__ = ["unary_to_nary", "wraps", "wrap_nary_f", "get_name", "get_doc", "subvals"]


def get_name(f):
    """``f.__name__``, or ``"[unknown name]"`` for callables without one."""
    return getattr(f, "__name__", "[unknown name]")


def get_doc(f):
    """``f.__doc__``, or ``""``."""
    return getattr(f, "__doc__", "") or ""


def wrap_nary_f(fun, op, argnum):
    """Name and document ``op``'s result after ``fun``, as autograd does
    (``grad_of_f_wrt_argnum_0``)."""
    namestr = "{op}_of_{fun}_wrt_argnum_{argnum}"
    docstr = ("{op} of function {fun} with respect to argument number {argnum}. "
              "Takes the same arguments as {fun} but returns the {op}.\n")

    def wrap(nary_f):
        fields = dict(op=get_name(op), fun=get_name(fun), argnum=argnum)
        functools.update_wrapper(nary_f, fun, assigned=("__module__",), updated=())
        nary_f.__name__ = namestr.format(**fields)
        nary_f.__doc__ = docstr.format(**fields)
        return nary_f

    return wrap


def unary_to_nary(unary_operator):
    """``op(fun, argnum=0, *extra, **extra_kw)(*args, **kwargs)`` from
    ``unary_operator(unary_fun, x, *extra, **extra_kw)``."""

    @functools.wraps(unary_operator)
    def nary_operator(fun, argnum=0, *nary_op_args, **nary_op_kwargs):
        @wrap_nary_f(fun, unary_operator, argnum)
        def nary_f(*args, **kwargs):
            many = not isinstance(argnum, int)

            @functools.wraps(fun)
            def unary_f(x):
                new_args = subvals(args, zip(argnum, x)) if many else subvals(args, [(argnum, x)])
                return fun(*new_args, **kwargs)

            x = tuple(args[i] for i in argnum) if many else args[argnum]
            return unary_operator(unary_f, x, *nary_op_args, **nary_op_kwargs)

        return nary_f

    return nary_operator


def wraps(fun, namestr="{fun}", docstr="{doc}", **kwargs):
    """A decorator naming and documenting a wrapper after ``fun``; ``namestr``
    and ``docstr`` are format strings over ``fun``, ``doc`` and ``kwargs``."""

    def wrap(wrapper):
        wrapper.__name__ = namestr.format(fun=get_name(fun), **kwargs)
        try:
            wrapper.__doc__ = docstr.format(fun=get_name(fun), doc=get_doc(fun), **kwargs)
        except (KeyError, IndexError, ValueError):  # braces in fun's own docstring
            wrapper.__doc__ = get_doc(fun)
        return wrapper

    return wrap
