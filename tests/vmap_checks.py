"""Helpers shared by the tests that compare vmap with a loop over the examples."""
import warnings

import wengert


def loop(f, *stacked):
    """``f`` applied to each example of the stacked arguments, as a list."""
    return [f(*(x[i] for x in stacked)) for i in range(len(stacked[0]))]


def vmap_no_fallback(f, *args):
    """vmap(f)(*args), failing if a primitive fell back to the loop."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return wengert.vmap(f)(*args)
