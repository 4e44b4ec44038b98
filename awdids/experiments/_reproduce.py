"""``awdids reproduce``: the paper's tables and figures, regenerated, in stages.

The stages can be read, tested and resumed one at a time:

1. :func:`load_data` reads KDDTrain+ and KDDTest+ (a stratified subset with
   ``quick``);
2. :func:`pca_stage` fits the preprocessor and a full PCA (Fig 4);
3. :func:`fit_stage` fits and scores one model for one seed; each result is
   written to ``OUT/stages/`` and, with ``resume=True``, read back instead of
   fitted again;
4. :func:`gan_convergence_stage` fits the vanilla GAN of Fig 7 (also kept);
5. :func:`assemble_metrics` gathers everything into ``metrics.json``, from which
   :func:`~awdids.experiments.draw_figures` draws the figures and
   :func:`~awdids.experiments.render_report` writes ``report.md``.
"""

import json
import re
import time
import warnings

import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split

from .. import __version__
from .._environment import describe_environment
from .._io import prepare_out_dir, write_json_atomic, write_text_atomic
from ..datasets import CATEGORY_NAMES, fetch_nsl_kdd
from ..evaluation import attack_score, fit_and_score
from ..over_sampling import GPGANSampler
from ..pipeline import PAPER_OVERSAMPLING
from ..preprocessing import make_nsl_kdd_preprocessor, nsl_kdd_one_hot_groups
from ._figures import draw_figures
from ._models import FULL_BUDGET, QUICK_BUDGET, make_models
from ._novel import novel_attack_metrics
from ._paper import PAPER
from ._report import render_report

__all__ = [
    "assemble_metrics",
    "fit_stage",
    "gan_convergence_stage",
    "load_data",
    "pca_stage",
    "reproduce",
]

_QUICK_TRAIN, _QUICK_TEST = 4_000, 2_000
#: Version of the stage records: records of another format are fitted again.
_STAGE_FORMAT = 2
#: The model whose seed-0 fit gives Table 5, Fig 7's WGAN-GP and the confusion matrix.
FULL_PIPELINE = "AWD-CNN-LSTM + GP-GAN"


def _subsample_rows(y, n, seed, keep_all=()):
    """Stratified sample of ``n`` row indices plus every row of ``keep_all``."""
    index = np.arange(len(y))
    if n >= len(y):
        return index
    chosen, _ = train_test_split(index, train_size=n, stratify=y, random_state=seed)
    return np.union1d(chosen, index[np.isin(np.asarray(y), keep_all)])


def _take(values, rows):
    return values.iloc[rows] if hasattr(values, "iloc") else np.asarray(values)[rows]


def _subsample(X, y, n, seed, keep_all=()):
    """Stratified subsample of ``n`` rows plus every row of the ``keep_all`` classes."""
    rows = _subsample_rows(y, n, seed, keep_all)
    return _take(X, rows), _take(y, rows)


def load_data(*, quick=False, data_home=None):
    """KDDTrain+ and KDDTest+ as a dict of arrays.

    Keys: ``X_train``, ``y_train``, ``X_test``, ``y_test``, ``attack_test``
    and ``difficulty_test`` (each test row's attack type and difficulty),
    ``seen_attacks`` (the attack types of the training rows) and ``table3``
    (the class counts of the full files). With ``quick`` the rows are a
    stratified subset (4,000 training rows plus every U2R row, 2,000 test
    rows).
    """
    train = fetch_nsl_kdd("train", data_home=data_home)
    test = fetch_nsl_kdd("test", data_home=data_home)
    table3 = {
        "train": train.target.value_counts().reindex(CATEGORY_NAMES).tolist(),
        "test": test.target.value_counts().reindex(CATEGORY_NAMES).tolist(),
    }
    train_rows = np.arange(len(train.target))
    test_rows = np.arange(len(test.target))
    if quick:
        # every U2R row, so that SMOTE (5 neighbours) and the GAN have some
        train_rows = _subsample_rows(train.target, _QUICK_TRAIN, 0, ["u2r"])
        test_rows = _subsample_rows(test.target, _QUICK_TEST, 0)
    attack_train = _take(train.attack, train_rows)
    return dict(
        X_train=_take(train.data, train_rows),
        y_train=_take(train.target, train_rows).to_numpy(),
        X_test=_take(test.data, test_rows),
        y_test=_take(test.target, test_rows).to_numpy(),
        attack_test=np.asarray(_take(test.attack, test_rows), dtype=object),
        difficulty_test=np.asarray(_take(test.difficulty, test_rows)),
        seen_attacks=sorted(set(np.asarray(attack_train).tolist()) - {"normal"}),
        table3=table3,
    )


def pca_stage(data, n_components):
    """Fit the preprocessor and a full PCA on the training rows (Fig 4).

    Returns the preprocessed training rows (the vanilla GAN trains on them)
    and ``{"n_components", "cumulative_variance", "explained_variance_ratio"}``.
    """
    preprocessor = make_nsl_kdd_preprocessor().fit(data["X_train"])
    X_train_pre = preprocessor.transform(data["X_train"])
    pca = PCA(random_state=0).fit(X_train_pre)
    ratio = pca.explained_variance_ratio_
    info = {
        "n_components": n_components,
        "cumulative_variance": float(np.cumsum(ratio)[n_components - 1]),
        "explained_variance_ratio": ratio.tolist(),
    }
    return X_train_pre, info


def _slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _load_stage(path, key, fields):
    """The record kept at ``path`` for ``key``, or None to fit again.

    A record of another setting, or a file that is not such a record (damaged,
    truncated, edited), is refitted, with a warning for the latter.
    """
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        record = None
    if not isinstance(record, dict) or not set(fields) <= set(record):
        warnings.warn(
            f"{path} is not a stage record (damaged or edited); fitting it again.",
            UserWarning,
            stacklevel=3,
        )
        return None
    return record if record.get("key") == key else None


def fit_stage(data, name, model, seed, budget, stages, *, resume=False):
    """Fit one model for one seed, score it on the test rows, keep the result.

    The record (scores, predictions, and for seed 0 the attack score of
    every test row and the GP-GAN's training record) is written to
    ``stages/seed<seed>-<model>.json``. With ``resume``, a record written by
    the same awdids version and record format for the same setting is read
    back instead.
    """
    key = {
        "awdids": __version__,
        "format": _STAGE_FORMAT,
        "model": name,
        "seed": seed,
        "rows": len(data["y_train"]),
    }
    path = stages / f"seed{seed}-{_slug(name)}.json"
    fields = ("key", "rows", "scores", "y_pred")
    if resume and (record := _load_stage(path, key, fields)) is not None:
        return record, True
    X_fit, y_fit = data["X_train"], data["y_train"]
    if name == "RBF SVM":
        X_fit, y_fit = _subsample(X_fit, y_fit, budget.svm_rows, seed)
    scores, y_pred = fit_and_score(
        model, X_fit, y_fit, data["X_test"], data["y_test"], labels=CATEGORY_NAMES
    )
    record = {"key": key, "rows": len(y_fit), "scores": scores}
    record["y_pred"] = y_pred.tolist()
    score = None
    if hasattr(model, "offset_"):  # an OpenSetClassifier: its flag, scored once
        normal_score = model.score_samples(data["X_test"])
        record["novelty_flag"] = _flag_drift(model, normal_score, data["y_test"])
        score = 1.0 - normal_score  # its attack_score
    if seed == 0:
        if score is None:
            score = attack_score(model, data["X_test"])
        record["attack_score"] = np.round(score.astype(float), 6).tolist()
    if seed == 0 and name == FULL_PIPELINE:
        sampler = model.named_steps["oversample"]
        record["sampler"] = {
            "added": {str(k): int(v) for k, v in sampler.sampling_strategy_.items()},
            "history": {str(k): h for k, h in sampler.history_.items()},
            "fit_seconds": {str(k): v for k, v in sampler.fit_seconds_.items()},
        }
    write_json_atomic(path, record)
    return record, False


def _flag_drift(detector, normal_score, y_test):
    """An OpenSetClassifier's flag: its target, held-out and test false alarms."""
    normal = np.asarray(y_test) == detector.normal_label
    return {
        "target": detector.false_alarm_rate,
        "held_out_folds": detector.calibration_["false_alarm_rate"],
        "test_normal_flagged": float(np.mean(normal_score[normal] < detector.offset_)),
    }


def gan_convergence_stage(X_train_pre, y_train, budget, stages, *, resume=False):
    """Fit the vanilla GAN of Fig 7; return its per-class training history."""
    key = {"awdids": __version__, "stage": "vanilla GAN", "rows": len(y_train)}
    path = stages / "vanilla-gan.json"
    if resume and (record := _load_stage(path, key, ("key", "history"))) is not None:
        return record["history"]
    vanilla = GPGANSampler(
        sampling_strategy=PAPER_OVERSAMPLING,
        loss="gan",
        discrete_groups=nsl_kdd_one_hot_groups(),
        random_state=0,
        **budget.sampler,
    )
    vanilla.fit_resample(X_train_pre, y_train)
    history = {str(k): h for k, h in vanilla.history_.items()}
    write_json_atomic(path, {"key": key, "history": history})
    return history


def _summarise(runs):
    """Model -> metric -> {mean, std, values} over seeds (per-class figures too)."""
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


def assemble_metrics(data, pca, records, vanilla_history, *, quick, seeds):
    """Everything ``metrics.json`` holds, from the stages' results.

    ``records`` maps ``(seed, model name)`` to :func:`fit_stage` records.
    """
    runs = {}
    for (_, name), record in records.items():
        runs.setdefault(name, []).append(record["scores"])
    full = records[(0, FULL_PIPELINE)]
    sampler = full["sampler"]
    y_train, y_test = data["y_train"], data["y_test"]
    before = {c: int(np.sum(y_train == c)) for c in CATEGORY_NAMES}
    after = {c: before[c] + sampler["added"].get(c, 0) for c in CATEGORY_NAMES}
    histories = {f"wgan-gp/{k}": h["fit_rmse"] for k, h in sampler["history"].items()}
    histories.update({f"gan/{k}": h["fit_rmse"] for k, h in vanilla_history.items()})
    matrix = confusion_matrix(y_test, full["y_pred"], labels=list(CATEGORY_NAMES))
    return {
        "environment": describe_environment(),
        "quick": quick,
        "seeds": seeds,
        "n_train": len(y_train),
        "n_test": len(y_test),
        "table3_counts": data["table3"],
        "pca": pca,
        "table5_counts": {"before": before, "after": after},
        "gan_fit_rmse": histories,
        "gan_fit_seconds": sampler["fit_seconds"],
        "models": _summarise(runs),
        "confusion_matrix": {"labels": list(CATEGORY_NAMES), "matrix": matrix.tolist()},
        "novel_attacks": novel_attack_metrics(data, records),
        "paper": PAPER,
    }


def reproduce(out, *, quick=False, seeds=3, data_home=None, resume=False, log=print):
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
    resume : bool, default=False
        Read back the fits a previous run kept in ``out/stages/`` (same awdids
        version, model, seed and rows) instead of fitting them again.
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
    stages = out / "stages"
    stages.mkdir(exist_ok=True)
    budget = QUICK_BUDGET if quick else FULL_BUDGET
    seconds, started = {}, time.perf_counter()

    tic = time.perf_counter()
    data = load_data(quick=quick, data_home=data_home)
    seconds["load data"] = time.perf_counter() - tic
    log(f"data: {len(data['y_train'])} training rows, {len(data['y_test'])} test rows")

    tic = time.perf_counter()
    X_train_pre, pca = pca_stage(data, budget.n_components)
    seconds["PCA (Fig 4)"] = time.perf_counter() - tic

    records, kept_fits = {}, []
    for seed in range(seeds):
        for name, model in make_models(seed, budget).items():
            tic = time.perf_counter()
            log(f"seed {seed}: fitting {name} ...")
            record, kept = fit_stage(
                data, name, model, seed, budget, stages, resume=resume
            )
            records[(seed, name)] = record
            if kept:
                kept_fits.append(f"seed {seed}: {name}")
            stage = f"models: {name}"
            seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - tic
            scores = record["scores"]
            log(
                f"seed {seed}: {name}: accuracy {scores['accuracy']:.4f}, macro F1 "
                f"{scores['macro_f1']:.4f}, fit {scores['fit_seconds']:.1f} s"
                + (" (kept from an earlier run)" if kept else "")
            )

    tic = time.perf_counter()
    log("fitting the vanilla GAN for Fig 7 ...")
    vanilla = gan_convergence_stage(
        X_train_pre, data["y_train"], budget, stages, resume=resume
    )
    seconds["vanilla GAN (Fig 7)"] = time.perf_counter() - tic

    metrics = assemble_metrics(data, pca, records, vanilla, quick=quick, seeds=seeds)
    draw_figures(metrics, out)
    seconds["total"] = time.perf_counter() - started
    metrics["stage_seconds"] = seconds
    metrics["kept_fits"] = kept_fits
    write_json_atomic(out / "metrics.json", metrics)
    write_text_atomic(out / "report.md", render_report(metrics))
    log(f"wrote {out / 'report.md'} ({seconds['total'] / 60:.1f} min)")
    return metrics
