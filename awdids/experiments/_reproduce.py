"""``awdids reproduce``: the paper's tables and figures, regenerated."""

import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split

from .._environment import describe_environment
from .._io import prepare_out_dir, write_json_atomic, write_text_atomic
from ..datasets import CATEGORY_NAMES, fetch_nsl_kdd
from ..evaluation import fit_and_score
from ..over_sampling import GPGANSampler
from ..pipeline import PAPER_OVERSAMPLING
from ..preprocessing import make_nsl_kdd_preprocessor, nsl_kdd_one_hot_groups
from . import _figures
from ._models import FULL_BUDGET, QUICK_BUDGET, make_models
from ._paper import PAPER
from ._report import render_report

__all__ = ["reproduce"]

_QUICK_TRAIN, _QUICK_TEST = 4_000, 2_000


def _subsample(X, y, n, seed, keep_all=()):
    """Stratified subsample of ``n`` rows plus every row of the ``keep_all`` classes."""
    if n >= len(y):
        return X, y
    index = np.arange(len(y))
    chosen, _ = train_test_split(index, train_size=n, stratify=y, random_state=seed)
    rare = index[np.isin(np.asarray(y), keep_all)]
    chosen = np.union1d(chosen, rare)
    return X.iloc[chosen] if hasattr(X, "iloc") else X[chosen], (
        y.iloc[chosen] if hasattr(y, "iloc") else np.asarray(y)[chosen]
    )


def _summarise(runs):
    """Model -> metric -> {mean, std, values} over seeds (per-class F1 too)."""
    summary = {}
    for name, seed_scores in runs.items():
        metrics = {}
        keys = [k for k, v in seed_scores[0].items() if isinstance(v, float)]
        for key in keys:
            values = [s[key] for s in seed_scores]
            metrics[key] = {
                "mean": float(np.mean(values)),
                "std": float(np.std(values)),
                "values": values,
            }
        for label in CATEGORY_NAMES:
            for part in ("precision", "recall", "f1"):
                values = [s["per_class"][label][part] for s in seed_scores]
                metrics[f"{label}_{part}"] = {
                    "mean": float(np.mean(values)),
                    "std": float(np.std(values)),
                    "values": values,
                }
        summary[name] = metrics
    return summary


def reproduce(out, *, quick=False, seeds=3, data_home=None, log=print):
    """Run every experiment of the paper and write ``report.md``, JSON and PNGs.

    Parameters
    ----------
    out : str or path-like
        Output folder (created; an existing file there is refused).
    quick : bool, default=False
        Same code on a stratified subset (4,000 training and 2,000 test rows)
        with tiny budgets: a smoke run of a few minutes.
    seeds : int, default=3
        Seeds per model; tables report mean and standard deviation.
    data_home : str, default=None
        Folder of the NSL-KDD files (see :func:`~awdids.datasets.fetch_nsl_kdd`).
    log : callable, default=print
        Receives one line of progress text at a time.

    Returns
    -------
    metrics : dict
        What ``metrics.json`` holds.

    Examples
    --------
    The smoke run (a couple of minutes; the test suite runs it end to end):

    >>> from awdids.experiments import reproduce
    >>> metrics = reproduce("smoke-results", quick=True, seeds=1)  # doctest: +SKIP
    >>> sorted(metrics["models"])[:2]  # doctest: +SKIP
    ['AWD-CNN-LSTM', 'AWD-CNN-LSTM + GP-GAN']
    """
    if seeds < 1:
        raise ValueError(f"seeds must be a positive int, got {seeds}.")
    out = prepare_out_dir(out)
    budget = QUICK_BUDGET if quick else FULL_BUDGET
    stages, started = {}, time.perf_counter()

    tic = time.perf_counter()
    X_train, y_train = fetch_nsl_kdd("train", data_home=data_home, return_X_y=True)
    X_test, y_test = fetch_nsl_kdd("test", data_home=data_home, return_X_y=True)
    table3 = {
        "train": y_train.value_counts().reindex(CATEGORY_NAMES).tolist(),
        "test": y_test.value_counts().reindex(CATEGORY_NAMES).tolist(),
    }
    if quick:
        # every U2R row, so that SMOTE (5 neighbours) and the GAN have some
        X_train, y_train = _subsample(X_train, y_train, _QUICK_TRAIN, 0, ["u2r"])
        X_test, y_test = _subsample(X_test, y_test, _QUICK_TEST, 0)
    y_train, y_test = y_train.to_numpy(), y_test.to_numpy()
    stages["load data"] = time.perf_counter() - tic
    log(f"data: {len(y_train)} training rows, {len(y_test)} test rows")

    tic = time.perf_counter()
    preprocessor = make_nsl_kdd_preprocessor().fit(X_train)
    X_train_pre = preprocessor.transform(X_train)
    pca = PCA(random_state=0).fit(X_train_pre)
    _figures.plot_pca_variance(
        pca.explained_variance_ratio_,
        budget.n_components,
        out / "fig4_pca_variance.png",
    )
    pca_variance = float(
        np.cumsum(pca.explained_variance_ratio_)[budget.n_components - 1]
    )
    stages["PCA (Fig 4)"] = time.perf_counter() - tic

    runs, first_seed = {}, {}
    for seed in range(seeds):
        models = make_models(seed, budget)
        for name, model in models.items():
            tic = time.perf_counter()
            X_fit, y_fit = X_train, y_train
            if name == "RBF SVM":
                X_fit, y_fit = _subsample(X_train, y_train, budget.svm_rows, seed)
            log(f"seed {seed}: fitting {name} on {len(y_fit)} rows ...")
            scores, y_pred = fit_and_score(
                model, X_fit, y_fit, X_test, y_test, labels=CATEGORY_NAMES
            )
            runs.setdefault(name, []).append(scores)
            stages[f"models: {name}"] = stages.get(f"models: {name}", 0.0) + (
                time.perf_counter() - tic
            )
            log(
                f"seed {seed}: {name}: accuracy {scores['accuracy']:.4f}, macro F1 "
                f"{scores['macro_f1']:.4f}, fit {scores['fit_seconds']:.1f} s"
            )
            if seed == 0:
                first_seed[name] = (model, y_pred)

    tic = time.perf_counter()
    full_model, full_pred = first_seed["AWD-CNN-LSTM + GP-GAN"]
    sampler = full_model.named_steps["oversample"]
    counts_after = {
        label: int(np.sum(y_train == label))
        + int(sampler.sampling_strategy_.get(label, 0))
        for label in CATEGORY_NAMES
    }
    vanilla = GPGANSampler(
        sampling_strategy=PAPER_OVERSAMPLING,
        loss="gan",
        discrete_groups=nsl_kdd_one_hot_groups(),
        random_state=0,
        **budget.sampler,
    )
    log("fitting the vanilla GAN for Fig 7 ...")
    vanilla.fit_resample(X_train_pre, y_train)
    histories = {("wgan-gp", label): h for label, h in sampler.history_.items()}
    histories.update({("gan", label): h for label, h in vanilla.history_.items()})
    _figures.plot_gan_convergence(histories, out / "fig7_gan_convergence.png")
    stages["vanilla GAN (Fig 7)"] = time.perf_counter() - tic

    summary = _summarise(runs)
    _figures.plot_model_metrics(summary, out / "fig8_model_metrics.png")
    _figures.plot_detection_time(summary, out / "fig9_detection_time.png")
    matrix = confusion_matrix(y_test, full_pred, labels=list(CATEGORY_NAMES))
    _figures.plot_confusion_matrix(
        matrix,
        CATEGORY_NAMES,
        "AWD-CNN-LSTM + GP-GAN (seed 0), KDDTest+",
        out / "confusion_matrix.png",
    )
    stages["total"] = time.perf_counter() - started

    metrics = {
        "environment": describe_environment(),
        "quick": quick,
        "seeds": seeds,
        "n_train": len(y_train),
        "n_test": len(y_test),
        "table3_counts": table3,
        "pca": {
            "n_components": budget.n_components,
            "cumulative_variance": pca_variance,
        },
        "table5_counts": {
            "before": {c: int(np.sum(y_train == c)) for c in CATEGORY_NAMES},
            "after": counts_after,
        },
        "gan_fit_rmse": {
            f"{loss}/{label}": h["fit_rmse"] for (loss, label), h in histories.items()
        },
        "gan_fit_seconds": {str(k): v for k, v in sampler.fit_seconds_.items()},
        "models": summary,
        "confusion_matrix": {"labels": list(CATEGORY_NAMES), "matrix": matrix.tolist()},
        "stage_seconds": stages,
        "paper": PAPER,
    }
    write_json_atomic(out / "metrics.json", metrics)
    write_text_atomic(out / "report.md", render_report(metrics))
    log(f"wrote {out / 'report.md'} ({stages['total'] / 60:.1f} min)")
    return metrics
