"""The paper's whole flow as one imbalanced-learn pipeline."""

from imblearn.pipeline import Pipeline
from sklearn.decomposition import PCA

from ..classification import AWDConvLSTMClassifier
from ..datasets import get_schema
from ..over_sampling import AddRows, GPGANSampler
from ..preprocessing import make_preprocessor, n_output_features, one_hot_groups
from ._checks import _check_names

__all__ = ["make_awdids_pipeline", "PAPER_OVERSAMPLING", "PAPER_PCA_COMPONENTS"]

#: The paper's recipe (Table 5): 10,000 synthetic rows for each of U2R and R2L.
PAPER_OVERSAMPLING = AddRows(10_000, ["u2r", "r2l"])
#: The paper's PCA output width (Fig 4).
PAPER_PCA_COMPONENTS = 80


def _oversampling_step(schema, random_state):
    if schema.oversample is None:
        return "passthrough"
    strategy = AddRows(schema.oversample["rows"], schema.oversample["classes"])
    return GPGANSampler(
        sampling_strategy=strategy,
        discrete_groups=one_hot_groups(schema),
        random_state=random_state,
    )


def make_awdids_pipeline(
    *, schema="nsl-kdd", random_state=None, memory=None, verbose=False, **params
):
    """Build ``Pipeline(preprocess, oversample, pca, clf)`` of the paper.

    ============  ===============================================================
    step          estimator
    ============  ===============================================================
    preprocess    :func:`~awdids.preprocessing.make_preprocessor` of ``schema``
                  (NSL-KDD: 122 features)
    oversample    :class:`~awdids.over_sampling.GPGANSampler`: the schema's rare
                  classes each get its ``oversample.rows`` synthetic rows
                  (NSL-KDD: U2R and R2L, +10,000 each), one-hot blocks kept
                  valid; ``"passthrough"`` when the schema names none
    pca           ``PCA(n_components=80)``, or the preprocessed width if smaller
    clf           :class:`~awdids.AWDConvLSTMClassifier`, its input shape
                  derived from the PCA's width
    ============  ===============================================================

    It takes raw frames with the schema's named columns and string labels.
    Being an imbalanced-learn pipeline, it over-samples only in ``fit``;
    ``predict`` runs preprocess, pca and clf.

    Parameters
    ----------
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        The records' layout (:func:`~awdids.datasets.get_schema`). Its text
        columns need fixed categories: take them from the training rows with
        :meth:`~awdids.datasets.DatasetSchema.with_vocabulary` where the
        schema does not list them.
    random_state : int or None, default=None
        Seed given to the sampler, the PCA and the classifier.
    memory : str, joblib.Memory or None, default=None
        Cache of fitted transformers and samplers (``Pipeline(memory=...)``).
        With a cache, a search over ``clf__*`` or ``pca__*`` parameters fits
        the GAN once per training split instead of once per candidate.
    verbose : bool, default=False
        Print each step's fitting time.
    **params
        Step parameters as ``step__param=value`` (e.g. ``clf__max_epochs=5``,
        ``oversample="passthrough"`` to drop the over-sampling).

    Returns
    -------
    pipeline : imblearn.pipeline.Pipeline

    Examples
    --------
    >>> from awdids import make_awdids_pipeline
    >>> pipe = make_awdids_pipeline(clf__weight_drop=0.3, random_state=0)
    >>> [name for name, _ in pipe.steps]
    ['preprocess', 'oversample', 'pca', 'clf']
    >>> pipe.get_params()["pca__n_components"], pipe.get_params()["clf__weight_drop"]
    (80, 0.3)

    A schema whose text columns have no fixed categories takes them from the
    training rows first:

    >>> from awdids.datasets import get_schema, load_flows
    >>> train = load_flows("UNSW_NB15_training-set.csv", "unsw-nb15")  # doctest: +SKIP
    >>> schema = get_schema("unsw-nb15").with_vocabulary(train.data)  # doctest: +SKIP
    >>> pipe = make_awdids_pipeline(schema=schema)  # doctest: +SKIP
    """
    schema = get_schema(schema)
    width = min(PAPER_PCA_COMPONENTS, n_output_features(schema))
    pipeline = Pipeline(
        [
            ("preprocess", make_preprocessor(schema)),
            ("oversample", _oversampling_step(schema, random_state)),
            ("pca", PCA(n_components=width, random_state=random_state)),
            ("clf", AWDConvLSTMClassifier(random_state=random_state)),
        ],
        memory=memory,
        verbose=verbose,
    )
    _check_names(pipeline, params)
    return pipeline.set_params(**params)
