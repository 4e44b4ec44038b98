"""save_model and load_model: a fitted pipeline as data, never as pickled code."""

import json

import numpy as np
import torch
from imblearn.pipeline import Pipeline as ImbPipeline
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._device import resolve_device
from .._environment import library_versions
from .._io import atomic_path
from ..classification import AWDConvLSTMClassifier
from ..datasets import get_schema
from ..novelty import OpenSetClassifier
from ._archive import check_member_sizes, read_members, write_members
from ._errors import ModelFileError, refuse_names_other_than, refuse_on_failure
from ._manifest import (
    FORMAT_NAME,
    FORMAT_VERSION,
    decode_value,
    encode_value,
    parse_manifest,
    valid_class_labels,
)
from ._open_set import PREFIX as _OPEN_SET
from ._open_set import build_open_set, open_set_section
from ._steps import CLASSIFIERS, dump_steps, load_steps, qualified_name

__all__ = ["save_model", "load_model"]

# Tensor names in the weights member: the network's, and the loss's class weights.
_MODULE, _LOSS_WEIGHT = "module.", "criterion.weight"
# Parameters whose prefix skorch passes on to a part it builds. Their values
# are plain data, which names no code.
_FORWARDED_PREFIXES = (
    "optimizer__",
    "criterion__",
    "module__",
    "iterator_train__",
    "iterator_valid__",
    "callbacks__",
)


def _default_params():
    return AWDConvLSTMClassifier().get_params(deep=False)


def _is_default(value, default):
    if value is default:
        return True
    try:
        return bool(value == default)
    except Exception:  # noqa: BLE001 - incomparable values differ
        return False


def _plain_params(clf):
    """The classifier's parameters as plain data, or refuse the ones that are not."""
    defaults = _default_params()
    params = {}
    for name, value in clf.get_params(deep=False).items():
        if name.startswith("_"):
            continue  # skorch's bookkeeping (_params_to_validate), rebuilt on init
        try:
            params[name] = encode_value(value)
        except TypeError:
            if name in defaults and _is_default(value, defaults[name]):
                continue  # a class or object left at its default is rebuilt as is
            raise ModelFileError(
                f"save_model stores parameters as plain data; {name}={value!r} is "
                "not plain data and not the default, so it could not be loaded "
                "again without running code."
            ) from None
    return params


def _split_pipeline(estimator):
    """``(kind, step names, last step, steps to store)`` of a fitted estimator.

    ``"classifier"`` and ``"pipeline"`` end in awdids' network, whose weights
    are stored as tensors; ``"sklearn"`` ends in one of :data:`CLASSIFIERS`,
    stored with the other steps. Samplers act only in ``fit`` and are left out.
    """
    if type(estimator) is AWDConvLSTMClassifier:
        return "classifier", [], estimator, []
    if isinstance(estimator, Pipeline) and estimator.steps:
        *steps, (clf_name, clf) = estimator.steps
        names = [name for name, _ in estimator.steps]
        kept = [
            (name, step)
            for name, step in steps
            if step not in (None, "passthrough") and not hasattr(step, "fit_resample")
        ]
        if type(clf) is AWDConvLSTMClassifier:
            return "pipeline", names, clf, kept
        if qualified_name(type(clf)) in CLASSIFIERS:
            return "sklearn", names, clf, [*kept, (clf_name, clf)]
    raise TypeError(
        "save_model takes a fitted AWDConvLSTMClassifier or a Pipeline ending in "
        "one or in a scikit-learn classifier of the comparison "
        f"({', '.join(sorted(n.rsplit('.', 1)[1] for n in CLASSIFIERS))}), "
        f"got {type(estimator).__name__}"
        + (
            f" ending in {type(clf).__name__}"
            if isinstance(estimator, Pipeline) and estimator.steps
            else ""
        )
        + "."
    )


def _refuse_unstorable_classes(classes):
    if not valid_class_labels(classes):
        raise ModelFileError(
            "save_model stores str or int class labels; the classifier was fitted "
            f"on {classes[:10]!r}. Fit it on str or int labels "
            "(y.astype(int) or y.astype(str)) to save it."
        )


def _network_members(clf):
    """The manifest's classifier section and the tensors of awdids' network."""
    fitted, loss_weight = clf._fitted_state()
    _refuse_unstorable_classes(fitted["classes"])
    tensors = {
        f"{_MODULE}{name}": tensor.detach().cpu().contiguous()
        for name, tensor in clf.module_.state_dict().items()
    }
    if loss_weight is not None:
        tensors[_LOSS_WEIGHT] = loss_weight.detach().cpu()
    return {"params": _plain_params(clf), **fitted}, tensors


def _sklearn_section(clf):
    """The manifest's classifier section of a scikit-learn classifier."""
    check_is_fitted(clf)
    classes = np.asarray(clf.classes_).tolist()
    _refuse_unstorable_classes(classes)
    return {
        "type": qualified_name(type(clf)),
        "classes": classes,
        "n_features_in": int(clf.n_features_in_),
    }


def save_model(estimator, path, *, schema=None):
    """Write a fitted awdids pipeline or classifier to ``path`` as data.

    The file is a zip archive of three members: ``manifest.json`` (format
    version, library versions, step names, the classifier's parameters, its
    classes, input shape and scaling statistics), ``weights.safetensors`` (the
    network's tensors, in a format that holds numbers only) and
    ``steps.skops`` (the transformer steps, and a scikit-learn classifier,
    whose types must be in :data:`awdids.model_file.ALLOWED_NODES`).
    Over-sampling steps, used only in ``fit``, are stored as
    ``"passthrough"``. The file is written whole or not at all.

    Parameters
    ----------
    estimator : Pipeline, AWDConvLSTMClassifier or OpenSetClassifier
        Fitted; a scikit-learn or imbalanced-learn pipeline must end in an
        :class:`~awdids.AWDConvLSTMClassifier` or in one of the comparison's
        scikit-learn classifiers (``awdids.model_file.CLASSIFIERS``:
        ``LinearSVC``, ``SVC``, ``RandomForestClassifier``,
        ``KNeighborsClassifier``, ``HistGradientBoostingClassifier``,
        ``MLPClassifier``), which is stored with the other steps under the
        same exact allowlist. An :class:`~awdids.OpenSetClassifier` must wrap
        one of those; its parameters and fitted arrays go into the manifest
        and the weights member (novelty scores other than ``"isolation"``).
    path : str or path-like
        File to write; replaced whole if it exists.
    schema : str, path-like or DatasetSchema, default=None
        The layout of the records the model was trained on
        (:func:`~awdids.datasets.get_schema`), stored as data so that
        ``awdids predict`` reads the right columns. None stores none: such a
        file is read as NSL-KDD's by the command line.

    Raises
    ------
    TypeError
        ``estimator`` is neither of the above.
    ModelFileError
        The classes are not str or int labels (floats or bools cannot be
        loaded back as they were), a classifier parameter is not plain data
        (a custom ``module``,
        ``callbacks`` or ``train_split`` object), or a transformer step has a
        type outside the allowlist: such a file could not be loaded safely.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from awdids import AWDConvLSTMClassifier, load_model, save_model
    >>> X = np.random.RandomState(0).rand(40, 4).astype(np.float32)
    >>> y = np.array(["normal", "dos"] * 20)
    >>> clf = AWDConvLSTMClassifier(hidden_channels=2, num_layers=1, max_epochs=1,
    ...                             random_state=0)
    >>> pipe = make_pipeline(StandardScaler(), clf).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.awdids")
    >>> save_model(pipe, path)
    >>> bool((load_model(path).predict(X) == pipe.predict(X)).all())
    True
    """
    open_set, open_set_tensors = None, {}
    if type(estimator) is OpenSetClassifier:
        open_set, open_set_tensors = open_set_section(estimator)
        estimator = estimator.estimator_
    kind, names, clf, kept = _split_pipeline(estimator)
    if kind == "sklearn":
        section, tensors = _sklearn_section(clf), {}
    else:
        section, tensors = _network_members(clf)
    tensors.update(open_set_tensors)
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "versions": library_versions(),
        "kind": kind,
        "steps": names,
        "classifier": section,
    }
    if open_set is not None:
        manifest["open_set"] = open_set
    if schema is not None:
        manifest["schema"] = get_schema(schema).to_dict()
    members = {
        "manifest.json": json.dumps(manifest, indent=1).encode("utf-8"),
        "steps.skops": dump_steps(kept),
        "weights.safetensors": save_tensors(tensors),
    }
    check_member_sizes(members)  # before anything is written
    with atomic_path(path) as tmp:
        write_members(tmp, members)


def _decode_params(raw, path):
    defaults = _default_params()
    params = {}
    for name, value in raw.items():
        plain_default = name in defaults and _is_plain(defaults[name])
        if not (plain_default or name.startswith(_FORWARDED_PREFIXES)):
            raise ModelFileError(
                f"Refusing {path}: the classifier parameter {name!r} is not one "
                "that a model file may set."
            )
        params[name] = decode_value(value, name)
    return params


def _is_plain(value):
    try:
        encode_value(value)
    except TypeError:
        return False
    return True


def _expected_tensors(clf, with_loss_weight):
    """Name -> (shape, dtype) of every tensor the classifier's file must hold."""
    expected = {
        f"{_MODULE}{name}": (tensor.shape, tensor.dtype)
        for name, tensor in clf.module_.state_dict().items()
    }
    if with_loss_weight:
        n_classes = len(clf.classes_inferred_)
        expected[_LOSS_WEIGHT] = (torch.Size([n_classes]), torch.float32)
    return expected


def _load_tensors(clf, tensors, path):
    """Load the stored tensors into ``clf``, refusing any that do not fit it."""
    expected = _expected_tensors(clf, _LOSS_WEIGHT in tensors)
    refuse_names_other_than(
        f"Refusing {path}: the weights do not match the network",
        tensors,
        expected,
        "tensors",
    )
    for name, tensor in tensors.items():
        shape, dtype = expected[name]
        if tensor.shape != shape or tensor.dtype != dtype:
            raise ModelFileError(
                f"Refusing {path}: tensor {name} is {tuple(tensor.shape)} "
                f"{tensor.dtype}, the network needs {tuple(shape)} {dtype}."
            )
    clf.module_.load_state_dict(
        {
            name.removeprefix(_MODULE): t
            for name, t in tensors.items()
            if name != _LOSS_WEIGHT
        }
    )
    clf.module_.eval()
    return clf


def _build_classifier(manifest, tensors, device, path):
    section = manifest["classifier"]
    params = _decode_params(section["params"], path)
    params["device"] = device
    with refuse_on_failure(
        f"Refusing {path}: the classifier it describes cannot be built"
    ):
        clf = AWDConvLSTMClassifier._from_fitted_state(
            params, section, tensors.get(_LOSS_WEIGHT)
        )
    return _load_tensors(clf, tensors, path)


def _assemble(manifest, kept, clf, path):
    steps = manifest["steps"]
    if manifest["kind"] == "classifier":
        if steps or kept:
            raise ModelFileError(f"Refusing {path}: a classifier file with steps.")
        return clf
    kept = dict(kept)
    if not steps or not set(kept) <= set(steps[:-1]):
        raise ModelFileError(
            f"Refusing {path}: its stored steps {sorted(kept)} do not match the "
            f"step names {steps}."
        )
    transformers = [(name, kept.get(name, "passthrough")) for name in steps[:-1]]
    return ImbPipeline([*transformers, (steps[-1], clf)])


def _sklearn_classifier(manifest, kept, path):
    """The last stored step, if it is the classifier the manifest describes."""
    section, steps = manifest["classifier"], manifest["steps"]
    if not kept or not steps or kept[-1][0] != steps[-1]:
        raise ModelFileError(f"Refusing {path}: its classifier step is missing.")
    clf = kept[-1][1]
    if qualified_name(type(clf)) != section["type"]:
        raise ModelFileError(
            f"Refusing {path}: its last step is a {type(clf).__name__}, its "
            f"manifest says {section['type']}."
        )
    classes = np.asarray(getattr(clf, "classes_", [])).tolist()
    if (
        classes != section["classes"]
        or getattr(clf, "n_features_in_", None) != section["n_features_in"]
    ):
        raise ModelFileError(
            f"Refusing {path}: its classifier's classes or input width do not "
            "match its manifest."
        )
    return clf, kept[:-1]


def load_model(path, *, device="cpu", return_schema=False):
    """Read a file written by :func:`save_model`, running no code from it.

    No pickle is ever read. The manifest is JSON; the classifier is built
    afresh from its plain-valued parameters and the tensors are loaded into it
    only if their names and shapes match the network those parameters describe;
    the transformer steps are built by skops only when every object they name is
    in :data:`awdids.model_file.ALLOWED_NODES`.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model` (or ``awdids train``).
    device : str, default="cpu"
        Where the network runs (``"cpu"``, ``"cuda"``, ``"auto"``...).
    return_schema : bool, default=False
        Also return the :class:`~awdids.datasets.DatasetSchema` stored with
        the model (None if it was saved without one).

    Returns
    -------
    estimator : Pipeline, AWDConvLSTMClassifier or OpenSetClassifier
        What was saved, ready to ``predict``.
    (estimator, schema) : tuple if ``return_schema`` is True

    Raises
    ------
    ModelFileError
        For every refusal: not an awdids model file, truncated or damaged, an
        unknown format version, unknown, missing or oversized members, unsafe
        member names, objects outside the allowlist, parameters that are not
        plain data, or tensors that do not fit the network.
    OSError
        The file cannot be opened.
    ValueError
        ``device`` is not a torch device or is missing on this machine
        (checked before the file is read).

    Examples
    --------
    >>> import os, tempfile
    >>> from awdids import ModelFileError, load_model
    >>> path = os.path.join(tempfile.mkdtemp(), "not-a-model.awdids")
    >>> with open(path, "w") as file:
    ...     _ = file.write("hello")
    >>> try:
    ...     load_model(path)
    ... except ModelFileError as error:
    ...     print("refused:", "not an awdids model file" in str(error))
    refused: True

    :func:`save_model` shows a round trip.
    """
    resolve_device(device)  # a missing device is the machine's fault, not the file's
    members = read_members(path)
    manifest = parse_manifest(members["manifest.json"], path)
    with refuse_on_failure(f"{path}: the weights are damaged"):
        tensors = load_tensors(members["weights.safetensors"])
    kept = load_steps(members["steps.skops"], path)
    open_set_tensors = {n: t for n, t in tensors.items() if n.startswith(_OPEN_SET)}
    network_tensors = {n: t for n, t in tensors.items() if n not in open_set_tensors}
    if manifest["kind"] == "sklearn":
        if network_tensors:
            raise ModelFileError(
                f"Refusing {path}: network weights in a scikit-learn model file."
            )
        clf, kept = _sklearn_classifier(manifest, kept, path)
    else:
        clf = _build_classifier(manifest, network_tensors, device, path)
    estimator = _assemble(manifest, kept, clf, path)
    if "open_set" in manifest:
        estimator = build_open_set(
            manifest["open_set"], open_set_tensors, estimator, clf.n_features_in_, path
        )
    elif open_set_tensors:
        raise ModelFileError(f"Refusing {path}: open-set arrays without a section.")
    return (estimator, manifest.get("schema")) if return_schema else estimator
