"""Op specs for the decomposition area of numpy.linalg (see op_specs.py for the spec format)."""
import numpy as np  # noqa: F401

import wengert.numpy as wnp  # noqa: F401
from op_specs import ANY, NONZERO, POS, UNIT, bands, spec, well_conditioned  # noqa: F401

SPECS = []
