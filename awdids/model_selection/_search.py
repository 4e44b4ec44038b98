"""Grid search over the paper's pipeline, on joblib's local or Dask backend."""

import contextlib
import numbers
import os

from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, ParameterGrid, StratifiedKFold

from ..pipeline import check_pipeline_params, make_awdids_pipeline
from ._class_counts import check_fold_class_counts

__all__ = ["make_splitter", "search_pipeline", "summarise_search"]


def make_splitter(cv, random_state):
    """``cv`` as a splitter: an int is that many seeded, shuffled stratified folds.

    Examples
    --------
    >>> from awdids.model_selection._search import make_splitter
    >>> make_splitter(3, random_state=0)
    StratifiedKFold(n_splits=3, random_state=0, shuffle=True)
    """
    if isinstance(cv, numbers.Integral):
        return StratifiedKFold(cv, shuffle=True, random_state=random_state)
    return cv


@contextlib.contextmanager
def _dask_backend(scheduler):
    """joblib's ``dask`` backend on ``scheduler`` (an address or a Client)."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise ImportError(
            "scheduler= needs Dask's distributed scheduler: "
            "pip install 'awdids[distributed]'"
        ) from None
    if isinstance(scheduler, Client):
        client, owned = scheduler, False
    elif isinstance(scheduler, str):
        client, owned = Client(scheduler), True
    else:
        raise TypeError(
            "scheduler must be an address such as 'tcp://host:8786' or a "
            f"dask.distributed.Client, got {type(scheduler).__name__}."
        )
    try:
        with parallel_config(backend="dask", wait_for_workers_timeout=60):
            yield client
    finally:
        if owned:
            client.close()


def local_workers(n_jobs, n_fits):
    """Workers for ``n_fits`` fits here: ``n_jobs``, at most the fits and the cores.

    joblib would start every worker asked for (``n_jobs=100000`` starts
    processes that only wait); ``None`` stays ``None`` (one), and negative
    values count back from the cores as in joblib.

    Examples
    --------
    >>> from awdids.model_selection._search import local_workers
    >>> local_workers(100_000, 9) <= 9, local_workers(None, 9)
    (True, None)
    """
    if n_jobs is None:
        return None
    if not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero int or None, got {n_jobs!r}.")
    cores = os.cpu_count() or 1
    wanted = n_jobs if n_jobs > 0 else max(cores + 1 + n_jobs, 1)
    return max(1, min(wanted, cores, n_fits))


def search_pipeline(
    X,
    y,
    param_grid,
    *,
    schema="nsl-kdd",
    cv=3,
    groups=None,
    scoring="f1_macro",
    scheduler=None,
    n_jobs=None,
    random_state=0,
    memory=None,
    verbose=0,
    **pipeline_params,
):
    """Grid-search :func:`~awdids.make_awdids_pipeline` by stratified CV.

    A thin, reproducible wrapper of ``GridSearchCV``: seeded stratified folds,
    the pipeline seeded with ``random_state``, and, with ``scheduler``, the
    fits run on a Dask cluster through joblib's ``dask`` backend. Only the
    data given is used: pass training rows (KDDTrain+), never the test set.

    The result is the same wherever the fits run, given the same number of
    torch threads per fit: Dask workers run torch on one thread (Dask sets
    ``OMP_NUM_THREADS=1``), and a multi-threaded local run can differ from
    them in the last bits of its float sums, enough to move a score slightly.

    Parameters
    ----------
    X : DataFrame of shape (n_samples, n_columns)
        Raw records with ``schema``'s feature columns.
    y : array-like of shape (n_samples,)
        Class labels.
    param_grid : dict or list of dict
        As ``GridSearchCV``'s, over the pipeline's ``step__param`` names.
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        The records' layout, given to :func:`~awdids.make_awdids_pipeline`.
    cv : int or cross-validation splitter, default=3
        An int is the number of stratified, shuffled folds (seeded with
        ``random_state``); a splitter is used as given, e.g.
        :class:`NovelAttackKFold` to validate on attack types unseen in
        training (with ``groups``).
    groups : array-like of shape (n_samples,), default=None
        Passed to the splitter (the attack names for ``NovelAttackKFold``).
    scoring : str or callable, default="f1_macro"
        Selection score.
    scheduler : str, dask.distributed.Client or None, default=None
        Address of a Dask scheduler (``"tcp://host:8786"``) or a connected
        client. ``None`` runs locally with ``n_jobs`` joblib workers.
    n_jobs : int, default=None
        Parallel fits (``-1``: one per core, or every Dask worker thread).
        Locally, at most one worker per fit and per core is started.
    random_state : int, default=0
        Seed of the folds and of every pipeline step.
    memory : str, joblib.Memory or None, default=None
        Cache of fitted preprocessor and sampler (see
        :func:`~awdids.make_awdids_pipeline`). On a multi-machine cluster it
        must be a folder every worker can reach, or ``None``.
    verbose : int, default=0
        ``GridSearchCV``'s verbosity.
    **pipeline_params
        Fixed pipeline parameters (``clf__max_epochs=10``, ...).

    Returns
    -------
    search : GridSearchCV
        Fitted; ``best_params_``, ``cv_results_`` and ``best_estimator_``
        (refitted on all of ``X``).

    Raises
    ------
    ValueError or TypeError
        A parameter of a step, fixed or in ``param_grid``, that its step
        refuses (:func:`~awdids.pipeline.check_pipeline_params`), or a
        training fold with too few rows of a class the over-sampler grows
        (:func:`check_fold_class_counts`), before any fit.
    ImportError
        ``scheduler`` given without the ``distributed`` extra installed.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from awdids.datasets import FEATURE_NAMES
    >>> from awdids.model_selection import search_pipeline
    >>> rng = np.random.RandomState(0)
    >>> X = pd.DataFrame(rng.rand(90, 41), columns=list(FEATURE_NAMES))
    >>> X[["protocol_type", "service", "flag"]] = ["tcp", "http", "SF"]
    >>> y = np.repeat(["normal", "dos", "r2l"], 30)
    >>> search = search_pipeline(
    ...     X, y, {"clf__weight_drop": [0.0, 0.2]}, cv=2, oversample="passthrough",
    ...     pca__n_components=8, clf__hidden_channels=2, clf__num_layers=1,
    ...     clf__max_epochs=1)
    >>> sorted(search.best_params_), len(search.cv_results_["mean_test_score"])
    (['clf__weight_drop'], 2)

    On a cluster, name its scheduler (``tests/model_selection`` runs a search
    on a real local cluster):

    >>> search = search_pipeline(X, y, {"clf__weight_drop": [0.0, 0.2]},
    ...                          scheduler="tcp://scheduler:8786",
    ...                          n_jobs=-1)  # doctest: +SKIP
    """
    pipeline = make_awdids_pipeline(
        schema=schema, random_state=random_state, memory=memory, **pipeline_params
    )
    check_pipeline_params(pipeline, X, param_grid)  # before any GAN trains
    splitter = make_splitter(cv, random_state)
    check_fold_class_counts(pipeline, splitter, X, y, groups, param_grid)
    if scheduler is None:
        n_fits = len(ParameterGrid(param_grid)) * splitter.get_n_splits(X, y, groups)
        n_jobs = local_workers(n_jobs, n_fits)
    search = GridSearchCV(
        pipeline,
        param_grid,
        cv=splitter,
        scoring=scoring,
        n_jobs=n_jobs,
        verbose=verbose,
        error_score="raise",
    )
    backend = (
        contextlib.nullcontext() if scheduler is None else _dask_backend(scheduler)
    )
    with backend:
        search.fit(X, y, groups=groups)
    return search


def summarise_search(search, *, scoring, n_train=None, fixed=None, dataset=None):
    """A fitted search's results as a JSON-ready dict and a Markdown table.

    Parameters
    ----------
    search : GridSearchCV
        Fitted, as :func:`search_pipeline` returns it.
    scoring : str
        The scoring the search ranked by (for the record).
    n_train : int, default=None
        Rows the search trained on (for the record).
    fixed : dict, default=None
        Parameters set for every candidate (for the record).
    dataset : str, default=None
        Name of the records' schema; ``awdids train --params`` refuses the
        result for another dataset.

    Returns
    -------
    summary : dict
        Best parameters and score, and every candidate's mean and standard
        deviation of the score and mean fit time, best first.
    table : str
        The same candidates as a Markdown table.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.model_selection import GridSearchCV
    >>> from awdids.model_selection import summarise_search
    >>> search = GridSearchCV(DummyClassifier(), {"strategy": ["prior"]}, cv=2)
    >>> summary, table = summarise_search(
    ...     search.fit([[0], [1], [2], [3]], [0, 0, 1, 1]), scoring="accuracy")
    >>> summary["best_params"]
    {'strategy': 'prior'}
    >>> print(table.splitlines()[0])
    | params | mean_test_score | std_test_score | mean_fit_time |
    """
    import pandas as pd

    from .._markdown import markdown_table

    columns = ["params", "mean_test_score", "std_test_score", "mean_fit_time"]
    table = pd.DataFrame(search.cv_results_)[columns]
    table = table.sort_values("mean_test_score", ascending=False)
    summary = {
        "best_params": search.best_params_,
        "best_score": search.best_score_,
        "scoring": scoring,
        "n_train": n_train,
        "fixed": fixed or {},
        "dataset": dataset,
        "cv_results": table.to_dict(orient="records"),
    }
    rows = [
        [f"{v:.4f}" if isinstance(v, float) else v for v in row]
        for row in table.itertuples(index=False)
    ]
    return summary, markdown_table(columns, rows)
