"""The paper's whole flow as one imbalanced-learn pipeline."""

from imblearn.pipeline import Pipeline
from sklearn.decomposition import PCA

from ..classification import AWDConvLSTMClassifier
from ..over_sampling import AddRows, GPGANSampler
from ..preprocessing import make_nsl_kdd_preprocessor, nsl_kdd_one_hot_groups
from ._checks import _check_names

__all__ = ["make_awdids_pipeline", "PAPER_OVERSAMPLING", "PAPER_PCA_COMPONENTS"]

#: The paper's recipe (Table 5): 10,000 synthetic rows for each of U2R and R2L.
PAPER_OVERSAMPLING = AddRows(10_000, ["u2r", "r2l"])
#: The paper's PCA output width (Fig 4).
PAPER_PCA_COMPONENTS = 80


def make_awdids_pipeline(*, random_state=None, memory=None, verbose=False, **params):
    """Build ``Pipeline(preprocess, oversample, pca, clf)`` of the paper.

    ============  ===============================================================
    step          estimator
    ============  ===============================================================
    preprocess    :func:`~awdids.preprocessing.make_nsl_kdd_preprocessor` (122)
    oversample    :class:`~awdids.over_sampling.GPGANSampler`: U2R and R2L each
                  +10,000 rows, one-hot blocks kept valid
    pca           ``PCA(n_components=80)``
    clf           :class:`~awdids.AWDConvLSTMClassifier`
    ============  ===============================================================

    It takes raw NSL-KDD frames (41 named columns) and string labels. Being an
    imbalanced-learn pipeline, it over-samples only in ``fit``; ``predict``
    runs preprocess, pca and clf.

    Parameters
    ----------
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
    """
    pipeline = Pipeline(
        [
            ("preprocess", make_nsl_kdd_preprocessor()),
            (
                "oversample",
                GPGANSampler(
                    sampling_strategy=PAPER_OVERSAMPLING,
                    discrete_groups=nsl_kdd_one_hot_groups(),
                    random_state=random_state,
                ),
            ),
            ("pca", PCA(n_components=PAPER_PCA_COMPONENTS, random_state=random_state)),
            ("clf", AWDConvLSTMClassifier(random_state=random_state)),
        ],
        memory=memory,
        verbose=verbose,
    )
    _check_names(pipeline, params)
    return pipeline.set_params(**params)
