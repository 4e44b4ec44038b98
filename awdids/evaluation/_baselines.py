"""Classical baselines on the NSL-KDD preprocessor, and their evaluation."""

import time

from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from ..preprocessing import make_preprocessor
from ._metrics import classification_scores

__all__ = ["make_baselines", "evaluate_models", "fit_and_score"]


def make_baselines(*, schema="nsl-kdd", random_state=0, n_jobs=None):
    """The classical detectors the paper compares against, each on the preprocessor.

    Parameters
    ----------
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        The records' layout, for :func:`~awdids.preprocessing.make_preprocessor`.
    random_state : int, default=0
        Seed of the randomised models.
    n_jobs : int, default=None
        Parallel jobs for the models that support them.

    Returns
    -------
    models : dict of str -> Pipeline
        ``LinearSVC``, ``RandomForest`` (100 trees), ``KNN`` (5 neighbours) and
        ``HistGradientBoosting``, unfitted.

    Examples
    --------
    >>> from awdids.evaluation import make_baselines
    >>> sorted(make_baselines())
    ['HistGradientBoosting', 'KNN', 'LinearSVC', 'RandomForest']
    """
    estimators = {
        "LinearSVC": LinearSVC(random_state=random_state),
        "RandomForest": RandomForestClassifier(
            n_estimators=100, random_state=random_state, n_jobs=n_jobs
        ),
        "KNN": KNeighborsClassifier(n_neighbors=5, n_jobs=n_jobs),
        "HistGradientBoosting": HistGradientBoostingClassifier(
            random_state=random_state
        ),
    }
    return {
        name: make_pipeline(make_preprocessor(schema), estimator)
        for name, estimator in estimators.items()
    }


def fit_and_score(model, X_train, y_train, X_test, y_test, *, labels=None):
    """Fit ``model``, predict the test set once, and time both.

    Parameters
    ----------
    model : estimator
        Unfitted classifier (or pipeline).
    X_train, y_train, X_test, y_test : array-like
        Training and test data.
    labels : sequence, default=None
        Class order of the per-class figures.

    Returns
    -------
    scores : dict
        :func:`classification_scores` plus ``fit_seconds``, ``predict_seconds``
        and ``predict_us_per_row``.
    y_pred : ndarray
        The test predictions.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from awdids.evaluation import fit_and_score
    >>> X, y = [[0], [1], [2], [3]], ["a", "a", "a", "b"]
    >>> scores, y_pred = fit_and_score(DummyClassifier(), X, y, X, y)
    >>> scores["accuracy"], y_pred.tolist()
    (0.75, ['a', 'a', 'a', 'a'])
    """
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    y_pred = model.predict(X_test)
    predict_seconds = time.perf_counter() - start
    scores = classification_scores(y_test, y_pred, labels=labels)
    scores.update(
        fit_seconds=fit_seconds,
        predict_seconds=predict_seconds,
        predict_us_per_row=predict_seconds / len(y_pred) * 1e6,
    )
    return scores, y_pred


def evaluate_models(models, X_train, y_train, X_test, y_test, *, labels=None, log=None):
    """Fit each model on the training set and score it on the test set.

    Parameters
    ----------
    models : dict of str -> estimator
        Unfitted estimators.
    X_train, y_train, X_test, y_test : array-like
        Training and test data.
    labels : sequence, default=None
        Class order of the per-class figures.
    log : callable, default=None
        Called with a line of progress text per model (e.g. ``print``).

    Returns
    -------
    results : dict of str -> dict
        :func:`fit_and_score`'s scores of each model.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from awdids.evaluation import evaluate_models
    >>> X, y = [[0], [1], [2], [3]], ["a", "a", "a", "b"]
    >>> out = evaluate_models({"dummy": DummyClassifier()}, X, y, X, y)
    >>> out["dummy"]["accuracy"]
    0.75
    """
    results = {}
    for name, model in models.items():
        if log is not None:
            log(f"fitting {name} ...")
        scores, _ = fit_and_score(
            model, X_train, y_train, X_test, y_test, labels=labels
        )
        results[name] = scores
        if log is not None:
            log(
                f"{name}: accuracy {scores['accuracy']:.4f}, macro F1 "
                f"{scores['macro_f1']:.4f} (fit {scores['fit_seconds']:.1f} s)"
            )
    return results
