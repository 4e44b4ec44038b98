"""Crafted model files: each payload would create a sentinel file if it ran."""

import contextlib
import json
import tracemalloc

import numpy as np
import pytest
import skops.io as sio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awdids import ModelFileError, load_model, make_awdids_pipeline, save_model
from awdids.cli import main
from awdids.model_file import _archive
from tests.conftest import TINY_PIPELINE, nsl_kdd_like

from . import crafted


@pytest.fixture(scope="module")
def fitted_model(tmp_path_factory):
    X, y = nsl_kdd_like()
    pipeline = make_awdids_pipeline(random_state=0, **TINY_PIPELINE).fit(X, y)
    path = tmp_path_factory.mktemp("model") / "model.awdids"
    save_model(pipeline, path)
    return path, pipeline, X


@pytest.fixture
def model_copy(fitted_model, tmp_path):
    path = tmp_path / "model.awdids"
    path.write_bytes(fitted_model[0].read_bytes())
    return path


@pytest.fixture
def sentinel(tmp_path):
    return tmp_path / "sentinel"


def _refused(path, sentinel, match):
    with pytest.raises(ModelFileError, match=match):
        load_model(path)
    assert not sentinel.exists(), "the payload ran"


# ---- the payloads are live: loaded without awdids' checks, each one runs ----


def test_skorch_state_payload_runs_when_skops_trusts_its_types(sentinel):
    data = crafted.skops_steps_with_skorch_state(sentinel)
    # skorch then fails on the object the payload returned; the payload has run
    with contextlib.suppress(Exception):
        sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    assert sentinel.exists()


@pytest.mark.parametrize(
    "module, name", [("builtins", "exec"), ("os", "system"), ("numpy", "load")]
)
def test_reduce_payloads_run_when_skops_trusts_them(module, name, sentinel, tmp_path):
    data = crafted.skops_steps_calling(
        module, name, _payload_args(name, sentinel, tmp_path)
    )
    sio.loads(data, trusted=[f"{module}.{name}"])
    assert sentinel.exists()


def _payload_args(name, sentinel, tmp_path):
    if name == "exec":
        return [f"open({str(sentinel)!r}, 'w')"]
    if name == "system":
        return [f"touch '{sentinel}'"]
    pickle_file = tmp_path / "payload.pkl"
    pickle_file.write_bytes(crafted.pickled_payload(sentinel))
    return [str(pickle_file), None, True]  # numpy.load(file, None, allow_pickle)


# ---- and awdids refuses every one of them, with no trace ---------------------


def test_skorch_state_route_is_refused(model_copy, sentinel):
    crafted.replace_member(
        model_copy, "steps.skops", crafted.skops_steps_with_skorch_state(sentinel)
    )
    _refused(model_copy, sentinel, "AWDConvLSTMClassifier .ObjectNode.")


@pytest.mark.parametrize(
    "module, name", [("builtins", "exec"), ("os", "system"), ("numpy", "load")]
)
def test_callables_in_the_steps_are_refused(
    module, name, model_copy, sentinel, tmp_path
):
    data = crafted.skops_steps_calling(
        module, name, _payload_args(name, sentinel, tmp_path)
    )
    crafted.replace_member(model_copy, "steps.skops", data)
    _refused(model_copy, sentinel, rf"{module}\.{name} \(ConstructorFromReduceNode\)")


@pytest.mark.parametrize(
    "payload", [crafted.torch_saved_payload, crafted.pickled_payload]
)
def test_pickle_in_the_weights_is_refused(payload, model_copy, sentinel):
    crafted.replace_member(model_copy, "weights.safetensors", payload(sentinel))
    _refused(model_copy, sentinel, "the weights are damaged")


def test_weights_of_the_wrong_shape_are_refused(model_copy, sentinel):
    crafted.replace_member(
        model_copy, "weights.safetensors", crafted.wrong_shape_weights(model_copy)
    )
    _refused(model_copy, sentinel, "the network needs")


def _rewrite_tensors(path, change):
    from safetensors.torch import load, save

    tensors = load(dict(crafted.read_archive(path))["weights.safetensors"])
    change(tensors)
    crafted.replace_member(path, "weights.safetensors", save(tensors))


def test_a_renamed_tensor_is_refused(model_copy, sentinel):
    def rename(tensors):
        name = next(iter(tensors))
        tensors["module.extra"] = tensors.pop(name)

    _rewrite_tensors(model_copy, rename)
    _refused(model_copy, sentinel, r"unknown tensors \['module.extra'\]")


def test_class_weights_of_the_wrong_length_are_refused(tmp_path, sentinel):
    import torch

    from awdids import AWDConvLSTMClassifier

    X = np.random.RandomState(0).rand(40, 4).astype(np.float32)
    clf = AWDConvLSTMClassifier(
        hidden_channels=2, num_layers=1, max_epochs=1, class_weight="balanced"
    ).fit(X, np.array(["a", "b"] * 20))
    path = tmp_path / "clf.awdids"
    save_model(clf, path)
    _rewrite_tensors(path, lambda t: t.update({"criterion.weight": torch.ones(3)}))
    _refused(path, sentinel, r"criterion.weight is \(3,\).*needs \(2,\)")


@pytest.mark.parametrize(
    "name", ["../manifest.json", "/etc/manifest.json", "a/../../x"]
)
def test_member_names_that_leave_the_archive_are_refused(name, model_copy, sentinel):
    members = crafted.read_archive(model_copy) + [(name, b"{}")]
    crafted.write_archive(model_copy, members)
    _refused(model_copy, sentinel, "points outside the archive")
    assert not (model_copy.parent.parent / "manifest.json").exists()


def test_an_extra_member_is_refused(model_copy, sentinel):
    crafted.write_archive(
        model_copy, crafted.read_archive(model_copy) + [("run.py", b"print(1)")]
    )
    _refused(model_copy, sentinel, r"unknown members \['run.py'\]")


def test_a_missing_member_is_refused(model_copy, sentinel):
    members = [m for m in crafted.read_archive(model_copy) if m[0] != "steps.skops"]
    crafted.write_archive(model_copy, members)
    _refused(model_copy, sentinel, r"missing members \['steps.skops'\]")


def test_a_member_that_expands_past_its_limit_is_refused(model_copy, sentinel):
    limit = _archive.MEMBER_LIMITS["manifest.json"]
    crafted.replace_member(model_copy, "manifest.json", b" " * (limit + 1))
    assert model_copy.stat().st_size < 100_000  # small on disk, large inflated
    _refused(model_copy, sentinel, "past its limit")


def _peak_bytes_of(function):
    tracemalloc.start()
    try:
        function()
    except ModelFileError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_a_bomb_declaring_its_size_is_refused_before_it_is_inflated(
    model_copy, sentinel, monkeypatch
):
    # 64 MiB of zeros deflate to 64 KiB; with the weights' limit at 16 MiB
    # the member must be refused without inflating any of it
    monkeypatch.setitem(_archive.MEMBER_LIMITS, "weights.safetensors", 16 << 20)
    crafted.replace_member(model_copy, "weights.safetensors", bytes(64 << 20))
    assert model_copy.stat().st_size < 1 << 20
    assert _peak_bytes_of(lambda: load_model(model_copy)) < 4 << 20
    _refused(model_copy, sentinel, "declares 67,108,864 bytes, past its limit")


def test_a_bomb_understating_its_size_costs_no_more_than_it_declares(
    model_copy, sentinel
):
    crafted.replace_member(model_copy, "weights.safetensors", bytes(64 << 20))
    crafted.understate_size(model_copy, "weights.safetensors", 1 << 20)
    assert _peak_bytes_of(lambda: load_model(model_copy)) < 8 << 20
    _refused(model_copy, sentinel, "truncated or damaged")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99])
def test_a_truncated_file_is_refused(keep, model_copy, sentinel):
    data = model_copy.read_bytes()
    model_copy.write_bytes(data[: int(len(data) * keep)])
    _refused(model_copy, sentinel, "truncated or damaged")


def _rewrite_manifest(path, change):
    manifest = json.loads(dict(crafted.read_archive(path))["manifest.json"])
    change(manifest)
    crafted.replace_member(path, "manifest.json", json.dumps(manifest).encode())


def test_an_unknown_format_version_is_refused(model_copy, sentinel):
    _rewrite_manifest(model_copy, lambda m: m.update(format_version=99))
    _refused(model_copy, sentinel, "format version 99 is not supported")


@pytest.mark.parametrize(
    "param, value",
    [
        ("module", "os.system"),
        ("dataset", "os.system"),
        ("no_such_parameter", 1),
    ],
)
def test_parameters_a_file_may_not_set_are_refused(param, value, model_copy, sentinel):
    _rewrite_manifest(
        model_copy, lambda m: m["classifier"]["params"].update({param: value})
    )
    _refused(model_copy, sentinel, f"parameter '{param}' is not one")


def test_a_parameter_value_that_is_not_plain_data_is_refused(model_copy, sentinel):
    _rewrite_manifest(
        model_copy,
        lambda m: m["classifier"]["params"].update(lr={"callable": "os.system"}),
    )
    _refused(model_copy, sentinel, "lr holds a value that is not plain data")


def test_predict_on_a_crafted_file_prints_one_line_and_exits_2(
    model_copy, sentinel, tmp_path, capsys
):
    crafted.replace_member(
        model_copy, "steps.skops", crafted.skops_steps_with_skorch_state(sentinel)
    )
    flows = tmp_path / "flows.csv"
    nsl_kdd_like()[0].head(5).to_csv(flows, index=False)
    assert main(["predict", str(model_copy), str(flows)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("awdids predict: error: Refusing")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not sentinel.exists()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    flips=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
        min_size=1,
        max_size=4,
    )
)
def test_flipped_bytes_give_the_clean_error_or_the_same_predictions(
    fitted_model, tmp_path, flips
):
    path, pipeline, X = fitted_model
    data = bytearray(path.read_bytes())
    for where, mask in flips:
        data[int(where * len(data))] ^= mask
    damaged = tmp_path / "damaged.awdids"
    damaged.write_bytes(bytes(data))
    try:
        restored = load_model(damaged)
    except ModelFileError:
        return
    np.testing.assert_array_equal(restored.predict_proba(X), pipeline.predict_proba(X))
