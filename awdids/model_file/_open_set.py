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
        if not (value is None or isinstance(value, numbers.Integral)):
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
        tensors[_REFERENCE] = torch.from_numpy(
            np.ascontiguousarray(detector.score_states_["knn"]["reference"], np.float32)
        )
    section = {
        "params": params,
        "offset": float(detector.offset_),
        "classes": encode_value(detector.classes_.tolist()),
        "calibration": encode_value(detector.calibration_),
    }
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


def _check_tensors(tensors, names, n_neighbors, n_features, path):
    expected = {_calibration_name(n) for n in names}
    if "knn" in names:
        expected.add(_REFERENCE)
    refuse_names_other_than(
        f"Refusing {path}: the open-set arrays do not match its scores",
        tensors,
        expected,
        "tensors",
    )
    for name in expected - {_REFERENCE}:
        t = tensors[name]
        if t.dtype != torch.float64 or t.ndim != 1 or len(t) < 1:
            _refuse(path, f"holds a malformed array {name}")
        if not torch.isfinite(t).all() or not bool((t[1:] >= t[:-1]).all()):
            _refuse(path, f"holds {name} that is not sorted finite numbers")
    if "knn" in names:
        ref = tensors[_REFERENCE]
        if ref.dtype != torch.float32 or ref.ndim != 2 or len(ref) < n_neighbors:
            _refuse(path, "holds a malformed knn reference array")
        if n_features is not None and ref.shape[1] != n_features:
            _refuse(path, "holds knn rows that do not fit the classifier's input")
        if not torch.isfinite(ref).all():
            _refuse(path, "holds a knn reference that is not finite numbers")


def build_open_set(section, tensors, estimator, n_features, path):
    """The fitted ``OpenSetClassifier`` around ``estimator`` from ``section``."""
    if not isinstance(section, dict):
        _refuse(path, "is not an object")
    params, names = _decode_params(section, path)
    _check_tensors(tensors, names, params["n_neighbors"], n_features, path)
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
    detector = OpenSetClassifier(clone(estimator), **params)
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
        detector.score_states_["knn"] = {
            "reference": tensors[_REFERENCE].numpy(),
            "n_neighbors": params["n_neighbors"],
        }
    for attribute in ("n_features_in_", "feature_names_in_"):
        if hasattr(estimator, attribute):
            setattr(detector, attribute, getattr(estimator, attribute))
    return detector
