"""Random, hostile records: the preprocessor works or refuses clearly, never NaN."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from awdids.datasets import CATEGORY_VOCABULARY, FEATURE_NAMES, NUMERIC_FEATURES
from awdids.preprocessing import N_OUTPUT_FEATURES, make_nsl_kdd_preprocessor

texts = st.one_of(
    st.sampled_from([v for vocab in CATEGORY_VOCABULARY.values() for v in vocab]),
    st.text(max_size=5),
)
HOSTILE = [np.nan, np.inf, -np.inf, "abc", "", None, 1e300]


@st.composite
def raw_frames(draw):
    """Raw records, mostly valid, sometimes with one hostile value anywhere."""
    n_rows = draw(st.integers(0, 6))
    numbers = st.floats(-1e6, 1e6) | st.integers(0, 10**9)
    columns = {
        name: draw(
            st.lists(
                texts if name in CATEGORY_VOCABULARY else numbers,
                min_size=n_rows,
                max_size=n_rows,
            )
        )
        for name in FEATURE_NAMES
    }
    frame = pd.DataFrame(columns, columns=list(FEATURE_NAMES))
    if n_rows and draw(st.booleans()):
        column = draw(st.sampled_from(FEATURE_NAMES))
        frame[column] = frame[column].astype(object)
        frame.loc[draw(st.integers(0, n_rows - 1)), column] = draw(
            st.sampled_from(HOSTILE)
        )
    return frame


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(train=raw_frames(), test=raw_frames())
def test_works_or_raises_a_clear_error(train, test):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown categories are warned about
        try:
            pre = make_nsl_kdd_preprocessor().fit(train)
            out = np.asarray(pre.transform(test), dtype=float)
        except (ValueError, TypeError) as error:
            assert str(error)
            event(f"refused: {type(error).__name__}")
            return
    event("worked")
    assert out.shape == (len(test), N_OUTPUT_FEATURES)
    assert np.isfinite(out).all()


@pytest.mark.parametrize("bad", [np.nan, np.inf, "abc"])
def test_bad_numeric_value_is_named_by_column_and_row(bad):
    row = {name: 1.0 for name in NUMERIC_FEATURES}
    row.update(protocol_type="tcp", service="http", flag="SF")
    frame = pd.DataFrame([row, row, row])
    frame["src_bytes"] = frame["src_bytes"].astype(object)
    frame.loc[2, "src_bytes"] = bad
    with pytest.raises(ValueError, match=r"column 'src_bytes' holds .* in row 2"):
        make_nsl_kdd_preprocessor().fit(frame)
    good = make_nsl_kdd_preprocessor().fit(frame.drop(index=2))
    with pytest.raises(ValueError, match=r"column 'src_bytes'"):
        good.transform(frame)
