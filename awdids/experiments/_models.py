"""Every detector compared by ``awdids reproduce``, as unfitted pipelines."""

from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

from ..datasets import get_schema
from ..evaluation import make_baselines
from ..novelty import OpenSetClassifier
from ..over_sampling import AddRows
from ..pipeline import PAPER_PCA_COMPONENTS, make_awdids_pipeline
from ..preprocessing import make_preprocessor, n_output_features

__all__ = [
    "make_models",
    "Budget",
    "FULL_BUDGET",
    "QUICK_BUDGET",
    "NOVELTY_BASE",
    "PAPER_PIPELINE",
]

#: The paper's whole flow, by the name every table and figure gives it.
PAPER_PIPELINE = "AWD-CNN-LSTM + GP-GAN"

#: The classifier that ``benchmarks/bench_novelty.py`` found best at flagging
#: held-out attack types on KDDTrain+ folds; ``reproduce`` wraps it in an
#: OpenSetClassifier with its default score.
NOVELTY_BASE = "HistGradientBoosting"


class Budget:
    """Training budgets of one ``reproduce`` run (full or ``--quick``)."""

    def __init__(self, *, clf, sampler, svm_rows, mlp_iter, n_components):
        self.clf = clf
        self.sampler = sampler
        self.svm_rows = svm_rows
        self.mlp_iter = mlp_iter
        self.n_components = n_components


FULL_BUDGET = Budget(
    clf={},
    sampler={},
    svm_rows=10_000,
    mlp_iter=50,
    n_components=PAPER_PCA_COMPONENTS,
)
QUICK_BUDGET = Budget(
    clf=dict(
        hidden_channels=4,
        num_layers=2,
        max_epochs=6,
        batch_size=128,
        head_hidden=(32, 16),
    ),
    sampler=dict(epochs=2, steps_per_epoch=5, generator_hidden=(64, 128)),
    svm_rows=1_000,
    mlp_iter=20,
    n_components=40,
)


def _deep(budget, seed, schema, *, oversample, **clf_params):
    """The paper's pipeline at ``budget``.

    ``oversample`` replaces its GP-GAN step (``"passthrough"`` for none);
    ``None`` keeps the GP-GAN, with the budget's sampler parameters.
    """
    params = {f"clf__{k}": v for k, v in {**budget.clf, **clf_params}.items()}
    if oversample is None:
        params.update({f"oversample__{k}": v for k, v in budget.sampler.items()})
    else:
        params["oversample"] = oversample
    width = min(budget.n_components, n_output_features(schema))
    return make_awdids_pipeline(
        schema=schema, random_state=seed, pca__n_components=width, **params
    )


def novelty_model(seed, schema="nsl-kdd"):
    """The comparison's novelty flag: :data:`NOVELTY_BASE` in an OpenSetClassifier.

    Default score and false-alarm rate, ``policy="attack"``, so that its
    class scores can be compared with the other models'.
    """
    schema = get_schema(schema)
    return OpenSetClassifier(
        make_baselines(schema=schema, random_state=seed)[NOVELTY_BASE],
        policy="attack",
        normal_label=schema.normal_label,
        random_state=seed,
    )


def make_models(seed, budget=FULL_BUDGET, schema="nsl-kdd"):
    """Name -> unfitted pipeline on raw records of ``schema``, for one seed.

    The RBF SVM trains on a stratified subsample of ``budget.svm_rows`` rows
    (kernel SVMs scale quadratically; :func:`reproduce` draws the subsample).
    The four classical detectors are :func:`awdids.evaluation.make_baselines`.
    The last model wraps :data:`NOVELTY_BASE` in an
    :class:`~awdids.novelty.OpenSetClassifier` (default score and false-alarm
    rate, ``policy="attack"``) so that its 5-class scores can be compared.

    Parameters
    ----------
    seed : int
        ``random_state`` of every randomised model.
    budget : Budget, default=FULL_BUDGET
        Training budgets (epochs, GAN steps, SVM rows); ``QUICK_BUDGET`` is
        the smoke run of ``awdids reproduce --quick``.
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        The records' layout; SMOTE and the GP-GAN add its ``oversample`` rows
        to its rare classes (NSL-KDD: the paper's 10,000 to U2R and R2L).

    Returns
    -------
    models : dict of str -> Pipeline
        Unfitted, in the report's order.

    Examples
    --------
    >>> from awdids.experiments import make_models
    >>> list(make_models(0))[:3], list(make_models(0))[-1]
    (['LinearSVC', 'RBF SVM', 'RandomForest'], 'HistGradientBoosting + novelty flag')
    """
    schema = get_schema(schema)
    strategy = AddRows(schema.oversample["rows"], schema.oversample["classes"])

    def pre():
        return make_preprocessor(schema)

    baselines = make_baselines(schema=schema, random_state=seed)
    return {
        "LinearSVC": baselines["LinearSVC"],
        "RBF SVM": Pipeline([("preprocess", pre()), ("clf", SVC(random_state=seed))]),
        "RandomForest": baselines["RandomForest"],
        "KNN": baselines["KNN"],
        "HistGradientBoosting": baselines["HistGradientBoosting"],
        "MLP": Pipeline(
            [
                ("preprocess", pre()),
                (
                    "clf",
                    MLPClassifier(
                        (256, 128),
                        early_stopping=True,
                        max_iter=budget.mlp_iter,
                        random_state=seed,
                    ),
                ),
            ]
        ),
        "CNN-LSTM": _deep(
            budget, seed, schema, oversample="passthrough", weight_drop=0.0
        ),
        "AWD-CNN-LSTM": _deep(budget, seed, schema, oversample="passthrough"),
        "AWD-CNN-LSTM + SMOTE": _deep(
            budget,
            seed,
            schema,
            oversample=SMOTE(sampling_strategy=strategy, random_state=seed),
        ),
        PAPER_PIPELINE: _deep(budget, seed, schema, oversample=None),
        f"{NOVELTY_BASE} + novelty flag": novelty_model(seed, schema),
    }
