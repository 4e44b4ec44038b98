"""Every step's parameters checked before any step is fitted."""

import difflib
import inspect
import numbers

import numpy as np
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.model_selection import ParameterGrid
from sklearn.utils import _safe_indexing

from ..classification._shape import check_input_shape

__all__ = ["check_pipeline_params"]

#: Rows the cheap transformers are fitted on to learn the width they output.
_PROBE_ROWS = 200


def _check_step(step, n_features):
    """A step's own checks (``_check_params``), else scikit-learn's constraints."""
    if hasattr(step, "_check_params"):
        takes_width = "n_features" in inspect.signature(step._check_params).parameters
        step._check_params(**({"n_features": n_features} if takes_width else {}))
    elif hasattr(step, "_validate_params"):
        step._validate_params()


def _width_after(name, step, X_probe, n_features):
    """The number of columns ``step`` outputs, and the probe rows transformed."""
    if isinstance(step, PCA):
        k = step.n_components
        if (
            isinstance(k, numbers.Integral)
            and n_features is not None
            and k > n_features
        ):
            raise ValueError(
                f"{name}__n_components={k} exceeds the {n_features} features that "
                "reach the PCA step."
            )
        width = k if isinstance(k, numbers.Integral) else None
        return width, None
    if X_probe is None or not hasattr(step, "fit_transform"):
        return None, None
    probe = clone(step).fit_transform(X_probe)
    return probe.shape[1], probe


def _skorch_prefixed(pipeline, name, valid):
    """``clf__optimizer__weight_decay``: skorch routes ``optimizer__*`` (and its
    other prefixes) to a part it builds, so such names are never listed."""
    step, _, rest = name.partition("__")
    is_net = hasattr(dict(pipeline.steps).get(step), "prefixes_")
    return is_net and "__" in rest and f"{step}__{rest.partition('__')[0]}" in valid


def _check_names(pipeline, params):
    """Refuse a parameter name the pipeline lacks, in one line, with a suggestion."""
    valid = pipeline.get_params(deep=True)
    for name in params:
        if name in valid or _skorch_prefixed(pipeline, name, valid):
            continue
        close = difflib.get_close_matches(name, list(valid), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ValueError(f"{name!r} is not a parameter of the pipeline{hint}")


def _located(error, where):
    """``error`` again, its message led by ``where``; same type (and subclasses)."""
    located = type(error)(f"{where}: {error}")
    return located.with_traceback(None)


def _check_one(pipeline, X):
    X_probe = (
        None if X is None else _safe_indexing(X, np.arange(min(_PROBE_ROWS, len(X))))
    )
    n_features = None if X is None else np.shape(X)[1]
    last_name, last = pipeline.steps[-1]
    for name, step in pipeline.steps:
        if step in (None, "passthrough"):
            continue
        try:
            _check_step(step, n_features)
        except (ValueError, TypeError) as error:
            raise _located(error, f"step {name!r}") from None
        if step is not last and not hasattr(step, "fit_resample"):
            # a sampler adds rows, not columns
            n_features, X_probe = _width_after(name, step, X_probe, n_features)
    shape = getattr(last, "input_shape", None)
    if shape is not None and n_features is not None:
        try:
            check_input_shape(shape, n_features)
        except ValueError as error:
            raise ValueError(f"{last_name}__{error}") from None


def check_pipeline_params(pipeline, X=None, param_grid=None):
    """Refuse a bad parameter of any step, for every candidate, before any fit.

    Each step's own checks run (the estimators of this package check more than
    scikit-learn's constraints: layer sizes, odd kernels, class weights,
    sampling counts); with ``X``, the width reaching each step is followed (the
    cheap transformers are fitted on a few rows), so that ``pca__n_components``
    larger than its input and an ``input_shape`` that does not hold the
    classifier's features are refused too. A GAN or a network is never
    trained: it takes a moment where a failing fit would take minutes.

    Parameters
    ----------
    pipeline : Pipeline
        The pipeline to check, unfitted (:func:`make_awdids_pipeline`'s or
        any scikit-learn or imbalanced-learn pipeline).
    X : array-like or DataFrame, default=None
        Rows as the pipeline takes them; only the first few are used.
    param_grid : dict or list of dicts, default=None
        A grid as ``GridSearchCV`` takes it: every candidate is checked.

    Raises
    ------
    ValueError or TypeError
        Naming the step's parameter and its value (a candidate's parameter
        that the pipeline does not have included).

    Examples
    --------
    >>> from awdids import make_awdids_pipeline
    >>> from awdids.pipeline import check_pipeline_params
    >>> try:
    ...     check_pipeline_params(make_awdids_pipeline(), param_grid={
    ...         "clf__weight_drop": [0.2, 5]})
    ... except ValueError as error:
    ...     print(str(error)[:60])
    candidate {'clf__weight_drop': 5}: step 'clf': The 'weight_d
    """
    for candidate in ParameterGrid(param_grid or {}):
        _check_names(pipeline, candidate)
        try:
            _check_one(clone(pipeline).set_params(**candidate), X)
        except (ValueError, TypeError) as error:
            if not candidate:
                raise
            raise _located(error, f"candidate {candidate}") from None
