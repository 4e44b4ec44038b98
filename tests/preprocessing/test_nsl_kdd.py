import numpy as np
import pandas as pd
import pytest

from awdids.datasets import CATEGORY_VOCABULARY, FEATURE_NAMES, NUMERIC_FEATURES
from awdids.preprocessing import (
    N_OUTPUT_FEATURES,
    make_nsl_kdd_preprocessor,
    nsl_kdd_one_hot_groups,
)


def make_records(n=20, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        rng.integers(0, 100, size=(n, len(FEATURE_NAMES))).astype(float),
        columns=list(FEATURE_NAMES),
    )
    for column, vocabulary in CATEGORY_VOCABULARY.items():
        frame[column] = rng.choice(vocabulary[:3], size=n)
    return frame


def test_output_has_122_dense_float_columns():
    Xt = make_nsl_kdd_preprocessor().fit_transform(make_records())
    assert N_OUTPUT_FEATURES == 122
    assert isinstance(Xt, np.ndarray) and Xt.shape == (20, 122)
    assert Xt.dtype == np.float64


def test_feature_names_in_documented_order():
    names = make_nsl_kdd_preprocessor().fit(make_records()).get_feature_names_out()
    expected = [f"protocol_type_{v}" for v in CATEGORY_VOCABULARY["protocol_type"]]
    expected += [f"service_{v}" for v in CATEGORY_VOCABULARY["service"]]
    expected += [f"flag_{v}" for v in CATEGORY_VOCABULARY["flag"]]
    expected += list(NUMERIC_FEATURES)
    assert list(names) == expected


def test_layout_does_not_depend_on_the_data():
    a = make_nsl_kdd_preprocessor().fit(make_records(seed=1)).get_feature_names_out()
    b = make_nsl_kdd_preprocessor().fit(make_records(5, seed=2)).get_feature_names_out()
    assert list(a) == list(b)


def test_one_hot_groups_match_the_feature_names():
    names = make_nsl_kdd_preprocessor().fit(make_records()).get_feature_names_out()
    groups = nsl_kdd_one_hot_groups()
    for group, column in zip(groups, ("protocol_type", "service", "flag")):
        assert all(names[i].startswith(column + "_") for i in group)
    flat = [i for g in groups for i in g]
    assert flat == list(range(84))


def test_each_one_hot_block_has_exactly_one_one():
    Xt = make_nsl_kdd_preprocessor().fit_transform(make_records())
    for group in nsl_kdd_one_hot_groups():
        np.testing.assert_array_equal(Xt[:, group].sum(axis=1), 1.0)


def test_numeric_columns_are_min_max_scaled():
    records = make_records()
    Xt = make_nsl_kdd_preprocessor().fit_transform(records)
    numeric = Xt[:, 84:]
    assert numeric.min() == 0.0 and numeric.max() == pytest.approx(1.0)
    col = records["duration"]
    expected = (col - col.min()) / (col.max() - col.min())
    np.testing.assert_allclose(numeric[:, 0], expected)


def test_out_of_range_values_kept_or_clipped():
    train, test = make_records(), make_records()
    test["duration"] = 1000.0
    assert make_nsl_kdd_preprocessor().fit(train).transform(test)[:, 84].max() > 1
    clipped = make_nsl_kdd_preprocessor(clip=True).fit(train).transform(test)
    assert clipped[:, 84].max() == 1.0


def test_unseen_category_encodes_as_zeros_with_a_warning():
    pre = make_nsl_kdd_preprocessor().fit(make_records())
    test = make_records(3)
    test.loc[0, "service"] = "quantum_rpc"
    with pytest.warns(UserWarning, match="unknown categories"):
        Xt = pre.transform(test)
    service = nsl_kdd_one_hot_groups()[1]
    assert Xt[0, service].sum() == 0
    assert Xt[1, service].sum() == 1


def test_pandas_output():
    pre = make_nsl_kdd_preprocessor().set_output(transform="pandas")
    Xt = pre.fit_transform(make_records())
    assert isinstance(Xt, pd.DataFrame)
    assert Xt.columns[0] == "protocol_type_icmp" and Xt.columns[-1] == (
        "dst_host_srv_rerror_rate"
    )


def test_extra_columns_are_dropped():
    records = make_records()
    records["attack"] = "normal"
    assert make_nsl_kdd_preprocessor().fit_transform(records).shape[1] == 122
