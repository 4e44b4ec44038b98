import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from awdids.evaluation import mode_coverage
from awdids.over_sampling import AddRows, GPGANSampler, TrainingDivergedError

TINY = dict(
    noise_dim=8,
    generator_hidden=(32,),
    critic_hidden=(32,),
    batch_size=32,
    epochs=3,
    steps_per_epoch=4,
)


def make_data(n_major=80, n_minor=20, seed=0, dtype=np.float32):
    """Columns: one-hot block 0-2, binary 3, constant-in-minority 4, continuous 5-7."""
    rng = np.random.RandomState(seed)
    n = n_major + n_minor
    X = np.zeros((n, 8))
    X[np.arange(n), rng.randint(0, 3, n)] = 1.0
    X[:, 3] = rng.randint(0, 2, n)
    X[:, 4] = np.r_[rng.rand(n_major), np.full(n_minor, 0.25)]
    X[:, 5:] = rng.exponential(size=(n, 3))
    X[rng.rand(n) < 0.5, 5] = 0.0  # a point mass, as traffic counters have
    y = np.array(["major"] * n_major + ["minor"] * n_minor)
    return X.astype(dtype), y


def fit_minor(X, y, **params):
    sampler = GPGANSampler(random_state=0, **{**TINY, **params})
    return sampler, *sampler.fit_resample(X, y)


def test_counts_order_and_dtype():
    X, y = make_data()
    sampler, X_res, y_res = fit_minor(X, y)
    assert sampler.sampling_strategy_ == {"minor": 60}
    assert X_res.shape == (160, 8) and X_res.dtype == np.float32
    np.testing.assert_array_equal(X_res[:100], X)
    np.testing.assert_array_equal(y_res[:100], y)
    assert (y_res[100:] == "minor").all()


def test_float64_in_float64_out():
    X, y = make_data(dtype=np.float64)
    _, X_res, _ = fit_minor(X, y)
    assert X_res.dtype == np.float64


def test_dict_strategy_gives_exact_counts():
    X, y = make_data()
    _, X_res, y_res = fit_minor(X, y, sampling_strategy={"minor": 55, "major": 90})
    assert (y_res == "minor").sum() == 55 and (y_res == "major").sum() == 90


def test_add_rows_recipe():
    X, y = make_data()
    sampler, _, y_res = fit_minor(X, y, sampling_strategy=AddRows(7, ["minor"]))
    assert (y_res == "minor").sum() == 27
    assert repr(sampler.sampling_strategy) == "AddRows(7, ['minor'])"


@pytest.mark.parametrize("mixed_precision", [False, True])
def test_synthetic_rows_are_valid(mixed_precision):
    X, y = make_data()
    _, X_res, _ = fit_minor(
        X, y, discrete_groups=[[0, 1, 2]], mixed_precision=mixed_precision
    )
    real, fake = X[y == "minor"], X_res[100:]
    np.testing.assert_array_equal(fake[:, :3].sum(axis=1), 1.0)
    assert set(np.unique(fake[:, :3])) <= {0.0, 1.0}
    assert set(np.unique(fake[:, 3])) <= {0.0, 1.0}
    assert (fake[:, 4] == 0.25).all()
    assert (fake >= real.min(axis=0)).all() and (fake <= real.max(axis=0)).all()
    for j in range(5, 8):  # snap=True: only values the class takes
        assert np.isin(fake[:, j], real[:, j]).all()


def test_without_snap_values_stay_in_range_but_are_new():
    X, y = make_data()
    _, X_res, _ = fit_minor(X, y, snap=False, categorical_threshold=0)
    real, fake = X[y == "minor"], X_res[100:]
    assert (fake[:, 6] >= real[:, 6].min()).all()
    assert (fake[:, 6] <= real[:, 6].max()).all()
    assert not np.isin(fake[:, 6], real[:, 6]).all()


def test_few_valued_columns_keep_their_values():
    X, y = make_data()
    X[:, 7] = np.round(X[:, 7]) * 3  # a handful of values
    _, X_res, _ = fit_minor(X, y)
    assert np.isin(X_res[100:, 7], X[y == "minor", 7]).all()


def test_pandas_in_pandas_out():
    X, y = make_data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(8)])
    sampler = GPGANSampler(random_state=0, **TINY)
    X_res, y_res = sampler.fit_resample(frame, pd.Series(y, name="label"))
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(
        frame.columns
    )
    assert isinstance(y_res, pd.Series) and y_res.name == "label"


def test_history_and_fitted_state():
    X, y = make_data()
    sampler, _, _ = fit_minor(X, y)
    history = sampler.history_["minor"]
    for key in ("critic_loss", "generator_loss", "gradient_penalty", "fit_rmse"):
        assert len(history[key]) == TINY["epochs"]
        assert np.isfinite(history[key]).all()
    assert sampler.fit_seconds_["minor"] > 0
    assert sampler.n_features_in_ == 8
    assert set(sampler.generators_) == {"minor"}


def test_vanilla_gan_has_no_gradient_penalty():
    X, y = make_data()
    sampler, _, _ = fit_minor(X, y, loss="gan")
    assert sampler.history_["minor"]["gradient_penalty"] == [0.0] * TINY["epochs"]


def test_sample_draws_more_rows():
    X, y = make_data()
    sampler, _, _ = fit_minor(X, y)
    assert sampler.sample(11, "minor").shape == (11, 8)
    assert sampler.sample(0, "minor").shape == (0, 8)
    with pytest.raises(ValueError, match="No generator for class 'major'"):
        sampler.sample(3, "major")


@pytest.mark.parametrize("n_modes", [1, 3])
def test_same_seed_same_rows_and_global_rng_untouched(n_modes):
    X, y = make_data()
    state = torch.random.get_rng_state()
    _, a, _ = fit_minor(X, y, n_modes=n_modes)
    _, b, _ = fit_minor(X, y, n_modes=n_modes)
    np.testing.assert_array_equal(a, b)
    assert torch.equal(state, torch.random.get_rng_state())
    c, _ = GPGANSampler(random_state=1, **TINY).fit_resample(X, y)
    assert not np.array_equal(a, c)


def test_mixed_precision_draws_close_rows_from_the_same_generator():
    X, y = make_data(n_major=300, n_minor=200)
    sampler, _, _ = fit_minor(X, y, discrete_groups=[[0, 1, 2]])
    twin = pickle.loads(pickle.dumps(sampler))  # same weights, same noise state
    exact = sampler.sample(5000, "minor")
    fast = twin.set_params(mixed_precision=True).sample(5000, "minor")
    assert fast.dtype == exact.dtype and fast.shape == exact.shape
    assert not np.array_equal(fast, exact)
    # Same noise through bfloat16 hidden layers: the categorical draws barely
    # change and the continuous columns keep their distribution.
    assert np.mean((fast[:, :4] == exact[:, :4]).all(axis=1)) > 0.95
    np.testing.assert_allclose(fast.mean(axis=0), exact.mean(axis=0), atol=0.01)


def _assert_pickle_keeps_weights_and_rows(sampler):
    restored = pickle.loads(pickle.dumps(sampler))
    # the same generator weights and random state: the very same next rows
    np.testing.assert_array_equal(
        restored.sample(50, "minor"), sampler.sample(50, "minor")
    )
    for a, b in zip(
        restored.generators_["minor"].parameters(),
        sampler.generators_["minor"].parameters(),
    ):
        assert torch.equal(a, b)


def test_clone_and_pickle():
    X, y = make_data()
    sampler, _, _ = fit_minor(X, y)
    assert clone(sampler).get_params() == sampler.get_params()
    _assert_pickle_keeps_weights_and_rows(sampler)


def test_sample_before_fit_resample_names_fit_resample():
    with pytest.raises(NotFittedError, match="fit_resample"):
        GPGANSampler(**TINY).sample(5, "minor")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"discrete_groups": [[0, 9]]}, r"indices \[9\] outside"),
        ({"discrete_groups": [[0, 1], [1, 2]]}, "disjoint"),
        ({"discrete_groups": [[0]]}, "at least 2"),
        ({"discrete_groups": [[3, 5]]}, "only 0 and 1"),
        ({"generator_hidden": (0,)}, "generator_hidden"),
        ({"betas": (0.5,)}, "betas"),
        ({"device": "tpu:x"}, "device"),
    ],
)
def test_bad_parameters_are_named(params, match):
    X, y = make_data()
    with pytest.raises(ValueError, match=match):
        GPGANSampler(**{**TINY, **params}).fit_resample(X, y)


@pytest.mark.parametrize(
    "params",
    [{"loss": "lsgan"}, {"n_critic": 0}, {"learning_rate": -1.0}, {"n_modes": 0}],
)
def test_invalid_parameters_are_refused_by_constraints(params):
    X, y = make_data()
    with pytest.raises(ValueError, match=list(params)[0]):
        GPGANSampler(**{**TINY, **params}).fit_resample(X, y)


def test_class_with_one_row_is_refused():
    X, y = make_data(n_minor=1)
    with pytest.raises(ValueError, match="'minor' has 1 row"):
        GPGANSampler(**TINY).fit_resample(X, y)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_are_refused(bad):
    X, y = make_data()
    X[3, 5] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        GPGANSampler(**TINY).fit_resample(X, y)


def test_sparse_input_is_refused():
    from scipy import sparse

    X, y = make_data()
    with pytest.raises(TypeError, match="[Ss]parse"):
        GPGANSampler(**TINY).fit_resample(sparse.csr_matrix(X), y)


def test_divergence_raises_with_advice():
    X, y = make_data()
    X[y == "minor", 5] = np.linspace(0, 1e30, 20)
    sampler = GPGANSampler(learning_rate=1e12, random_state=0, **TINY)
    with pytest.raises(TrainingDivergedError, match="Lower learning_rate"):
        sampler.fit_resample(X, y)


def test_device_auto_runs_and_is_kept_as_given():
    X, y = make_data()
    sampler, X_res, _ = fit_minor(X, y, device="auto")
    assert sampler.get_params()["device"] == "auto"
    device = next(sampler.generators_["minor"].parameters()).device
    assert device.type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert np.isfinite(X_res).all()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_end_to_end():
    X, y = make_data()
    sampler, X_res, y_res = fit_minor(X, y, discrete_groups=[[0, 1, 2]], device="cuda")
    assert next(sampler.generators_["minor"].parameters()).is_cuda
    assert isinstance(X_res, np.ndarray) and X_res.dtype == np.float32
    synthetic = X_res[100:]
    assert synthetic.shape == (60, 8) and np.isfinite(synthetic).all()
    np.testing.assert_array_equal(synthetic[:, :3].sum(axis=1), 1)
    assert set(np.unique(synthetic[:, 3])) <= {0.0, 1.0}
    minor = X[y == "minor"]
    assert (synthetic >= minor.min(axis=0)).all()
    assert (synthetic <= minor.max(axis=0)).all()
    _assert_pickle_keeps_weights_and_rows(sampler)


def test_monitoring_changes_neither_the_generators_nor_the_rows():
    X, y = make_data()
    watched, X_watched, _ = fit_minor(X, y, monitor=True)
    unwatched, X_unwatched, _ = fit_minor(X, y, monitor=False)
    assert len(watched.history_["minor"]["fit_rmse"]) == TINY["epochs"]
    assert "fit_rmse" not in unwatched.history_["minor"]
    for a, b in zip(
        watched.generators_["minor"].state_dict().values(),
        unwatched.generators_["minor"].state_dict().values(),
    ):
        assert torch.equal(a, b)
    np.testing.assert_array_equal(X_watched, X_unwatched)


def test_a_category_the_class_never_shows_never_appears():
    X, y = make_data(n_major=100, n_minor=60)
    minor = y == "minor"
    X[minor, :3] = 0.0
    X[minor, np.arange(minor.sum()) % 2] = 1.0  # the minor class shows 0 and 1 only
    _, X_res, y_res = fit_minor(X, y, discrete_groups=[[0, 1, 2]])
    new = X_res[len(X) :]
    assert not new[:, 2].any()
    assert set(new[:, 0] + new[:, 1]) == {1.0}
    assert new[:, 0].any() and new[:, 1].any()


def test_a_block_with_one_category_in_the_class_is_constant():
    X, y = make_data()
    X[y == "minor", :3] = [0.0, 0.0, 1.0]
    _, X_res, _ = fit_minor(X, y, discrete_groups=[[0, 1, 2]])
    np.testing.assert_array_equal(X_res[len(X) :, :3], [[0.0, 0.0, 1.0]] * 60)


def two_mode_data(n_major=400, n_big=160, n_small=40):
    """The minor class: a big mode near (0, 0) and a small one near (1, 1)."""
    rng = np.random.RandomState(0)
    major = rng.uniform(0, 1, (n_major, 2))
    big = rng.normal(0.1, 0.02, (n_big, 2))
    small = rng.normal(0.9, 0.02, (n_small, 2))
    X = np.r_[major, big, small].astype(np.float32)
    y = np.array(["major"] * n_major + ["minor"] * (n_big + n_small))
    return X, y, np.array(["big"] * n_big + ["small"] * n_small)


def test_modes_are_found_and_drawn_in_their_real_proportions():
    X, y, modes = two_mode_data()
    sampler = GPGANSampler(
        n_modes=2, random_state=0, **{**TINY, "epochs": 100, "steps_per_epoch": 10}
    )
    sampler.fit_resample(X, y)
    np.testing.assert_allclose(sorted(sampler.mode_weights_["minor"]), [0.2, 0.8])
    rows = sampler.sample(1000, "minor")
    coverage = mode_coverage(X[y == "minor"], modes, rows)
    assert coverage["modes_covered"] == 1.0
    assert coverage["mode_share_distance"] < 0.15


def test_never_more_modes_than_distinct_rows():
    X, y = make_data(n_minor=9)
    X[y == "minor"] = X[y == "minor"][[0, 1, 2] * 3]
    sampler, _, _ = fit_minor(X, y, n_modes=10)
    assert len(sampler.mode_weights_["minor"]) == 3
