"""Random, hostile records: the preprocessor works or refuses clearly, never NaN."""

import re
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


def _assert_names_row_column_and_value(message, train, test):
    """The refusal names a row, a column and a value that really is bad."""
    if re.match(r"Found array with 0 sample", message):
        assert len(train) == 0 or len(test) == 0, message
        return
    match = re.match(
        r"row (\d+) \(0-based\): column '(\w+)' (holds (.+)|is empty) \(", message
    )
    assert match, f"unclear refusal: {message}"
    row, column = int(match[1]), match[2]
    assert column in NUMERIC_FEATURES, message
    named = [f.iloc[row][column] for f in (train, test) if row < len(f)]
    numbers = pd.to_numeric(pd.Series(named, dtype=object), errors="coerce")
    numbers = numbers.to_numpy(dtype=float)
    # past float32's range the model (float32) would overflow: refused too
    representable = np.isfinite(numbers) & (np.abs(numbers) <= np.finfo("f4").max)
    assert not representable.all(), message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(train=raw_frames(), test=raw_frames())
def test_works_or_raises_a_clear_error(train, test):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown categories are warned about
        try:
            pre = make_nsl_kdd_preprocessor().fit(train)
            out = np.asarray(pre.transform(test), dtype=float)
        except (ValueError, TypeError) as error:
            _assert_names_row_column_and_value(str(error), train, test)
            event(f"refused: {str(error)[:30]}")
            return
    event("worked")
    assert out.shape == (len(test), N_OUTPUT_FEATURES)
    assert np.isfinite(out).all()


@pytest.mark.parametrize("bad", [np.nan, np.inf, "abc", int("1" * 310), 1e300])
def test_bad_numeric_value_is_named_by_column_and_row(bad):
    row = {name: 1.0 for name in NUMERIC_FEATURES}
    row.update(protocol_type="tcp", service="http", flag="SF")
    frame = pd.DataFrame([row, row, row])
    frame["src_bytes"] = frame["src_bytes"].astype(object)
    frame.loc[2, "src_bytes"] = bad
    with pytest.raises(
        ValueError, match=r"row 2 \(0-based\): column 'src_bytes' (holds|is empty)"
    ):
        make_nsl_kdd_preprocessor().fit(frame)
    good = make_nsl_kdd_preprocessor().fit(frame.drop(index=2))
    with pytest.raises(ValueError, match=r"column 'src_bytes'"):
        good.transform(frame)
