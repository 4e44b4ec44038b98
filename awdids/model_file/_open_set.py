"""An :class:`~awdids.novelty.OpenSetClassifier` in a model file, as data.

The wrapper's parameters and fitted scalars go into the manifest's
``open_set`` section; its arrays (the held-out normal scores each novelty
score is ranked against, and the normal rows of the ``"knn"`` score) go into
the weights member under ``open_set.``. Loading checks every field and every
array's shape and dtype against what the parameters describe, then builds the
wrapper around the pipeline the rest of the file holds. The ``"isolation"``
score keeps a forest, which is not stored: such a wrapper is refused on save.
"""

import math
import numbers

import numpy as np
import torch
from sklearn.base import clone

from ..novelty import OpenSetClassifier
from ..novelty._open_set import _score_names
from ..novelty._scores import knn_state
from ._errors import ModelFileError, refuse_names_other_than
from ._manifest import decode_value, encode_value

__all__ = ["PREFIX", "build_open_set", "open_set_section"]

PREFIX = "open_set."
_STORABLE = ("normal_proba", "max_proba", "energy", "knn")
_PARAMS = (
    "novelty",
    "false_alarm_rate",
    "policy",
    "unknown_label",
    "normal_label",
    "cv",
    "n_neighbors",
    "reference_size",
    "n_jobs",
    "random_state",
    "verbose",
)
#: Parameters newer than format version 1's first files, with the value a file
#: that lacks them was fitted with.
_ADDED_LATER = {"reference_size": None, "n_jobs": None}


def _calibration_name(score):
    return f"{PREFIX}calibration.{score}"


_REFERENCE = f"{PREFIX}knn.reference"
#: The rows of a site's capture (``OpenSetClassifier.calibrate``), kept apart
#: from the training reference so that a new capture replaces them.
_SITE = f"{PREFIX}knn.site"
#: ``site_calibration_``'s fields and the type of each.
_SITE_RECORD = {
    "rows": int,
    "rows_used": int,
    "trim": (str, type(None)),
    "cv": int,
    "false_alarm_rate": float,
    "held_out_false_alarm_rate": float,
    "fold_false_alarm_rate": list,
    "flagged_before": float,
}


def open_set_section(detector):
    """The manifest section and tensors of a fitted ``OpenSetClassifier``."""
    names = _score_names(detector.novelty)
    unstorable = [n for n in names if n not in _STORABLE]
    if unstorable:
        raise ModelFileError(
            f"save_model stores the novelty scores {list(_STORABLE)}; "
            f"novelty={detector.novelty!r} keeps a fitted forest for "
            f"{unstorable}, which a model file does not hold."
        )
    for name in ("cv", "random_state"):
        value = getattr(detector, name)
        plain = value is None or isinstance(value, numbers.Integral)
        if not (plain or (name == "cv" and value == "prefit")):
            raise ModelFileError(
                f"save_model stores {name} as an int or None, not {value!r}; "
                f"set_params({name}=...) with one before saving (the fitted "
                "threshold does not change)."
            )
    params = {name: encode_value(getattr(detector, name)) for name in _PARAMS}
    tensors = {
        _calibration_name(name): torch.from_numpy(
            np.ascontiguousarray(detector.calibration_scores_[name], dtype=np.float64)
        )
        for name in names
    }
    if "knn" in names:
        state = detector.score_states_["knn"]
        tensors[_REFERENCE] = torch.from_numpy(
            np.ascontiguousarray(state["reference"], np.float32)
        )
        if "site" in state:
            tensors[_SITE] = torch.from_numpy(
                np.ascontiguousarray(state["site"], np.float32)
            )
    section = {
        "params": params,
        "offset": float(detector.offset_),
        "classes": encode_value(detector.classes_.tolist()),
        "calibration": encode_value(detector.calibration_),
    }
    if hasattr(detector, "site_calibration_"):
        section["site_calibration"] = encode_value(detector.site_calibration_)
    return section, tensors


def _refuse(path, what):
    raise ModelFileError(f"Refusing {path}: its open-set section {what}.")


def _decode_params(section, path):
    raw = section.get("params")
    required = set(_PARAMS) - set(_ADDED_LATER)
    if not isinstance(raw, dict) or not required <= set(raw) <= set(_PARAMS):
        _refuse(path, f"must give exactly the parameters {list(_PARAMS)}")
    params = {**_ADDED_LATER, **raw}
    params = {name: decode_value(value, name) for name, value in params.items()}
    try:
        names = _score_names(params["novelty"])
    except (TypeError, ValueError):
        _refuse(path, f"names unknown novelty scores {params['novelty']!r}")
    if any(n not in _STORABLE for n in names):
        _refuse(path, f"names scores a model file does not hold: {names}")
    return params, names


def _check_tensors(tensors, names, n_neighbors, n_features, path, site_rows):
    expected = {_calibration_name(n) for n in names}
    if "knn" in names:
        expected.add(_REFERENCE)
        if site_rows is not None:
            expected.add(_SITE)
    refuse_names_other_than(
        f"Refusing {path}: the open-set arrays do not match its scores",
        tensors,
        expected,
        "tensors",
    )
    for name in expected - {_REFERENCE, _SITE}:
        t = tensors[name]
        if t.dtype != torch.float64 or t.ndim != 1 or len(t) < 1:
            _refuse(path, f"holds a malformed array {name}")
        if not torch.isfinite(t).all() or not bool((t[1:] >= t[:-1]).all()):
            _refuse(path, f"holds {name} that is not sorted finite numbers")
    if "knn" in names:
        _check_rows(tensors[_REFERENCE], n_features, path, "knn reference")
        if len(tensors[_REFERENCE]) < n_neighbors:
            _refuse(path, "holds a knn reference with fewer rows than n_neighbors")
        if site_rows is not None:
            _check_rows(tensors[_SITE], n_features, path, "site capture")
            if len(tensors[_SITE]) != site_rows:
                _refuse(path, "holds a site capture of another size than its record")


def _check_rows(rows, n_features, path, what):
    """A 2-D float32 array of finite rows as wide as the classifier's input."""
    if rows.dtype != torch.float32 or rows.ndim != 2:
        _refuse(path, f"holds a malformed {what} array")
    if n_features is not None and rows.shape[1] != n_features:
        _refuse(path, f"holds {what} rows that do not fit the classifier's input")
    if not torch.isfinite(rows).all():
        _refuse(path, f"holds a {what} that is not finite numbers")


def _site_record(section, path):
    """``site_calibration_`` from the section (None if it has none), checked."""
    if "site_calibration" not in section:
        return None
    record = decode_value(section["site_calibration"], "site_calibration")
    if not isinstance(record, dict) or set(record) != set(_SITE_RECORD):
        _refuse(path, f"gives a site record without exactly {list(_SITE_RECORD)}")
    for name, kind in _SITE_RECORD.items():
        value = record[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            _refuse(path, f"gives a site record whose {name} is not valid")
    if not 1 <= record["rows_used"] <= record["rows"]:
        _refuse(path, "gives a site record whose row counts do not fit")
    return record


def build_open_set(section, tensors, estimator, n_features, path):
    """The fitted ``OpenSetClassifier`` around ``estimator`` from ``section``."""
    if not isinstance(section, dict):
        _refuse(path, "is not an object")
    params, names = _decode_params(section, path)
    site = _site_record(section, path)
    site_rows = None if site is None else site["rows_used"]
    _check_tensors(tensors, names, params["n_neighbors"], n_features, path, site_rows)
    offset = section.get("offset")
    if not isinstance(offset, float) or not math.isfinite(offset):
        _refuse(path, "gives no valid offset")
    inner_classes = list(estimator.classes_)
    classes = decode_value(section.get("classes"), "classes")
    expected = inner_classes + (
        [params["unknown_label"]] if params["policy"] == "unknown" else []
    )
    if classes != expected or params["normal_label"] not in inner_classes:
        _refuse(path, "lists classes that do not fit the classifier's")
    prefit = params["cv"] == "prefit"  # the wrapper holds the fitted model
    detector = OpenSetClassifier(estimator if prefit else clone(estimator), **params)
    try:
        detector._validate_params()
    except ValueError as error:
        _refuse(path, f"gives parameters OpenSetClassifier refuses: {error}")
    detector.estimator_ = estimator
    detector.offset_ = offset
    detector.classes_ = np.asarray(classes)
    detector.calibration_ = decode_value(section.get("calibration"), "calibration")
    detector.calibration_scores_ = {
        n: tensors[_calibration_name(n)].numpy() for n in names
    }
    detector.score_states_ = {n: {} for n in names}
    if "normal_proba" in names:
        detector.score_states_["normal_proba"] = {
            "column": inner_classes.index(params["normal_label"])
        }
    if "knn" in names:
        detector.score_states_["knn"] = knn_state(
            tensors[_REFERENCE].numpy(), params["n_neighbors"]
        )
        if site is not None:
            detector.score_states_["knn"]["site"] = tensors[_SITE].numpy()
    if site is not None:
        detector.site_calibration_ = site
    for attribute in ("n_features_in_", "feature_names_in_"):
        if hasattr(estimator, attribute):
            setattr(detector, attribute, getattr(estimator, attribute))
    return detector
