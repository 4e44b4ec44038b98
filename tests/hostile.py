"""Hypothesis strategies shared by the hostile-input tests.

Tables are mostly clean, so that the "it works" path is exercised too, with
sometimes one hostile value (NaN, infinity, a huge number, text) at a random
place, and sizes from empty to a few rows.
"""

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

HOSTILE_NUMBERS = [np.nan, np.inf, -np.inf, "max", "-max"]


@st.composite
def numeric_tables(draw, *, max_rows=12, max_features=6, labels=(0, 1, 2)):
    """(X, y) as numpy or pandas, float32/float64/int64, maybe one bad value."""
    n_rows = draw(st.integers(0, max_rows))
    n_features = draw(st.integers(1, max_features))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64]))
    if dtype is np.int64:
        elements = st.integers(-1000, 1000)
    else:
        elements = st.floats(-1e3, 1e3, width=32)
    X = draw(arrays(dtype, (n_rows, n_features), elements=elements))
    if n_rows and dtype is not np.int64 and draw(st.booleans()):
        value = draw(st.sampled_from(HOSTILE_NUMBERS))
        if isinstance(value, str):  # the largest finite value of the dtype
            value = float(np.finfo(dtype).max) * (-1 if value[0] == "-" else 1)
        X[draw(st.integers(0, n_rows - 1)), draw(st.integers(0, n_features - 1))] = (
            value
        )
    y = np.array(
        draw(st.lists(st.sampled_from(labels), min_size=n_rows, max_size=n_rows)),
        dtype=object,
    )
    if all(isinstance(label, int) for label in labels):
        y = y.astype(np.int64)
    if draw(st.booleans()):
        return pd.DataFrame(X), pd.Series(y)
    return X, y
