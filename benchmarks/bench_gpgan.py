"""GPGANSampler beside the generators users know, on the same rows, in one run.

For U2R and R2L of KDDTrain+ every method synthesises 10,000 rows (the
paper's recipe). The methods:

- GPGANSampler at its defaults, again at one torch thread (its distinct share
  must hold at any thread count), with the other number of modes that
  ``bench_gpgan_downstream.py`` compared (1, the paper's unconditional GAN, or
  10), as a vanilla GAN (``loss="gan"``), and its default generators drawing
  under bfloat16 (``mixed_precision=True``);
- SMOTE and ADASYN on the 122 preprocessed columns;
- SMOTENC, CTGAN and TVAE on the raw 41 columns, the text columns and the
  columns binary in the class declared discrete, their rows then passed
  through the same fitted preprocessor. CTGAN and TVAE (package ``ctgan``,
  default settings: 300 epochs) come with the optional ``ctgan`` extra; the
  run skips them, saying so, without it.

Every method is judged the same way, on the preprocessed columns, by
:func:`awdids.evaluation.synthetic_quality` (two two-sample judges of
different families, a random forest and a logistic regression; exact copies;
distinct rows; fit RMSE; out-of-range values; invalid one-hot rows; categories
the class never shows), by :func:`awdids.evaluation.mode_coverage` against the
attack types within the class (never shown to any generator), and by the share
that a random forest trained on the real data labels as the class. Fit seconds
and generated rows per second (median of 3 draws of 100,000 rows; the
interpolating samplers: their rows over their whole run) close each row.

Usage: ``python benchmarks/bench_gpgan.py [--epochs N] [--methods PREFIX ...]``
(needs the NSL-KDD files: ``AWDIDS_DATA``; 11 minutes on 2 cores).
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _results import Report, default_out  # benchmarks/ is on sys.path
from imblearn.over_sampling import ADASYN, SMOTE, SMOTENC
from sklearn.ensemble import RandomForestClassifier

from awdids.datasets import fetch_nsl_kdd
from awdids.datasets._schema import CATEGORICAL_FEATURES
from awdids.evaluation import mode_coverage, synthetic_quality
from awdids.over_sampling import AddRows, GPGANSampler
from awdids.preprocessing import make_nsl_kdd_preprocessor, nsl_kdd_one_hot_groups

CLASSES = ("u2r", "r2l")
N_NEW = 10_000


def median_rate(draw, n_rows=100_000, repeats=3):
    """Median rows per second of ``draw(n_rows)`` over ``repeats`` draws."""
    draw(10_000)  # warm-up: allocator, oneDNN kernels
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        draw(n_rows)
        seconds.append(time.perf_counter() - start)
    return n_rows / float(np.median(seconds))


def discrete_columns(frame):
    """The text columns and the columns holding only 0 and 1 in ``frame``."""
    binary = [
        c
        for c in frame.columns
        if c not in CATEGORICAL_FEATURES and set(frame[c].unique()) <= {0, 1}
    ]
    return [*CATEGORICAL_FEATURES, *binary]


class Data:
    """KDDTrain+ raw and preprocessed, with the class and attack of each row."""

    def __init__(self):
        bunch = fetch_nsl_kdd("train")
        self.raw = bunch.data
        self.preprocessor = make_nsl_kdd_preprocessor().fit(self.raw)
        self.X = self.preprocessor.transform(self.raw).astype(np.float32)
        self.y = bunch.target.to_numpy()
        self.attack = bunch.attack.to_numpy()

    def preprocess(self, frame):
        return self.preprocessor.transform(frame).astype(np.float32)


def gan_rows(data, sampler):
    """Fit a GPGANSampler on both classes: label -> (rows, fit s, rows/s)."""
    X_res, y_res = sampler.fit_resample(data.X, data.y)
    new, new_y = X_res[len(data.X) :], y_res[len(data.X) :]
    return drawn_rows(sampler, {label: new[new_y == label] for label in CLASSES})


def drawn_rows(sampler, new):
    """A fitted GPGANSampler's rows, fit seconds and draw rate per class."""
    return {
        label: (
            new[label],
            sampler.fit_seconds_[label],
            median_rate(lambda n, label=label: sampler.sample(n, label)),
        )
        for label in CLASSES
    }


def interpolated_rows(X, y, sampler, preprocess=None):
    """Fit an imbalanced-learn sampler once for both classes."""
    start = time.perf_counter()
    X_res, y_res = sampler.fit_resample(X, y)
    seconds = time.perf_counter() - start
    new, new_y = X_res[len(X) :], np.asarray(y_res)[len(X) :]
    if preprocess is not None:
        new = preprocess(new)
    rate = len(new_y) / seconds
    return {
        label: (new[new_y == label], seconds / len(CLASSES), rate) for label in CLASSES
    }


def tabular_model_rows(data, make_model, seed):
    """Fit a ``ctgan`` model per class on the raw columns."""
    rows = {}
    for label in CLASSES:
        frame = data.raw[data.y == label].reset_index(drop=True)
        model = make_model()
        model.set_random_state(seed)
        start = time.perf_counter()
        model.fit(frame, discrete_columns(frame))
        seconds = time.perf_counter() - start
        rate = median_rate(model.sample)
        rows[label] = (data.preprocess(model.sample(N_NEW)), seconds, rate)
    return rows


def methods(data, args):
    """Method name -> function returning label -> (rows, fit s, rows/s)."""
    strategy = AddRows(N_NEW, list(CLASSES))
    groups = nsl_kdd_one_hot_groups()
    seed = args.random_state
    overrides = {} if args.epochs is None else {"epochs": args.epochs}

    def gan(**params):
        return GPGANSampler(
            sampling_strategy=strategy,
            discrete_groups=groups,
            random_state=seed,
            **{**overrides, **params},
        )

    fitted = gan()

    def bfloat16_sampling():
        # The generators trained for "GPGANSampler": only drawing changes.
        fitted.set_params(mixed_precision=True)
        try:
            return drawn_rows(
                fitted, {label: fitted.sample(N_NEW, label) for label in CLASSES}
            )
        finally:
            fitted.set_params(mixed_precision=False)

    def one_thread():
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return gan_rows(data, gan())
        finally:
            torch.set_num_threads(threads)

    def raw_smotenc():
        sampler = SMOTENC(
            categorical_features=discrete_columns(data.raw[np.isin(data.y, CLASSES)]),
            sampling_strategy=strategy,
            random_state=seed,
        )
        return interpolated_rows(data.raw, data.y, sampler, data.preprocess)

    # The default sampler, then the other number of modes the downstream
    # benchmark compared.
    n_modes = fitted.n_modes
    other = 10 if n_modes == 1 else 1
    found = {
        f"GPGANSampler (default, n_modes={n_modes})": lambda: gan_rows(data, fitted),
        "GPGANSampler, 1 thread": one_thread,
        f"GPGANSampler n_modes={other}": lambda: gan_rows(data, gan(n_modes=other)),
        "GPGANSampler loss=gan": lambda: gan_rows(data, gan(loss="gan")),
        "GPGANSampler, bfloat16 sampling": bfloat16_sampling,
        "SMOTE": lambda: interpolated_rows(
            data.X, data.y, SMOTE(sampling_strategy=strategy, random_state=seed)
        ),
        "ADASYN": lambda: interpolated_rows(
            data.X, data.y, ADASYN(sampling_strategy=strategy, random_state=seed)
        ),
        "SMOTENC": raw_smotenc,
    }
    try:
        import ctgan
        from ctgan import CTGAN, TVAE
    except ImportError:
        print("ctgan is not installed (pip install awdids[ctgan]): no CTGAN, TVAE")
    else:
        print(f"ctgan {ctgan.__version__}", flush=True)
        found["CTGAN"] = lambda: tabular_model_rows(data, CTGAN, seed)
        found["TVAE"] = lambda: tabular_model_rows(data, TVAE, seed)
    return found


def judge(data, forest, label, fake):
    real = data.X[data.y == label]
    return {
        **synthetic_quality(real, fake, one_hot_groups=nsl_kdd_one_hot_groups()),
        **mode_coverage(real, data.attack[data.y == label], fake),
        "own_class": float(np.mean(forest.predict(fake) == label)),
    }


def _ctgan_version():
    try:
        import ctgan
    except ImportError:
        return None
    return ctgan.__version__


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--methods",
        nargs="+",
        metavar="PREFIX",
        help="run only the methods whose names start with one of these "
        "(e.g. GPGANSampler CTGAN TVAE); default: all",
    )
    parser.add_argument("--out", type=Path, default=default_out("bench_gpgan"))
    args = parser.parse_args()
    if args.methods and args.out == default_out("bench_gpgan"):
        # a subset would replace the full table the benchmark page shows
        parser.error("--methods needs --out (a file other than the page's)")

    print(
        f"torch {torch.__version__}, CPU capability "
        f"{torch.backends.cpu.get_cpu_capability()}, "
        f"{torch.get_num_threads()} threads",
        flush=True,
    )
    data = Data()
    chosen = {
        name: fit
        for name, fit in methods(data, args).items()
        if args.methods is None or name.startswith(tuple(args.methods))
    }
    if not chosen:
        parser.error(f"--methods {args.methods} names none of the methods")
    forest = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=-1)
    forest.fit(data.X, data.y)
    rows = []
    for name, fit in chosen.items():
        start = time.perf_counter()
        for label, (fake, fit_s, rate) in fit().items():
            measures = judge(data, forest, label, fake)
            rows.append({"method": name, "class": label, **measures})
            rows[-1].update(fit_s=fit_s, rows_per_s=rate)
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)

    report = Report(
        "bench_gpgan",
        "GPGANSampler beside SMOTE, ADASYN, SMOTENC, CTGAN and TVAE",
        "For U2R and R2L of KDDTrain+ each method synthesises "
        f"{N_NEW:,} rows, judged on the 122 preprocessed columns. Two-sample "
        "AUC: cross-validated ROC AUC of a judge telling real from synthetic "
        "rows (0.5: it cannot), a random forest and a logistic regression. "
        "Copies and distinct: shares of the synthetic rows. Invalid: rows with "
        "a broken one-hot block, a category the class never shows, or a value "
        "outside the class's range. Modes: share of the class's attack types "
        "that get at least half their real share of the synthetic rows (each "
        "row takes the type of its nearest real row), and the total variation "
        "distance between the real and synthetic type shares. Own class: "
        "share a forest trained on the real data labels as the class. Rows/s: "
        "median of 3 draws of 100,000 rows (SMOTE, ADASYN, SMOTENC: their rows "
        "over their whole run; CTGAN, TVAE: raw rows, before preprocessing).",
    )
    report.table(
        "Quality, validity and speed of synthetic rows",
        [
            "method",
            "class",
            "AUC forest",
            "AUC logistic",
            "copies",
            "distinct",
            "fit RMSE",
            "broken one-hot",
            "unseen category",
            "out of range",
            "types covered",
            "type share gap",
            "own class",
            "fit s",
            "rows/s",
        ],
        [
            [
                r["method"],
                r["class"],
                f"{r['two_sample_auc']:.3f}",
                f"{r['two_sample_auc_logistic']:.3f}",
                f"{r['exact_copy_share']:.1%}",
                f"{r['distinct_share']:.1%}",
                f"{r['moment_rmse']:.4f}",
                f"{r['invalid_one_hot_share']:.1%}",
                f"{r['unseen_category_share']:.1%}",
                f"{r['out_of_range_share']:.1%}",
                f"{r['modes_covered']:.0%}",
                f"{r['mode_share_distance']:.3f}",
                f"{r['own_class']:.1%}",
                f"{r['fit_s']:.1f}",
                f"{r['rows_per_s']:,.0f}",
            ]
            for r in rows
        ],
    )
    report.values["rows"] = rows
    report.values["ctgan_version"] = _ctgan_version()
    report.write(args.out)


if __name__ == "__main__":
    main()
