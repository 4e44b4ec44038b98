"""``awdids reproduce``: the paper's tables and figures, regenerated, in stages.

The stages can be read, tested and resumed one at a time:

1. :func:`~awdids.experiments._protocols.load_protocol_data` reads the
   dataset's training and test rows (KDDTrain+ and KDDTest+ for NSL-KDD; a
   stratified subset with ``quick``);
2. :func:`pca_stage` fits the preprocessor and a full PCA (Fig 4);
3. :func:`fit_stage` fits and scores one model for one seed; each result is
   written to ``OUT/stages/`` and, with ``resume=True``, read back instead of
   fitted again;
4. :func:`gan_convergence_stage` fits the vanilla GAN of Fig 7 (also kept);
5. :func:`assemble_metrics` gathers everything into ``metrics.json``, from which
   :func:`~awdids.experiments.draw_figures` draws the figures and
   :func:`~awdids.experiments.render_report` writes ``report.md``.
"""

import contextlib
import json
import re
import time
import warnings

import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import confusion_matrix

from .. import __version__
from .._environment import describe_environment
from .._io import prepare_out_dir, write_json_atomic, write_text_atomic
from ..evaluation import attack_score, fit_and_score
from ..over_sampling import AddRows, GPGANSampler
from ..preprocessing import make_preprocessor, one_hot_groups
from ._figures import draw_figures
from ._held_out import held_out_category_stage
from ._models import (
    FULL_BUDGET,
    NOVELTY_BASE,
    PAPER_PIPELINE,
    QUICK_BUDGET,
    make_models,
    novelty_model,
)
from ._novel import novel_attack_metrics
from ._paper import PAPER
from ._protocols import _subsample_rows, _take, load_protocol_data
from ._report import render_report
from ._site import site_calibration_stage, summarise_site

__all__ = [
    "assemble_metrics",
    "fit_stage",
    "gan_convergence_stage",
    "load_protocol_data",
    "pca_stage",
    "reproduce",
]

#: Version of the stage records: records of another format are fitted again.
_STAGE_FORMAT = 2
#: The model whose seed-0 fit gives Table 5, Fig 7's WGAN-GP and the confusion matrix.


def _subsample(X, y, n, seed, keep_all=()):
    """Stratified subsample of ``n`` rows plus every row of the ``keep_all`` classes."""
    rows = _subsample_rows(y, n, seed, keep_all)
    return _take(X, rows), _take(y, rows)


def pca_stage(data, n_components):
    """Fit the preprocessor and a full PCA on the training rows (Fig 4).

    Returns the preprocessed training rows (the vanilla GAN trains on them)
    and ``{"n_components", "cumulative_variance", "explained_variance_ratio"}``;
    ``n_components`` is at most the number of preprocessed features, as in the
    models' pipelines.
    """
    preprocessor = make_preprocessor(data["schema"]).fit(data["X_train"])
    X_train_pre = preprocessor.transform(data["X_train"])
    pca = PCA(random_state=0).fit(X_train_pre)
    ratio = pca.explained_variance_ratio_
    n_components = min(n_components, X_train_pre.shape[1])
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
        "dataset": data["schema"].name,
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
        model, X_fit, y_fit, data["X_test"], data["y_test"], labels=_classes(data)
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
            score = attack_score(model, data["X_test"], normal=_classes(data)[0])
        record["attack_score"] = np.round(score.astype(float), 6).tolist()
    if seed == 0 and name == PAPER_PIPELINE:
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


def _classes(data):
    """The classes of the dataset, normal first."""
    return list(data["schema"].class_names)


def _oversampling(schema):
    return AddRows(schema.oversample["rows"], schema.oversample["classes"])


def gan_convergence_stage(
    X_train_pre, y_train, budget, stages, *, schema="nsl-kdd", resume=False
):
    """Fit the vanilla GAN of Fig 7; return its per-class training history."""
    from ..datasets import get_schema

    schema = get_schema(schema)
    key = {"awdids": __version__, "stage": "vanilla GAN", "rows": len(y_train)}
    path = stages / "vanilla-gan.json"
    if resume and (record := _load_stage(path, key, ("key", "history"))) is not None:
        return record["history"]
    vanilla = GPGANSampler(
        sampling_strategy=_oversampling(schema),
        loss="gan",
        discrete_groups=one_hot_groups(schema),
        random_state=0,
        **budget.sampler,
    )
    vanilla.fit_resample(X_train_pre, y_train)
    history = {str(k): h for k, h in vanilla.history_.items()}
    write_json_atomic(path, {"key": key, "history": history})
    return history


def _summarise(runs, classes):
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
        for label in classes:
            for part in ("precision", "recall", "f1"):
                values = [s["per_class"][label][part] for s in seed_scores]
                metrics[f"{label}_{part}"] = {
                    "mean": float(np.mean(values)),
                    "std": float(np.std(values)),
                    "values": values,
                }
        summary[name] = metrics
    return summary


def _dataset_section(data):
    schema = data["schema"]
    return {
        "name": schema.name,
        "train_name": data["train_name"],
        "test_name": data["test_name"],
        "protocol": data["protocol"],
        "classes": _classes(data),
        "rare_classes": list(schema.oversample["classes"]),
    }


def assemble_metrics(
    data, pca, records, vanilla_history, *, quick, seeds, held_out=None
):
    """Everything ``metrics.json`` holds, from the stages' results.

    ``records`` maps ``(seed, model name)`` to :func:`fit_stage` records.
    """
    runs = {}
    for (_, name), record in records.items():
        runs.setdefault(name, []).append(record["scores"])
    full = records[(0, PAPER_PIPELINE)]
    sampler = full["sampler"]
    y_train, y_test = data["y_train"], data["y_test"]
    classes = _classes(data)
    before = {c: int(np.sum(y_train == c)) for c in classes}
    after = {c: before[c] + sampler["added"].get(c, 0) for c in classes}
    histories = {f"wgan-gp/{k}": h["fit_rmse"] for k, h in sampler["history"].items()}
    histories.update({f"gan/{k}": h["fit_rmse"] for k, h in vanilla_history.items()})
    matrix = confusion_matrix(y_test, full["y_pred"], labels=classes)
    metrics = {
        "environment": describe_environment(),
        "dataset": _dataset_section(data),
        "quick": quick,
        "seeds": seeds,
        "n_train": len(y_train),
        "n_test": len(y_test),
        "class_counts": data["counts"],
        "pca": pca,
        "oversampling_counts": {"before": before, "after": after},
        "gan_fit_rmse": histories,
        "gan_fit_seconds": sampler["fit_seconds"],
        "models": _summarise(runs, classes),
        "confusion_matrix": {"labels": classes, "matrix": matrix.tolist()},
        "novel_attacks": novel_attack_metrics({**data, "classes": classes}, records),
    }
    if held_out is not None:
        metrics["held_out_categories"] = held_out
    if data["schema"].name == "nsl-kdd":
        metrics["paper"] = PAPER
    return metrics


def _show_gan_progress(model):
    """Let a GP-GAN step report its epochs: its fit is minutes of silence otherwise."""
    steps = getattr(model, "named_steps", {})
    if isinstance(steps.get("oversample"), GPGANSampler):
        model.set_params(oversample__verbose=1)


@contextlib.contextmanager
def _warnings_as_log_lines(log, where):
    """Expected ConvergenceWarnings (small iteration budgets) as one log line each.

    Python would print them with the full site-packages path of the line
    that warned; every other warning is shown as usual.
    """
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        yield
    said = set()
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning):
            message = " ".join(str(warning.message).split())
            if message not in said:
                said.add(message)
                log(f"{where}: {message} (expected at this budget)")
        else:
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def reproduce(
    out,
    *,
    dataset="nsl-kdd",
    quick=False,
    seeds=None,
    data_home=None,
    data=None,
    test=None,
    resume=False,
    log=print,
):
    """Run every experiment of the comparison and write ``report.md``, JSON, PNGs.

    The protocol (which rows train, which are scored) is the dataset's, see
    :mod:`awdids.experiments._protocols`; NSL-KDD's is the paper's, and its
    report sets the paper's printed numbers beside ours.

    Parameters
    ----------
    out : str or path-like
        Output folder (created; an existing file there is refused).
    dataset : str, path-like or DatasetSchema, default="nsl-kdd"
        ``"nsl-kdd"``, ``"kddcup99"``, ``"unsw-nb15"``, or a user's schema
        (then ``data``, and optionally ``test``). Its ``oversample`` names the
        rare classes SMOTE and the GP-GAN grow.
    quick : bool, default=False
        Same code on a stratified subset (4,000 training and 2,000 test rows)
        with tiny budgets: a smoke run of a few minutes, not a result.
    seeds : int, default=None
        Seeds per model; tables report mean and standard deviation. ``None``
        is 3, and 1 with ``quick``.
    data_home : str, default=None
        Folder of the built-in datasets (see
        :func:`~awdids.datasets.get_data_home`).
    data, test : path-like, default=None
        A user's labelled training and test files, for a user's schema;
        without ``test``, a stratified 70/30 split of ``data``.
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
    >>> metrics = reproduce("smoke-results", quick=True)  # doctest: +SKIP
    >>> sorted(metrics["models"])[:2]  # doctest: +SKIP
    ['AWD-CNN-LSTM', 'AWD-CNN-LSTM + GP-GAN']
    """
    if seeds is None:
        seeds = 1 if quick else 3
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ValueError(f"seeds must be a positive int, got {seeds!r}.")
    tic = time.perf_counter()
    rows = load_protocol_data(
        dataset, quick=quick, data_home=data_home, data=data, test=test
    )
    load_seconds = time.perf_counter() - tic
    out = prepare_out_dir(out)
    stages = out / "stages"
    stages.mkdir(exist_ok=True)
    budget = QUICK_BUDGET if quick else FULL_BUDGET
    seconds, started = {"load data": load_seconds}, time.perf_counter() - load_seconds
    schema = rows["schema"]
    log(
        f"data: {schema.name}, {len(rows['y_train'])} training rows "
        f"({rows['train_name']}), {len(rows['y_test'])} test rows ({rows['test_name']})"
    )

    tic = time.perf_counter()
    X_train_pre, pca = pca_stage(rows, budget.n_components)
    seconds["PCA (Fig 4)"] = time.perf_counter() - tic

    unseen = _unseen_values(rows)
    if unseen:
        log(f"test rows with text values outside the training vocabulary: {unseen}")
    records, kept_fits, fitted = {}, [], {}
    with warnings.catch_warnings():
        # said once above, not by the encoder at every prediction of every model
        warnings.filterwarnings("ignore", message="Found unknown categories")
        for seed in range(seeds):
            for name, model in make_models(seed, budget, schema).items():
                tic = time.perf_counter()
                log(f"seed {seed}: fitting {name} ...")
                _show_gan_progress(model)
                with _warnings_as_log_lines(log, f"seed {seed}: {name}"):
                    record, kept = fit_stage(
                        rows, name, model, seed, budget, stages, resume=resume
                    )
                records[(seed, name)] = record
                if kept:
                    kept_fits.append(f"seed {seed}: {name}")
                elif name in SITE_CLASSIFIERS.values():
                    fitted[(seed, name)] = model  # the site protocol wraps it
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
        X_train_pre, rows["y_train"], budget, stages, schema=schema, resume=resume
    )
    seconds["vanilla GAN (Fig 7)"] = time.perf_counter() - tic

    held_out = None
    if _all_test_types_seen(rows):
        tic = time.perf_counter()
        held_out = held_out_category_stage(
            rows,
            lambda: novelty_model(0, schema),
            stages,
            # a smoke run holds out the rare classes only
            categories=schema.oversample["classes"] if quick else None,
            resume=resume,
            log=log,
        )
        seconds["held-out categories"] = time.perf_counter() - tic

    tic = time.perf_counter()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Found unknown categories")
        site = [
            site_calibration_stage(
                rows,
                _site_classifiers(rows, seed, budget, fitted, log),
                seed,
                stages,
                resume=resume,
                log=log,
            )
            for seed in range(seeds)
        ]
    seconds["site-calibrated protocol"] = time.perf_counter() - tic

    metrics = assemble_metrics(
        rows, pca, records, vanilla, quick=quick, seeds=seeds, held_out=held_out
    )
    metrics["site_calibration"] = summarise_site(site)
    metrics["dataset"]["unseen_test_values"] = unseen
    draw_figures(metrics, out)
    seconds["total"] = time.perf_counter() - started
    metrics["stage_seconds"] = seconds
    metrics["kept_fits"] = kept_fits
    write_json_atomic(out / "metrics.json", metrics)
    write_text_atomic(out / "report.md", render_report(metrics))
    log(f"wrote {out / 'report.md'} ({seconds['total'] / 60:.1f} min)")
    return metrics


#: The site-calibrated protocol's flags, and the comparison model each wraps.
SITE_CLASSIFIERS = {
    f"{NOVELTY_BASE} + novelty flag": NOVELTY_BASE,
    f"{PAPER_PIPELINE} + novelty flag": PAPER_PIPELINE,
}


def _site_classifiers(rows, seed, budget, fitted, log):
    """A callable giving each site flag's classifier, fitted on the training rows.

    A fit of the standard protocol's is reused (the same model and seed);
    one read back from an earlier run is fitted again.
    """

    def classifiers():
        models = make_models(seed, budget, rows["schema"])
        out = {}
        for flag, name in SITE_CLASSIFIERS.items():
            if (seed, name) not in fitted:
                log(f"seed {seed}: fitting {name} for the site protocol ...")
                with _warnings_as_log_lines(log, f"seed {seed}: {name}"):
                    fitted[(seed, name)] = models[name].fit(
                        rows["X_train"], rows["y_train"]
                    )
            out[flag] = fitted[(seed, name)]
        return out

    return classifiers


def _unseen_values(rows):
    """Column -> test rows whose value the vocabulary lacks (encoded as zeros)."""
    X = rows["X_test"]
    counts = {
        column: int((~X[column].astype(str).isin(vocabulary)).sum())
        for column, vocabulary in rows["schema"].checked_vocabulary.items()
    }
    return {column: n for column, n in counts.items() if n}


def _all_test_types_seen(rows):
    """Whether no test row is of an attack type the training rows lack."""
    normal = rows["schema"].normal_label
    types = set(np.asarray(rows["attack_test"]).tolist()) - {normal}
    return types <= set(rows["seen_attacks"])
