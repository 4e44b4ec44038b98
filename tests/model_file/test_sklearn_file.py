"""The comparison's scikit-learn models in a model file, and crafted files of each."""

import json
import warnings

import numpy as np
import pytest
import torch
from safetensors.torch import save as save_tensors
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from awdids import ModelFileError, load_model, save_model
from awdids.experiments import make_models
from awdids.experiments._models import QUICK_BUDGET
from awdids.model_file import CLASSIFIERS
from awdids.preprocessing import make_preprocessor
from tests.conftest import nsl_kdd_like

from . import crafted

#: The comparison's models whose last step is a scikit-learn classifier.
SKLEARN_MODELS = ("LinearSVC", "RBF SVM", "RandomForest", "KNN", "MLP")
SKLEARN_MODELS += ("HistGradientBoosting",)


@pytest.fixture(scope="module")
def fitted_files(tmp_path_factory):
    X, y = nsl_kdd_like()
    models = make_models(0, QUICK_BUDGET)
    folder = tmp_path_factory.mktemp("sklearn-files")
    files = {}
    for name in SKLEARN_MODELS:
        with warnings.catch_warnings():  # MLP at a tiny iteration budget
            warnings.simplefilter("ignore")
            model = models[name].fit(X, y)
        path = folder / f"{name}.awdids"
        save_model(model, path, schema="nsl-kdd")
        files[name] = (path, model)
    return files, X


@pytest.fixture(params=SKLEARN_MODELS)
def model_copy(request, fitted_files, tmp_path):
    files, X = fitted_files
    source, model = files[request.param]
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    return path, model, X


def _manifest(path):
    return json.loads(dict(crafted.read_archive(path))["manifest.json"])


def test_each_model_round_trips_with_the_same_predictions(model_copy):
    path, model, X = model_copy
    loaded = load_model(path)
    assert np.array_equal(loaded.predict(X), model.predict(X))
    for method in ("predict_proba", "decision_function"):
        if hasattr(model, method):
            assert np.allclose(getattr(loaded, method)(X), getattr(model, method)(X))
    section = _manifest(path)["classifier"]
    assert section["type"] in CLASSIFIERS
    assert section["classes"] == model.classes_.tolist()


def test_the_allowlist_names_every_comparison_classifier_exactly():
    models = make_models(0, QUICK_BUDGET).values()
    inner = [getattr(m, "estimator", m) for m in models]  # the flag's classifier
    kinds = {type(m.steps[-1][1]) for m in inner}
    names = {f"{k.__module__}.{k.__qualname__}" for k in kinds}
    sklearn_names = {n for n in names if n.startswith("sklearn.")}
    assert sklearn_names == set(CLASSIFIERS)


def test_a_classifier_outside_the_allowlist_is_refused_on_save(tmp_path):
    X, y = nsl_kdd_like()
    model = make_pipeline(make_preprocessor("nsl-kdd"), LogisticRegression())
    with pytest.raises(
        TypeError, match="HistGradientBoostingClassifier.*LogisticRegression"
    ):
        save_model(model.fit(X, y), tmp_path / "m.awdids")
    assert not (tmp_path / "m.awdids").exists()


@pytest.mark.parametrize(
    "module, name", [("builtins", "exec"), ("os", "system"), ("numpy", "load")]
)
def test_a_payload_in_place_of_the_classifier_is_refused(model_copy, module, name):
    path, _, _ = model_copy
    sentinel = path.parent / "sentinel"
    args = {
        "exec": [f"open({str(sentinel)!r}, 'w')"],
        "system": [f"touch '{sentinel}'"],
    }
    data = dict(crafted.read_archive(path))["steps.skops"]
    hostile = crafted.skops_last_step_calling(
        data, module, name, args.get(name, [str(sentinel), None, True])
    )
    crafted.replace_member(path, "steps.skops", hostile)
    with pytest.raises(ModelFileError, match=rf"{module}\.{name}"):
        load_model(path)
    assert not sentinel.exists(), "the payload ran"


def test_a_manifest_naming_another_classifier_is_refused(model_copy):
    path, model, _ = model_copy
    manifest = _manifest(path)
    others = sorted(set(CLASSIFIERS) - {manifest["classifier"]["type"]})
    manifest["classifier"]["type"] = others[0]
    crafted.replace_member(path, "manifest.json", json.dumps(manifest).encode())
    with pytest.raises(ModelFileError, match="manifest says"):
        load_model(path)


@pytest.mark.parametrize(
    "edit, match",
    [
        (
            lambda c: c.update(
                type="sklearn.linear_model._logistic.LogisticRegression"
            ),
            "outside the allowlist",
        ),
        (lambda c: c.update(classes=["a", "b"]), "classes or input width"),
        (lambda c: c.update(n_features_in=3), "classes or input width"),
        (lambda c: c.update(params={}), "no valid scikit-learn classifier section"),
    ],
)
def test_a_tampered_classifier_section_is_refused(model_copy, edit, match):
    path, _, _ = model_copy
    manifest = _manifest(path)
    edit(manifest["classifier"])
    crafted.replace_member(path, "manifest.json", json.dumps(manifest).encode())
    with pytest.raises(ModelFileError, match=match):
        load_model(path)


def test_network_weights_in_a_scikit_learn_file_are_refused(model_copy):
    path, _, _ = model_copy
    weights = save_tensors({"module.weight": torch.zeros(2, 2)})
    crafted.replace_member(path, "weights.safetensors", weights)
    with pytest.raises(ModelFileError, match="network weights"):
        load_model(path)
