"""Helper shared by the tests that check the ``file:line`` an error message names."""
import inspect


def line_of(fun, text):
    """``file:line`` of the first line of ``fun``'s source containing ``text``, the file
    written as Python records it for ``fun`` (as wengert's messages name it)."""
    lines, start = inspect.getsourcelines(fun)
    for i, line in enumerate(lines):
        if text in line:
            return f"{fun.__code__.co_filename}:{start + i}"
    raise AssertionError(f"{text!r} is not in the source of {fun.__name__}")
