"""The model file's manifest: a versioned JSON description of the pipeline.

Parameter values are stored as plain data only: ``None``, booleans, numbers,
strings, lists, and two tagged forms, ``{"tuple": [...]}`` and
``{"dict": [[key, value], ...]}``, so that tuples and dicts with non-string
keys come back as they were. Anything else (a class, a function, an object) is
never written and never read.
"""

import json
import math
import numbers

from ._errors import ModelFileError
from ._steps import CLASSIFIERS

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "decode_value",
    "encode_value",
    "parse_manifest",
    "valid_class_labels",
]

FORMAT_NAME = "awdids-model"
#: The version this awdids writes and the only one it reads.
FORMAT_VERSION = 1
_MAX_DEPTH = 8
_SECTIONS = {
    "format",
    "format_version",
    "versions",
    "kind",
    "steps",
    "classifier",
    "open_set",
    "schema",
}


def _is_plain_scalar(value):
    if value is None or isinstance(value, (bool, str)):
        return True
    if isinstance(value, numbers.Integral):
        return True
    return isinstance(value, numbers.Real) and math.isfinite(value)


def encode_value(value, depth=0):
    """``value`` as JSON-ready plain data; ``TypeError`` if it is not plain.

    Examples
    --------
    >>> from awdids.model_file._manifest import decode_value, encode_value
    >>> encode_value((128, 64))
    {'tuple': [128, 64]}
    >>> decode_value(encode_value({0: 1.0, "u2r": 5.0}), "class_weight")
    {0: 1.0, 'u2r': 5.0}
    """
    if depth > _MAX_DEPTH:
        raise TypeError("nested too deeply")
    if _is_plain_scalar(value):
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return value
        return int(value) if isinstance(value, numbers.Integral) else float(value)
    if isinstance(value, list):
        return [encode_value(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [encode_value(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {
            "dict": [
                [encode_value(k, depth + 1), encode_value(v, depth + 1)]
                for k, v in value.items()
            ]
        }
    raise TypeError(f"{type(value).__name__} is not plain data")


def decode_value(value, name, depth=0):
    """Inverse of :func:`encode_value`; refuse anything but plain data."""
    if depth > _MAX_DEPTH:
        raise ModelFileError(f"Parameter {name} is nested too deeply.")
    if _is_plain_scalar(value):
        return value
    if isinstance(value, list):
        return [decode_value(v, name, depth + 1) for v in value]
    if isinstance(value, dict) and len(value) == 1:
        ((tag, content),) = value.items()
        if tag == "tuple" and isinstance(content, list):
            return tuple(decode_value(v, name, depth + 1) for v in content)
        if tag == "dict" and isinstance(content, list):
            pairs = [decode_value(p, name, depth + 1) for p in content]
            if all(isinstance(p, list) and len(p) == 2 for p in pairs):
                keys = [k for k, _ in pairs]
                if all(_is_plain_scalar(k) for k in keys):
                    return dict((k, v) for k, v in pairs)
    raise ModelFileError(f"Parameter {name} holds a value that is not plain data.")


def _expect(condition, path, what):
    if not condition:
        raise ModelFileError(f"Refusing {path}: its manifest {what}.")


def _is_number_list(values, length=None):
    return (
        isinstance(values, list)
        and (length is None or len(values) == length)
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in values
        )
    )


def valid_class_labels(classes):
    """Whether a model file can hold ``classes``: two or more sorted str or int.

    Examples
    --------
    >>> from awdids.model_file._manifest import valid_class_labels
    >>> valid_class_labels(["dos", "normal"]), valid_class_labels([0.0, 1.0])
    (True, False)
    """
    return (
        isinstance(classes, list)
        and len(classes) >= 2
        and (
            all(isinstance(c, str) for c in classes)
            or all(isinstance(c, int) and not isinstance(c, bool) for c in classes)
        )
        and classes == sorted(set(classes))
    )


def _check_classifier(path, clf):
    _expect(isinstance(clf, dict), path, "has no classifier section")
    _expect(isinstance(clf.get("params"), dict), path, "has no classifier parameters")
    _expect(
        valid_class_labels(clf.get("classes")),
        path,
        "lists no valid class labels (two or more, sorted, of one type)",
    )
    n = clf.get("n_features_in")
    _expect(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1,
        path,
        "gives no valid n_features_in",
    )
    shape = clf.get("input_shape")
    _expect(
        isinstance(shape, list)
        and len(shape) == 4
        and all(
            isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in shape
        )
        and math.prod(shape) == n,
        path,
        "gives an input_shape that does not hold n_features_in features",
    )
    for name in ("feature_mean", "feature_scale"):
        _expect(_is_number_list(clf.get(name), n), path, f"gives no valid {name}")
    _expect(
        all(v > 0 for v in clf["feature_scale"]),
        path,
        "gives a feature_scale that is not positive (inputs are divided by it)",
    )
    names = clf.get("feature_names_in")
    _expect(
        names is None
        or (
            isinstance(names, list)
            and len(names) == n
            and all(isinstance(s, str) for s in names)
        ),
        path,
        "gives invalid feature names",
    )


def _check_sklearn_classifier(path, clf):
    _expect(
        isinstance(clf, dict) and set(clf) == {"type", "classes", "n_features_in"},
        path,
        "has no valid scikit-learn classifier section",
    )
    _expect(
        clf["type"] in CLASSIFIERS, path, "names a classifier outside the allowlist"
    )
    _expect(
        valid_class_labels(clf["classes"]),
        path,
        "lists no valid class labels (two or more, sorted, of one type)",
    )
    n = clf["n_features_in"]
    _expect(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1,
        path,
        "gives no valid n_features_in",
    )


def parse_manifest(data, path):
    """The manifest dict from its bytes, checked field by field, or refuse it."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ModelFileError(f"{path}: the manifest is not JSON ({error}).") from None
    _expect(isinstance(manifest, dict), path, "is not a JSON object")
    _expect(
        manifest.get("format") == FORMAT_NAME,
        path,
        f"does not name the format {FORMAT_NAME!r}",
    )
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"Refusing {path}: model file format version {version!r} is not "
            f"supported (this awdids reads version {FORMAT_VERSION})."
        )
    _expect(
        manifest.get("kind") in ("pipeline", "classifier", "sklearn"),
        path,
        "has no valid kind",
    )
    steps = manifest.get("steps")
    _expect(
        isinstance(steps, list) and all(isinstance(s, str) for s in steps),
        path,
        "lists no valid step names",
    )
    if manifest["kind"] == "sklearn":
        _check_sklearn_classifier(path, manifest.get("classifier"))
    else:
        _check_classifier(path, manifest.get("classifier"))
    _expect(
        set(manifest) <= _SECTIONS,
        path,
        f"has sections outside {sorted(_SECTIONS)}",
    )
    if "schema" in manifest:
        manifest["schema"] = _parse_schema(manifest["schema"], path)
    return manifest


def _parse_schema(descriptor, path):
    """The dataset schema the model was trained on, checked key by key."""
    from ..datasets import DatasetSchema

    try:
        return DatasetSchema(descriptor)
    except (ValueError, TypeError) as error:
        raise ModelFileError(f"Refusing {path}: its dataset schema: {error}") from None
