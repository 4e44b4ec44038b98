"""A classifier that also flags rows unlike any normal traffic it was trained on."""

import numbers
import time

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.model_selection import KFold, check_cv
from sklearn.utils import Bunch, _safe_indexing, check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_feature_names,
    _check_method_params,
    _check_n_features,
    _num_samples,
    check_is_fitted,
    column_or_1d,
)

from ._scores import SCORES
from ._site import (
    TRIMS,
    check_site_cv,
    cross_fit_site,
    refuse_refitted_scores,
    site_states,
)

__all__ = ["OpenSetClassifier"]

#: Folds of the normal rows that ``cv="prefit"`` cross-fits the threshold on.
_PREFIT_FOLDS = 5


def _score_names(novelty):
    names = [novelty] if isinstance(novelty, str) else list(novelty)
    unknown = [name for name in names if name not in SCORES]
    if not names or unknown or len(set(names)) != len(names):
        raise ValueError(
            f"novelty must name one or more distinct scores of {sorted(SCORES)}; "
            f"got {novelty!r}."
        )
    return names


def _rank_below(calibration, values):
    """Share of the sorted ``calibration`` scores strictly below each value.

    A value above every calibration score ranks 1, above the calibration
    scores' own ranks (at most ``(n - 1) / n``), so the most extreme rows
    can always exceed a threshold set among them.
    """
    return np.searchsorted(calibration, values, side="left") / len(calibration)


def _conformal_rank(false_alarm_rate, n_normal):
    """``k = floor(false_alarm_rate * (n + 1))``, robust to the product's rounding.

    ``0.29 * 100`` is ``28.999999999999996`` in floating point; a rate given as
    ``k / (n + 1)`` must still give ``k``.
    """
    return int(np.floor(false_alarm_rate * (n_normal + 1) + 1e-9))


def _refuse_unreachable_rate(false_alarm_rate, n_normal, where):
    if _conformal_rank(false_alarm_rate, n_normal) < 1:
        raise ValueError(
            f"false_alarm_rate={false_alarm_rate} cannot be reached with {n_normal} "
            f"{where}: the smallest rate they can calibrate is 1/(n + 1) = "
            f"{1 / (n_normal + 1):.3g}. Give more normal rows or a larger rate."
        )


def conformal_threshold(normal_novelty, false_alarm_rate):
    """The novelty above which a share of at most ``false_alarm_rate`` is flagged.

    The split-conformal quantile: with ``n`` held-out normal novelties and
    ``k = floor(false_alarm_rate * (n + 1))``, the ``k``-th largest of them.
    A new normal row exchangeable with them exceeds it with probability at
    most ``k / (n + 1) <= false_alarm_rate``.

    Parameters
    ----------
    normal_novelty : array-like of shape (n,)
        Novelty of held-out normal rows.
    false_alarm_rate : float
        Target share of normal rows flagged, in (0, 1).

    Returns
    -------
    threshold : float

    Raises
    ------
    ValueError
        When ``false_alarm_rate * (n + 1) < 1``: no threshold flags a share
        that small, and a flag set there would flag nothing.

    Examples
    --------
    >>> from awdids.novelty._open_set import conformal_threshold
    >>> conformal_threshold([0.1, 0.2, 0.3, 0.4], 0.2)
    0.4
    >>> conformal_threshold([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], 0.2)
    0.8
    """
    values = np.sort(np.asarray(normal_novelty, dtype=float))
    _refuse_unreachable_rate(false_alarm_rate, len(values), "held-out normal rows")
    k = _conformal_rank(false_alarm_rate, len(values))
    return float(values[len(values) - k])


def _final_step(estimator):
    """A function giving the rows as ``estimator``'s last step sees them, and it.

    For a pipeline, the steps before the last transform the rows (samplers
    are skipped, as a fitted imbalanced-learn pipeline skips them when it
    predicts); any other estimator sees the rows as they are.
    """
    steps = getattr(estimator, "steps", None)
    if steps and len(steps) > 1:
        return estimator[:-1].transform, steps[-1][1]
    return _identity, estimator


def _identity(X):
    return X


def _with_label(classes, label):
    """``classes`` with ``label`` appended, in a dtype that holds both."""
    values = list(classes) + [label]
    if all(isinstance(v, str) for v in values):
        return np.asarray(values, dtype=str)
    if all(isinstance(v, numbers.Integral) for v in values):
        return np.asarray(values)
    return np.asarray(values, dtype=object)


class OpenSetClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Flag rows that look like no normal traffic seen in training.

    A classifier trained on known attack types tends to call a new type
    normal. This meta-estimator adds a novelty score and an operating point:
    a row is *flagged* when its score exceeds a threshold set so that at most
    a share ``false_alarm_rate`` of normal rows like the held-out ones is
    flagged (a split-conformal quantile, :func:`conformal_threshold`). The
    threshold is calibrated on rows the scoring model never saw: ``cv``
    clones of ``estimator`` are fitted on the training folds and scored on the
    normal rows of the held-out folds; then ``estimator`` is refitted on all
    rows. ``false_alarm_rate`` times the number of held-out normal rows plus
    one must reach 1; a smaller rate is refused, as no threshold reaches it.

    Flags change only the rows the classifier calls ``normal_label`` (a row
    it already calls an attack raises its alarm anyway): with
    ``policy="unknown"`` they become ``unknown_label``, with
    ``policy="attack"`` the attack class the classifier finds most likely.

    Several scores can be combined. Each is mapped to its rank among the
    held-out normal scores (the share of them below it, in [0, 1]), and a
    row's novelty is the largest of its ranks, so that one threshold serves
    them all.

    Parameters
    ----------
    estimator : classifier or pipeline
        Fitted on ``cv`` training folds and then on all rows; its classes
        must include ``normal_label``.
    novelty : str or list of str, default="knn"
        ``"normal_proba"`` (1 - P(normal)), ``"max_proba"`` (1 - the largest
        class probability), ``"energy"`` (minus the log-sum-exp of
        ``decision_function``), ``"knn"`` (mean distance to the
        ``n_neighbors`` nearest normal training rows in the estimator's
        feature space, the output of a pipeline's steps before its last),
        ``"isolation"`` (an ``IsolationForest`` on the normal training rows in
        that space), or a list of them. The default flagged the largest
        share of each held-out attack type on the ``NovelAttackKFold`` folds
        of KDDTrain+ (``benchmarks/bench_novelty.py``).
    false_alarm_rate : float, default=0.01
        The share of held-out normal rows flagged, in (0, 1). Normal traffic
        that differs from the training rows is flagged more often.
    policy : {"unknown", "attack"}, default="unknown"
        What a flagged row that the classifier calls normal becomes.
    unknown_label : str or int, default="unknown"
        The label of such rows with ``policy="unknown"``; it must not be a
        class of ``y``.
    normal_label : str or int, default="normal"
        The class of normal traffic.
    cv : int, cross-validation generator or iterable, default=3
        The folds the threshold is calibrated on, as
        :func:`sklearn.model_selection.check_cv` takes them (an int is a
        stratified k-fold). :class:`~awdids.model_selection.NovelAttackKFold`
        also scores each fold's held-out attack types (``calibration_``);
        it needs ``groups`` in :meth:`fit`. ``"prefit"`` takes ``estimator``
        as fitted (as :class:`~sklearn.calibration.CalibratedClassifierCV`
        does): :meth:`fit` refits nothing, learns the scores from the normal
        rows of ``X`` and cross-fits the threshold on 5 shuffled folds of
        them, each scored against the others.
    n_neighbors : int, default=5
        Neighbours of the ``"knn"`` score.
    reference_size : int or None, default=None
        The most normal training rows the ``"knn"`` score keeps as its
        reference (a subsample drawn with ``random_state``, in every fold and
        in the final fit); ``None`` keeps them all. A model file stores the
        reference, so a smaller one makes the file smaller and holds fewer of
        the training records (see the deploy guide for its measured effect).
    n_jobs : int or None, default=None
        Folds fitted in parallel (joblib); ``None`` means 1. With
        ``cv="prefit"``, the folds of normal rows are scored in parallel.
    random_state : int, RandomState instance or None, default=None
        Seed of the ``"isolation"`` score's forest and of the
        ``reference_size`` subsample.
    verbose : int, default=0
        Print one line per fitted fold when positive.

    Attributes
    ----------
    estimator_ : estimator
        ``estimator`` fitted on all rows.
    classes_ : ndarray
        The estimator's classes, then ``unknown_label`` with
        ``policy="unknown"``.
    offset_ : float
        Rows whose :meth:`score_samples` falls below it are flagged.
    calibration_scores_ : dict of str -> ndarray
        Each score's held-out normal values, sorted: the ranks' reference.
    calibration_ : dict
        Per fold: ``false_alarm_rate`` (held-out normal rows flagged at ``offset_``:
        how far it drifts from the target between folds),
        ``attack_rows_flagged`` (held-out attack rows flagged by the score;
        None for a fold that holds none out, as with ``cv="prefit"``) and
        ``fit_seconds``.
    score_states_ : dict of str -> dict
        What each novelty score learnt from the normal training rows of the
        final fit (the ``"knn"`` reference rows, the isolation forest, ...).
    site_calibration_ : dict
        Only after :meth:`calibrate`: the capture's ``rows``, the
        ``rows_used`` after ``trim``, the ``false_alarm_rate`` target, ``cv``,
        ``held_out_false_alarm_rate`` (the share of the capture's rows the
        cross-fitted flag adds an alarm to; per fold, among the rows used),
        and ``flagged_before``, that share at the threshold in force before
        (the training one, on a first call).
    n_features_in_ : int
        Columns of ``X`` (``feature_names_in_`` too when ``X`` has names).

    See Also
    --------
    awdids.evaluation.known_novel_scores : Scores over known and novel rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from awdids.novelty import OpenSetClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (200, 2)), rng.normal(4, 1, (100, 2))])
    >>> y = np.array(["normal"] * 200 + ["dos"] * 100)
    >>> clf = OpenSetClassifier(
    ...     RandomForestClassifier(random_state=0), novelty="knn", random_state=0
    ... ).fit(X, y)
    >>> clf.predict([[0.0, 0.0], [-30.0, -30.0]]).tolist()
    ['normal', 'unknown']
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "novelty": [StrOptions(set(SCORES)), list, tuple],
        "false_alarm_rate": [Interval(numbers.Real, 0, 1, closed="neither")],
        "policy": [StrOptions({"unknown", "attack"})],
        "unknown_label": [str, numbers.Integral],
        "normal_label": [str, numbers.Integral],
        "cv": ["cv_object", StrOptions({"prefit"})],
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "reference_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator,
        *,
        novelty="knn",
        false_alarm_rate=0.01,
        policy="unknown",
        unknown_label="unknown",
        normal_label="normal",
        cv=3,
        n_neighbors=5,
        reference_size=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.novelty = novelty
        self.false_alarm_rate = false_alarm_rate
        self.policy = policy
        self.unknown_label = unknown_label
        self.normal_label = normal_label
        self.cv = cv
        self.n_neighbors = n_neighbors
        self.reference_size = reference_size
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    # ---- fitting -------------------------------------------------------------------

    def _check_estimator_outputs(self, names):
        needed = {SCORES[name].requires for name in names} - {None}
        if self.policy == "attack":
            if not any(
                hasattr(self.estimator, m)
                for m in ("predict_proba", "decision_function")
            ):
                needed.add("predict_proba")
        missing = sorted(m for m in needed if not hasattr(self.estimator, m))
        if missing:
            raise TypeError(
                f"novelty={self.novelty!r} with policy={self.policy!r} needs an "
                f"estimator with {' and '.join(missing)}; "
                f"{type(self.estimator).__name__} has none."
            )

    def _check_rows(self, X, *, reset):
        # The estimator validates the values (a pipeline may take text
        # columns); only what every estimator needs is checked here.
        if sp.issparse(X):
            raise TypeError(
                "OpenSetClassifier takes dense X: sparse input is not supported."
            )
        if not hasattr(X, "iloc"):
            X = np.asarray(X)
        if np.ndim(X) != 2:
            raise ValueError(
                f"Expected a 2D array of rows, got X with shape {np.shape(X)}; "
                "Reshape your data with X.reshape(-1, 1) for one feature."
            )
        _check_n_features(self, X, reset=reset)
        _check_feature_names(self, X, reset=reset)
        return X

    def _check_targets(self, y):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not np.any(y == self.normal_label):
            raise ValueError(
                f"normal_label={self.normal_label!r} is not a class of y "
                f"(classes {np.unique(y).tolist()[:10]})."
            )
        if self.policy == "unknown" and np.any(y == self.unknown_label):
            raise ValueError(
                f"unknown_label={self.unknown_label!r} is already a class of y."
            )
        return y

    def _fit_scores(self, model, X, y, names, seed):
        transform, final = _final_step(model)
        normal = transform(_safe_indexing(X, np.flatnonzero(y == self.normal_label)))
        return self._fit_scores_on(final, normal, names, seed)

    def _fit_scores_on(self, final, normal, names, seed):
        """Each score's state from ``normal``, rows as ``final`` sees them."""
        return {
            name: SCORES[name].fit(
                final,
                normal,
                normal_label=self.normal_label,
                n_neighbors=self.n_neighbors,
                reference_size=self.reference_size,
                random_state=seed,
            )
            for name in names
        }

    @staticmethod
    def _raw_scores(final, states, features):
        return {
            name: SCORES[name].score(final, state, features)
            for name, state in states.items()
        }

    def _novelty(self, raw):
        ranks = [
            _rank_below(self.calibration_scores_[name], values)
            for name, values in raw.items()
        ]
        return np.max(ranks, axis=0)

    def _fit_fold(self, X, y, train, test, names, seed, fit_params):
        """Fit a clone on ``train``; its raw scores of the ``test`` rows."""
        tic = time.perf_counter()
        X_train, y_train = _safe_indexing(X, train), y[train]
        params = _check_method_params(X, params=fit_params, indices=train)
        model = clone(self.estimator).fit(X_train, y_train, **params)
        states = self._fit_scores(model, X_train, y_train, names, seed)
        transform, final = _final_step(model)
        raw = self._raw_scores(final, states, transform(_safe_indexing(X, test)))
        return {
            "raw": raw,
            "is_normal": y[test] == self.normal_label,
            "seconds": time.perf_counter() - tic,
        }

    def _prefit_folds(self, X, y, names, seed, groups, fit_params):
        """``cv="prefit"``: the normal rows' raw scores, each fold against the rest."""
        if groups is not None or fit_params:
            raise ValueError(
                "cv='prefit' fits nothing and splits nothing: it takes no groups "
                f"and no fit parameters (got {sorted(fit_params)}"
                f"{' and groups' if groups is not None else ''})."
            )
        check_is_fitted(self.estimator)
        transform, final = _final_step(self.estimator)
        normal = transform(_safe_indexing(X, np.flatnonzero(y == self.normal_label)))
        if _num_samples(normal) < _PREFIT_FOLDS:
            raise ValueError(
                f"cv='prefit' cross-fits on {_PREFIT_FOLDS} folds of the normal "
                f"rows; y has {_num_samples(normal)}."
            )
        splitter = KFold(_PREFIT_FOLDS, shuffle=True, random_state=seed)
        return Parallel(n_jobs=self.n_jobs)(
            delayed(self._prefit_fold)(final, normal, train, test, names, seed)
            for train, test in splitter.split(normal)
        )

    def _prefit_fold(self, final, normal, train, test, names, seed):
        """The raw scores of the ``test`` normal rows, states from ``train``."""
        tic = time.perf_counter()
        states = self._fit_scores_on(final, _safe_indexing(normal, train), names, seed)
        raw = self._raw_scores(final, states, _safe_indexing(normal, test))
        return {
            "raw": raw,
            "is_normal": np.ones(len(test), dtype=bool),
            "seconds": time.perf_counter() - tic,
        }

    def _route_fit_params(self, groups, fit_params):
        """``fit_params`` for the estimator and ``groups`` for the splitter.

        With metadata routing on, each goes where it is requested (scikit-learn's
        ``process_routing``); without it, ``groups`` goes to ``cv.split`` and
        every other parameter to the estimator's ``fit``.
        """
        if _routing_enabled():
            extra = {} if groups is None else {"groups": groups}
            return process_routing(self, "fit", **fit_params, **extra)
        return Bunch(
            estimator=Bunch(fit=fit_params), splitter=Bunch(split={"groups": groups})
        )

    def _record_calibration(self, folds, novelty, threshold):
        self.calibration_ = {
            "false_alarm_rate": [
                float(np.mean(n[f["is_normal"]] > threshold))
                for n, f in zip(novelty, folds)
            ],
            "attack_rows_flagged": [
                float(np.mean(n[~f["is_normal"]] > threshold))
                if np.any(~f["is_normal"])
                else None  # no attack row held out (cv="prefit")
                for n, f in zip(novelty, folds)
            ],
            "fit_seconds": [f["seconds"] for f in folds],
        }

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, groups=None, **fit_params):
        """Calibrate the threshold on held-out folds, then fit on all rows.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training rows, as ``estimator`` takes them.
        y : array-like of shape (n_samples,)
            Classes; ``normal_label`` must be one of them.
        groups : array-like of shape (n_samples,), default=None
            Passed to ``cv.split`` (the attack type of each row for
            :class:`~awdids.model_selection.NovelAttackKFold`).
        **fit_params : dict
            Passed to ``estimator.fit`` (``sample_weight``, a pipeline's
            ``step__param``), sliced to each fold's training rows. With
            ``sklearn.set_config(enable_metadata_routing=True)`` they, and
            ``groups``, go wherever they are requested instead.

        Returns
        -------
        self : OpenSetClassifier
        """
        names = _score_names(self.novelty)
        self._check_estimator_outputs(names)
        X = self._check_rows(X, reset=True)
        self.__dict__.pop("site_calibration_", None)  # a refit forgets the site
        y = self._check_targets(y)
        if len(y) != _num_samples(X):
            raise ValueError(f"X has {_num_samples(X)} rows but y has {len(y)} labels.")
        _refuse_unreachable_rate(
            self.false_alarm_rate,
            int(np.sum(y == self.normal_label)),
            f"{self.normal_label!r} rows in y",
        )
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        if self.cv == "prefit":
            folds = self._prefit_folds(X, y, names, seed, groups, fit_params)
        else:
            routed = self._route_fit_params(groups, fit_params)
            cv = check_cv(self.cv, y, classifier=True)
            folds = Parallel(n_jobs=self.n_jobs)(
                delayed(self._fit_fold)(
                    X, y, train, test, names, seed, routed.estimator.fit
                )
                for train, test in cv.split(X, y, **routed.splitter.split)
            )
        if self.verbose:
            for fold, result in enumerate(folds):
                print(f"[OpenSetClassifier] fold {fold}: {result['seconds']:.1f} s")
        self.calibration_scores_ = {
            name: np.sort(
                np.concatenate([f["raw"][name][f["is_normal"]] for f in folds])
            )
            for name in names
        }
        novelty = [self._novelty(f["raw"]) for f in folds]
        normal_novelty = np.concatenate(
            [n[f["is_normal"]] for n, f in zip(novelty, folds)]
        )
        threshold = conformal_threshold(normal_novelty, self.false_alarm_rate)
        self.offset_ = 1.0 - threshold
        self._record_calibration(folds, novelty, threshold)
        if self.cv == "prefit":
            self.estimator_ = self.estimator
        else:
            params = _check_method_params(X, params=routed.estimator.fit)
            self.estimator_ = clone(self.estimator).fit(X, y, **params)
        self.score_states_ = self._fit_scores(self.estimator_, X, y, names, seed)
        classes = self.estimator_.classes_
        if self.policy == "unknown":
            self.classes_ = _with_label(classes, self.unknown_label)
        else:
            self.classes_ = np.asarray(classes)
        return self

    def get_metadata_routing(self):
        """Metadata routing of this object: ``fit`` to the estimator and ``cv``.

        Returns
        -------
        routing : MetadataRouter
            ``estimator.fit`` receives what it requests from :meth:`fit`,
            ``cv.split`` what it requests (``groups`` for a group splitter).
        """
        router = MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )
        if self.cv != "prefit":
            router.add(
                splitter=self.cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        return router

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.string = inner.input_tags.string
        tags.input_tags.categorical = inner.input_tags.categorical
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.input_tags.sparse = False  # refused: the scores need dense rows
        return tags

    # ---- calibrating at the site ---------------------------------------------------

    def calibrate(self, X, *, cv=10, trim="attack"):
        """Re-set the flag's threshold on a capture of the site's normal traffic.

        The threshold that :meth:`fit` cross-fits on the training rows keeps
        its promise on normal traffic like them; a network's own traffic
        differs, and is flagged more often. This method takes a short capture
        of the protected network's traffic, believed normal, and without
        refitting the classifier:

        1. drops the capture rows the classifier calls an attack from the
           reference (with ``trim="attack"``): they raise their alarm whatever
           the flag says, and attacks hidden in the capture are most often of
           that kind. They still count among the capture's rows, as rows the
           flag adds no alarm to: the promise is then that at most
           ``false_alarm_rate`` of the site's normal rows get an alarm *from
           the flag*; the classifier's own false alarms come on top, as they
           do without the flag;
        2. splits the rest into ``cv`` shuffled folds and scores each fold
           with the other folds added to every score's reference of normal
           traffic (the ``"knn"`` score's rows; the classifier-based scores
           need none);
        3. sets the threshold at the conformal quantile of those held-out
           scores (:func:`conformal_threshold`; a trimmed row counts as one
           below any threshold), which also become the ranks' reference
           (``calibration_scores_``);
        4. keeps the whole capture in the ``"knn"`` reference, beside the
           training rows.

        Calling it again replaces the previous capture; :meth:`fit` forgets it.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_rows, n_features)
            The capture, in the columns :meth:`fit` took. ``false_alarm_rate``
            times its rows plus one must reach 1.
        cv : int, default=10
            Folds of the capture; each row is scored once whatever their
            number, so more folds cost no more. The defaults of ``cv`` and
            ``trim`` were chosen on ``NovelAttackKFold`` folds of KDDTrain+,
            held-out normal rows playing the capture and held-out attack rows
            its contamination (``benchmarks/bench_site_calibration.py``):
            the fold count barely moves the reached false alarms, and 10
            detected most when the capture held attacks.
        trim : {"attack", None}, default="attack"
            ``"attack"`` drops the rows the classifier calls an attack;
            ``None`` keeps every row. With 1% of the capture drawn from attack
            types the model never saw, ``"attack"`` lost far less detection
            than ``None`` (the benchmark page gives the figures).

        Returns
        -------
        self : OpenSetClassifier
            With ``offset_``, ``calibration_scores_`` and ``score_states_``
            replaced and ``site_calibration_`` recorded.

        Raises
        ------
        ValueError
            ``cv`` or ``trim`` is not valid, the capture has too few rows for
            ``false_alarm_rate``, or a score (``"isolation"``) cannot take
            site rows without refitting.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.ensemble import RandomForestClassifier
        >>> from awdids.novelty import OpenSetClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = np.vstack([rng.normal(0, 1, (200, 2)), rng.normal(4, 1, (100, 2))])
        >>> y = np.array(["normal"] * 200 + ["dos"] * 100)
        >>> clf = OpenSetClassifier(
        ...     RandomForestClassifier(random_state=0), false_alarm_rate=0.05,
        ...     random_state=0,
        ... ).fit(X, y)
        >>> site = rng.normal((0, -3), 1, (300, 2))  # the site's normal traffic
        >>> before = np.mean(clf.score_samples(site[:100]) < clf.offset_)
        >>> clf = clf.calibrate(site[100:])
        >>> after = np.mean(clf.score_samples(site[:100]) < clf.offset_)
        >>> bool(before > 0.5), bool(after < 0.15), clf.site_calibration_["rows"]
        (True, True, 200)
        """
        check_is_fitted(self, "offset_")
        refuse_refitted_scores(list(self.score_states_))
        if trim not in TRIMS:
            raise ValueError(f"trim must be one of {list(TRIMS)}, got {trim!r}.")
        X = self._check_rows(X, reset=False)
        n_rows = _num_samples(X)
        check_site_cv(cv, n_rows)
        _refuse_unreachable_rate(self.false_alarm_rate, n_rows, "capture rows")
        final, features = self._features(X)
        features = self._trimmed_capture(final, features, trim, cv, n_rows)
        training = {
            name: {k: v for k, v in state.items() if k != "site"}
            for name, state in self.score_states_.items()
        }
        # the threshold and reference in force until now (the training ones at first)
        flagged_before = np.sum(self._score_features(final, features) < self.offset_)
        novelty = self._cross_fitted_novelty(final, training, features, cv)
        # A trimmed row raises its alarm whatever the flag says: it counts among
        # the capture's rows, as one the flag never adds an alarm to.
        trimmed = np.full(n_rows - _num_samples(features), -np.inf)
        every_row = np.concatenate([*novelty, trimmed])
        threshold = conformal_threshold(every_row, self.false_alarm_rate)
        self.offset_ = 1.0 - threshold
        self.score_states_ = site_states(training, features)
        self.site_calibration_ = {
            "rows": int(n_rows),
            "rows_used": int(_num_samples(features)),
            "trim": trim,
            "cv": int(cv),
            "false_alarm_rate": float(self.false_alarm_rate),
            "held_out_false_alarm_rate": float(np.mean(every_row > threshold)),
            "fold_false_alarm_rate": [float(np.mean(n > threshold)) for n in novelty],
            "flagged_before": float(flagged_before / n_rows),
        }
        return self

    def _trimmed_capture(self, final, features, trim, cv, n_rows):
        """The capture rows calibrate learns from, refusing too few of them."""
        if trim == "attack":
            called_normal = np.asarray(final.predict(features)) == self.normal_label
            features = _safe_indexing(features, np.flatnonzero(called_normal))
        n_used = _num_samples(features)
        check_site_cv(cv, n_used)
        if _conformal_rank(self.false_alarm_rate, n_rows) > n_used:
            raise ValueError(
                f"false_alarm_rate={self.false_alarm_rate} is more than the share "
                f"of the capture the classifier calls normal ({n_used} of {n_rows} "
                "rows): every one of them would be flagged."
            )
        return features

    def _cross_fitted_novelty(self, final, training, features, cv):
        """Each capture fold's novelty against the other folds; sets the ranks."""
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        folds = cross_fit_site(
            lambda states, rows: self._raw_scores(final, states, rows),
            training,
            features,
            cv,
            seed,
        )
        self.calibration_scores_ = {
            name: np.sort(np.concatenate([fold[name] for fold in folds]))
            for name in training
        }
        return [self._novelty(fold) for fold in folds]

    # ---- prediction ----------------------------------------------------------------

    def score_samples(self, X):
        """How normal each row looks: lower is less like the normal rows.

        For each score, the share of held-out normal rows that score as high
        as the row or higher (as unusual); the smallest over the scores. Rows below
        ``offset_`` are flagged, as in scikit-learn's outlier detectors.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Values in [0, 1].
        """
        final, features = self._features(X)
        return self._score_features(final, features)

    def _features(self, X):
        """The final step and ``X`` as it sees it, transformed once."""
        check_is_fitted(self, "offset_")
        transform, final = _final_step(self.estimator_)
        return final, transform(self._check_rows(X, reset=False))

    def _score_features(self, final, features):
        return 1.0 - self._novelty(
            self._raw_scores(final, self.score_states_, features)
        )

    def _most_likely_attack(self, final, features):
        classes = np.asarray(final.classes_)
        attacks = classes[classes != self.normal_label]
        if len(attacks) == 1:  # a binary decision_function has one column
            return np.repeat(attacks, _num_samples(features))
        if hasattr(final, "predict_proba"):
            evidence = np.asarray(final.predict_proba(features), dtype=float)
        else:
            evidence = np.asarray(final.decision_function(features), dtype=float)
        evidence[:, classes == self.normal_label] = -np.inf
        return classes[evidence.argmax(axis=1)]

    def predict_with_scores(self, X):
        """Predicted classes and :meth:`score_samples`, scoring ``X`` once.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            As :meth:`predict` returns them.
        scores : ndarray of shape (n_samples,)
            As :meth:`score_samples` returns them; rows below ``offset_``
            are flagged.
        """
        final, features = self._features(X)
        scores = self._score_features(final, features)
        y_pred = np.asarray(final.predict(features)).astype(self.classes_.dtype)
        changed = (scores < self.offset_) & (y_pred == self.normal_label)
        if self.policy == "unknown":
            y_pred[changed] = self.unknown_label
        elif np.any(changed):
            y_pred[changed] = self._most_likely_attack(
                final, _safe_indexing(features, changed)
            )
        return y_pred, scores

    def predict(self, X):
        """Classes, with flagged rows called normal replaced as ``policy`` says.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self.predict_with_scores(X)[0]
