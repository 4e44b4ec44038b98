"""An OpenSetClassifier around the paper's pipeline, in a model file."""

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from awdids import (
    ModelFileError,
    OpenSetClassifier,
    load_model,
    make_awdids_pipeline,
    save_model,
)
from tests.conftest import TINY_PIPELINE, nsl_kdd_like

from .crafted import read_archive, replace_member


@pytest.fixture(scope="module")
def detector_file(tmp_path_factory):
    X, y = nsl_kdd_like()
    detector = OpenSetClassifier(
        make_awdids_pipeline(random_state=0, **TINY_PIPELINE),
        novelty=["normal_proba", "knn"],
        cv=2,
        random_state=0,
    ).fit(X, y)
    path = tmp_path_factory.mktemp("open-set") / "detector.awdids"
    save_model(detector, path)
    return path, detector, X


@pytest.fixture
def detector_copy(detector_file, tmp_path):
    path = tmp_path / "detector.awdids"
    path.write_bytes(detector_file[0].read_bytes())
    return path


def _manifest(path):
    return json.loads(dict(read_archive(path))["manifest.json"])


def _tensors(path):
    return load_tensors(dict(read_archive(path))["weights.safetensors"])


def test_round_trip_keeps_predictions_flags_and_scores(detector_file):
    path, detector, X = detector_file
    loaded = load_model(path)
    assert type(loaded) is OpenSetClassifier
    shifted = X.copy()
    shifted["src_bytes"] *= 1000  # far from every normal training row
    for rows in (X, shifted):
        assert np.array_equal(loaded.predict(rows), detector.predict(rows))
        assert np.array_equal(loaded.score_samples(rows), detector.score_samples(rows))
    assert loaded.get_params(deep=False)["novelty"] == ["normal_proba", "knn"]
    assert loaded.offset_ == detector.offset_


def test_isolation_score_is_refused_on_save(tmp_path):
    X, y = nsl_kdd_like()
    detector = OpenSetClassifier(
        make_awdids_pipeline(random_state=0, **TINY_PIPELINE),
        novelty="isolation",
        cv=2,
    ).fit(X, y)
    with pytest.raises(ModelFileError, match="isolation"):
        save_model(detector, tmp_path / "m.awdids")
    assert not (tmp_path / "m.awdids").exists()


def test_a_splitter_or_generator_parameter_is_refused_on_save(detector_file, tmp_path):
    import copy

    from awdids.model_selection import NovelAttackKFold

    _, detector, _ = detector_file
    for name, value in (
        ("cv", NovelAttackKFold(2)),
        ("random_state", np.random.RandomState(0)),
    ):
        changed = copy.copy(detector).set_params(**{name: value})
        with pytest.raises(ModelFileError, match=f"stores {name} as an int"):
            save_model(changed, tmp_path / "m.awdids")


def _edit_manifest(path, edit):
    manifest = _manifest(path)
    edit(manifest)
    replace_member(path, "manifest.json", json.dumps(manifest).encode())


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda m: m["open_set"]["params"].update(estimator="x"), "parameters"),
        (lambda m: m["open_set"]["params"].update(novelty="isolation"), "scores"),
        (lambda m: m["open_set"].update(offset="0.5"), "offset"),
        (lambda m: m["open_set"].update(classes=["a", "b"]), "classes"),
        (lambda m: m.update(extra={"code": "os.system"}), "sections"),
        (lambda m: m.pop("open_set"), "without a section"),
    ],
)
def test_tampered_open_set_sections_are_refused(detector_copy, edit, match):
    _edit_manifest(detector_copy, edit)
    with pytest.raises(ModelFileError, match=match):
        load_model(detector_copy)


@pytest.mark.parametrize(
    "change, match",
    [
        ("unsorted", "sorted"),
        ("reference_shape", "knn"),
        ("extra", "unknown tensors"),
        ("missing", "missing tensors"),
        ("reference_nan", "knn reference that is not finite"),
    ],
)
def test_tampered_open_set_arrays_are_refused(detector_copy, change, match):
    tensors = dict(_tensors(detector_copy))
    calibration = "open_set.calibration.knn"
    if change == "unsorted":
        tensors[calibration] = tensors[calibration].flip(0).contiguous()
    elif change == "reference_shape":
        tensors["open_set.knn.reference"] = torch.zeros(10, 3)
    elif change == "reference_nan":
        reference = tensors["open_set.knn.reference"].clone()
        reference[0, 0] = float("nan")
        tensors["open_set.knn.reference"] = reference
    elif change == "extra":
        tensors["open_set.payload"] = torch.zeros(1)
    else:
        del tensors[calibration]
    replace_member(detector_copy, "weights.safetensors", save_tensors(tensors))
    with pytest.raises(ModelFileError, match=match):
        load_model(detector_copy)


def test_a_file_from_before_reference_size_and_n_jobs_still_loads(detector_copy):
    def drop_new_params(manifest):
        del manifest["open_set"]["params"]["reference_size"]
        del manifest["open_set"]["params"]["n_jobs"]

    _edit_manifest(detector_copy, drop_new_params)
    detector = load_model(detector_copy)
    assert detector.reference_size is None and detector.n_jobs is None


# ---- a flag calibrated on a site's capture, around a scikit-learn model -------


@pytest.fixture(scope="module")
def site_file(tmp_path_factory):
    from awdids.experiments._models import novelty_model

    X, y = nsl_kdd_like()
    detector = novelty_model(0).set_params(false_alarm_rate=0.05, cv=2).fit(X, y)
    site = nsl_kdd_like(seed=7, sizes={"normal": 100})[0]
    site["src_bytes"] *= 3  # the site's normal traffic is not the training one's
    detector.calibrate(site, trim=None)
    path = tmp_path_factory.mktemp("site") / "site.awdids"
    save_model(detector, path, schema="nsl-kdd")
    return path, detector, X


@pytest.fixture
def site_copy(site_file, tmp_path):
    path = tmp_path / "site.awdids"
    path.write_bytes(site_file[0].read_bytes())
    return path


def test_a_calibrated_flag_round_trips_with_its_capture_and_record(site_file):
    path, detector, X = site_file
    loaded = load_model(path)
    assert loaded.site_calibration_ == detector.site_calibration_
    assert np.array_equal(
        loaded.score_states_["knn"]["site"], detector.score_states_["knn"]["site"]
    )
    assert np.array_equal(loaded.score_samples(X), detector.score_samples(X))
    assert np.array_equal(loaded.predict(X), detector.predict(X))
    assert loaded.offset_ == detector.offset_


@pytest.mark.parametrize(
    "change, match",
    [
        ("missing", "missing tensors"),
        ("width", "site capture rows that do not fit"),
        ("nan", "site capture that is not finite"),
        ("dtype", "malformed site capture"),
        ("rows", "another size than its record"),
    ],
)
def test_tampered_site_arrays_are_refused(site_copy, change, match):
    tensors = dict(_tensors(site_copy))
    site = tensors["open_set.knn.site"]
    if change == "missing":
        del tensors["open_set.knn.site"]
    elif change == "width":
        tensors["open_set.knn.site"] = torch.zeros(len(site), 3)
    elif change == "nan":
        site = site.clone()
        site[0, 0] = float("inf")
        tensors["open_set.knn.site"] = site
    elif change == "dtype":
        tensors["open_set.knn.site"] = site.double()
    else:
        tensors["open_set.knn.site"] = site[:-1].contiguous()
    replace_member(site_copy, "weights.safetensors", save_tensors(tensors))
    with pytest.raises(ModelFileError, match=match):
        load_model(site_copy)


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda r: r.pop("rows"), "without exactly"),
        (lambda r: r.update(code="os.system"), "without exactly"),
        (lambda r: r.update(rows="100"), "rows is not valid"),
        (lambda r: r.update(cv=True), "cv is not valid"),
        (lambda r: r.update(rows_used=10**9), "row counts do not fit"),
    ],
)
def test_a_tampered_site_record_is_refused(site_copy, edit, match):
    def change(manifest):
        record = dict(manifest["open_set"]["site_calibration"]["dict"])
        edit(record)
        manifest["open_set"]["site_calibration"] = {
            "dict": [[k, v] for k, v in record.items()]
        }

    _edit_manifest(site_copy, change)
    with pytest.raises(ModelFileError, match=match):
        load_model(site_copy)


def test_a_site_array_without_a_record_is_refused(site_copy):
    _edit_manifest(site_copy, lambda m: m["open_set"].pop("site_calibration"))
    with pytest.raises(ModelFileError, match="unknown tensors"):
        load_model(site_copy)


def test_a_prefit_flag_round_trips(tmp_path):
    from awdids.experiments import make_models

    X, y = nsl_kdd_like()
    model = make_models(0)["HistGradientBoosting"].fit(X, y)
    detector = OpenSetClassifier(model, cv="prefit", random_state=0).fit(X, y)
    save_model(detector, tmp_path / "prefit.awdids")
    loaded = load_model(tmp_path / "prefit.awdids")
    assert loaded.cv == "prefit" and loaded.estimator is loaded.estimator_
    assert np.array_equal(loaded.score_samples(X), detector.score_samples(X))
