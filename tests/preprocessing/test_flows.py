"""make_preprocessor on any schema: layout, fills, capped vocabularies."""

import warnings

import numpy as np
import pandas as pd
import pytest

from awdids.datasets import DatasetSchema, get_schema
from awdids.over_sampling import GPGANSampler
from awdids.preprocessing import make_preprocessor, n_output_features, one_hot_groups


def schema(**roles):
    return DatasetSchema(
        {
            "name": "toy",
            "schema": {
                "fields": [
                    {"name": "proto", "type": "string"},
                    {"name": "bytes", "type": "number"},
                    {"name": "rate", "type": "number"},
                    {"name": "attack", "type": "string"},
                ]
            },
            "awdids": {"attack": "attack", "normal": "benign", **roles},
        }
    )


def frame(**columns):
    base = {"proto": ["tcp", "udp", "tcp"], "bytes": [1.0, 2.0, 3.0], "rate": 0.5}
    return pd.DataFrame({**base, **columns})


def test_the_layout_is_one_hot_blocks_then_numbers_in_schema_order():
    fixed = schema().with_vocabulary(frame())
    pre = make_preprocessor(fixed).fit(frame())
    assert list(pre.get_feature_names_out()) == [
        "proto_tcp",
        "proto_udp",
        "bytes",
        "rate",
    ]
    assert one_hot_groups(fixed) == [[0, 1]] and n_output_features(fixed) == 4


def test_an_open_vocabulary_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match=r"with_vocabulary\(X_train\)"):
        make_preprocessor(schema())


def test_missing_and_infinite_numbers_are_refused_by_default():
    fixed = schema().with_vocabulary(frame())
    with pytest.raises(ValueError, match=r"row 1 \(0-based\): column 'bytes' is empty"):
        make_preprocessor(fixed).fit(frame(bytes=[1.0, np.nan, 3.0]))
    with pytest.raises(ValueError, match=r"row 2 \(0-based\): column 'rate' holds inf"):
        make_preprocessor(fixed).fit(frame(rate=[0.5, 0.5, np.inf]))


def test_the_schema_fills_missing_and_infinite_values_in_the_pipeline():
    fixed = schema(
        fillNumeric=0.0, fillCategorical="(none)", infinite="missing"
    ).with_vocabulary(frame(proto=["tcp", None, "tcp"]))
    assert fixed.vocabulary["proto"] == ("(none)", "tcp")
    X = frame(proto=["tcp", None, "tcp"], bytes=[4.0, np.nan, 2.0], rate=[1, np.inf, 3])
    Xt = make_preprocessor(fixed).fit_transform(X)
    np.testing.assert_allclose(Xt[:, :2], [[0, 1], [1, 0], [0, 1]])
    np.testing.assert_allclose(Xt[:, 2], [1.0, 0.0, 0.5])  # NaN -> 0, then scaled
    np.testing.assert_allclose(Xt[:, 3], [1 / 3, 0.0, 1.0])  # inf -> missing -> 0


def test_a_capped_vocabulary_keeps_the_most_frequent_and_is_silent_on_the_rest():
    X = frame(proto=["tcp", "tcp", "udp"])
    fixed = schema(maxCategories=1).with_vocabulary(X)
    assert fixed.vocabulary["proto"] == ("tcp",) and fixed.other == ("proto",)
    pre = make_preprocessor(fixed).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Xt = pre.transform(frame(proto=["icmp", "tcp", "udp"]))
    np.testing.assert_allclose(Xt[:, 0], [0, 1, 0])  # the "other" values: all zeros


def test_a_declared_vocabulary_still_warns_about_a_value_outside_it():
    pre = make_preprocessor("nsl-kdd")
    nsl = get_schema("nsl-kdd")
    row = {name: 0 for name in nsl.feature_names}
    row.update(protocol_type="tcp", service="http", flag="SF")
    pre.fit(pd.DataFrame([row]))
    with pytest.warns(UserWarning, match="unknown categories"):
        pre.transform(pd.DataFrame([{**row, "service": "quic"}]))


def test_the_gan_keeps_every_block_of_a_schema_one_hot():
    rng = np.random.RandomState(0)
    X = frame(proto=rng.choice(["tcp", "udp", "icmp"], 60), bytes=rng.rand(60), rate=1)
    fixed = schema().with_vocabulary(X)
    Xt = make_preprocessor(fixed).fit_transform(X)
    y = np.array(["benign"] * 50 + ["rare"] * 10)
    sampler = GPGANSampler(
        sampling_strategy={"rare": 30},
        discrete_groups=one_hot_groups(fixed),
        epochs=1,
        steps_per_epoch=2,
        generator_hidden=(8,),
        critic_hidden=(8,),
        noise_dim=4,
        random_state=0,
    )
    X_res, _ = sampler.fit_resample(Xt, y)
    new = X_res[len(y) :, :3]
    assert new.shape == (20, 3) and np.all(new.sum(axis=1) == 1)
