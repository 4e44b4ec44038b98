import json
import zipfile

import numpy as np
import pytest
import torch
from imblearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from awdids import (
    AWDConvLSTMClassifier,
    ModelFileError,
    load_model,
    make_awdids_pipeline,
    save_model,
)
from awdids.model_file import ALLOWED_NODES, FORMAT_VERSION

TINY_CLF = dict(
    hidden_channels=2, num_layers=1, head_hidden=(4, 4), max_epochs=2, random_state=0
)


@pytest.fixture
def fitted(tiny_pipeline_params, nsl_kdd_like_data):
    X, y = nsl_kdd_like_data
    return make_awdids_pipeline(random_state=0, **tiny_pipeline_params).fit(X, y), X


def test_round_trip_keeps_predictions_and_parameters(fitted, tmp_path):
    pipeline, X = fitted
    path = tmp_path / "model.awdids"
    save_model(pipeline, path)
    restored = load_model(path)
    np.testing.assert_array_equal(restored.predict_proba(X), pipeline.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), pipeline.predict(X))
    assert [name for name, _ in restored.steps] == [n for n, _ in pipeline.steps]
    assert restored.named_steps["oversample"] == "passthrough"
    assert restored[-1].get_params(deep=False) == pipeline[-1].get_params(deep=False)
    assert [p for p in tmp_path.iterdir()] == [path]  # no temporary file left


def test_the_archive_holds_data_only(fitted, tmp_path):
    pipeline, _ = fitted
    path = tmp_path / "model.awdids"
    save_model(pipeline, path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            "manifest.json",
            "steps.skops",
            "weights.safetensors",
        ]
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["steps"] == ["preprocess", "oversample", "pca", "clf"]
    assert manifest["classifier"]["classes"] == ["dos", "normal", "probe", "r2l", "u2r"]
    assert manifest["versions"]["torch"] == torch.__version__


def test_a_classifier_alone_round_trips(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.rand(60, 4).astype(np.float32)
    y = np.array([3, 7] * 30)
    clf = AWDConvLSTMClassifier(class_weight="balanced", **TINY_CLF).fit(X, y)
    save_model(clf, tmp_path / "clf.awdids")
    restored = load_model(tmp_path / "clf.awdids")
    assert isinstance(restored, AWDConvLSTMClassifier)
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    assert restored.predict(X).dtype.kind == "i"
    torch.testing.assert_close(restored.criterion_.weight, clf.criterion_.weight)


def test_skorch_parameters_round_trip(tmp_path):
    X = np.random.RandomState(0).rand(60, 4).astype(np.float32)
    y = np.array(["a", "b"] * 30)
    clf = AWDConvLSTMClassifier(
        **TINY_CLF,
        callbacks__early_stopping__patience=7,
        optimizer__weight_decay=1e-4,
        iterator_valid__batch_size=16,
    ).fit(X, y)
    save_model(clf, tmp_path / "clf.awdids")
    restored = load_model(tmp_path / "clf.awdids")
    assert restored.get_params(deep=False) == clf.get_params(deep=False)
    assert dict(restored.callbacks_)["early_stopping"].patience == 7


def test_a_loaded_classifier_trains_further(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.rand(60, 4).astype(np.float32)
    y = np.array(["a", "b"] * 30)
    clf = AWDConvLSTMClassifier(**TINY_CLF).fit(X, y)
    save_model(clf, tmp_path / "clf.awdids")
    restored = load_model(tmp_path / "clf.awdids").partial_fit(X, y)
    assert len(restored.history) == 2  # the loaded file keeps no history


def test_a_pipeline_of_plain_scikit_learn_steps_round_trips(tmp_path):
    X = np.random.RandomState(0).rand(40, 4)
    y = np.array(["normal", "dos"] * 20)
    pipe = make_pipeline(StandardScaler(), AWDConvLSTMClassifier(**TINY_CLF)).fit(X, y)
    save_model(pipe, tmp_path / "m.awdids")
    np.testing.assert_array_equal(
        load_model(tmp_path / "m.awdids").predict_proba(X), pipe.predict_proba(X)
    )


def test_saving_a_step_outside_the_allowlist_is_refused(tmp_path):
    X = np.random.RandomState(0).rand(40, 4)
    y = np.array(["normal", "dos"] * 20)
    pipe = make_pipeline(
        FunctionTransformer(np.log1p), AWDConvLSTMClassifier(**TINY_CLF)
    ).fit(X, y)
    with pytest.raises(ModelFileError, match="FunctionTransformer"):
        save_model(pipe, tmp_path / "m.awdids")
    assert not (tmp_path / "m.awdids").exists()


def test_saving_a_parameter_that_is_code_is_refused(tmp_path):
    X = np.random.RandomState(0).rand(40, 4)
    y = np.array(["normal", "dos"] * 20)
    clf = AWDConvLSTMClassifier(criterion=torch.nn.NLLLoss, **TINY_CLF).fit(X, y)
    with pytest.raises(ModelFileError, match="criterion=.*not plain data"):
        save_model(clf, tmp_path / "m.awdids")


def test_saving_something_else_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match="got StandardScaler"):
        save_model(StandardScaler(), tmp_path / "m.awdids")


def test_the_paper_pipeline_needs_only_listed_types(fitted):
    from awdids.model_file._steps import _schema, dump_steps, node_types

    pipeline, _ = fitted
    written = node_types(_schema(dump_steps([pipeline.steps[0], pipeline.steps[2]])))
    assert written <= ALLOWED_NODES
    assert ("sklearn.decomposition._pca.PCA", "ObjectNode") in written


def test_other_files_are_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(ModelFileError, match="not an awdids model file"):
        load_model(path)


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.awdids")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_a_cpu_file_loads_on_cuda(fitted, tmp_path):
    pipeline, X = fitted
    save_model(pipeline, tmp_path / "m.awdids")
    restored = load_model(tmp_path / "m.awdids", device="cuda")
    np.testing.assert_allclose(
        restored.predict_proba(X), pipeline.predict_proba(X), atol=1e-5
    )
    assert restored[-1].get_params()["device"] == "cuda"


@pytest.mark.parametrize("labels", [[0.0, 1.0], [False, True]])
def test_labels_a_file_cannot_hold_are_refused_on_save_not_on_load(labels, tmp_path):
    X = np.random.RandomState(0).rand(40, 4).astype(np.float32)
    y = np.array(labels * 20)
    clf = AWDConvLSTMClassifier(**TINY_CLF).fit(X, y)
    path = tmp_path / "m.awdids"
    with pytest.raises(ModelFileError, match="str or int class labels"):
        save_model(clf, path)
    assert not path.exists()
    save_model(AWDConvLSTMClassifier(**TINY_CLF).fit(X, y.astype(int)), path)
    assert load_model(path).classes_.tolist() == [0, 1]


def test_a_missing_device_is_named_before_the_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    path = tmp_path / "not-even-read.awdids"
    with pytest.raises(ValueError, match="device='cuda' but CUDA is not available"):
        load_model(path, device="cuda")


def test_a_non_positive_feature_scale_is_refused(tmp_path):
    X = np.random.RandomState(0).rand(40, 4).astype(np.float32)
    clf = AWDConvLSTMClassifier(**TINY_CLF).fit(X, np.array(["a", "b"] * 20))
    path = tmp_path / "m.awdids"
    save_model(clf, path)
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["classifier"]["feature_scale"][0] = 0.0
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ModelFileError, match="feature_scale that is not positive"):
        load_model(path)


def test_the_schema_travels_with_the_model_and_a_huge_one_is_refused(tmp_path):
    import numpy as np

    from awdids import AWDConvLSTMClassifier, load_model, save_model
    from awdids.datasets import DatasetSchema, get_schema
    from awdids.model_file import ModelFileError

    X = np.random.RandomState(0).rand(40, 4).astype(np.float32)
    y = np.array(["normal", "dos"] * 20)
    clf = AWDConvLSTMClassifier(
        hidden_channels=2, num_layers=1, max_epochs=1, random_state=0
    ).fit(X, y)
    path = tmp_path / "model.awdids"
    save_model(clf, path, schema="unsw-nb15")
    _, schema = load_model(path, return_schema=True)
    assert schema == get_schema("unsw-nb15")
    save_model(clf, path)
    assert load_model(path, return_schema=True)[1] is None
    descriptor = get_schema("unsw-nb15").to_dict()
    proto = descriptor["schema"]["fields"][2]
    proto["constraints"] = {"enum": [f"p{i:06d}" for i in range(200_000)]}
    huge = tmp_path / "huge.awdids"
    with pytest.raises(ModelFileError, match="manifest.json would be"):
        save_model(clf, huge, schema=DatasetSchema(descriptor))
    assert not huge.exists()


@pytest.mark.parametrize(
    "section, match",
    [
        ({"awdids": {}}, r"its dataset schema: .*no 'schema'"),
        ("nsl-kdd", r"its dataset schema: schema: expected a JSON object"),
    ],
)
def test_a_crafted_schema_section_is_refused(tmp_path, section, match):
    from awdids import AWDConvLSTMClassifier, load_model, save_model
    from awdids.model_file import ModelFileError

    from .crafted import read_archive, replace_member

    X = np.random.RandomState(0).rand(40, 4).astype(np.float32)
    clf = AWDConvLSTMClassifier(
        hidden_channels=2, num_layers=1, max_epochs=1, random_state=0
    ).fit(X, np.array(["normal", "dos"] * 20))
    path = tmp_path / "model.awdids"
    save_model(clf, path, schema="nsl-kdd")
    manifest = json.loads(dict(read_archive(path))["manifest.json"])
    manifest["schema"] = section
    replace_member(path, "manifest.json", json.dumps(manifest).encode())
    with pytest.raises(ModelFileError, match=match):
        load_model(path)
