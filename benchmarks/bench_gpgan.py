"""Quality and speed of GPGANSampler against a vanilla GAN and SMOTE on NSL-KDD.

For U2R and R2L of KDDTrain+ (after the 122-column preprocessor), each method
synthesises 10,000 rows (the paper's recipe) and is judged by:

- fit RMSE of per-feature means and standard deviations (Fig 7's measure);
- a two-sample test: cross-validated ROC AUC of a random forest separating real
  from synthetic rows (0.5 = indistinguishable);
- the share of synthetic rows that copy a training row, and of distinct rows;
- the share a random forest trained on the real training data labels as the
  class they were made for;
- seconds to fit, and generated rows per second (median of 3 draws of 100,000
  rows; SMOTE: its 20,000 rows over its whole run). The WGAN-GP generators are
  judged twice: drawing in float32 (the default) and with
  ``mixed_precision=True`` (bfloat16 hidden layers).

Usage: ``python benchmarks/bench_gpgan.py [--epochs N] [--learning-rate LR]``
(needs the NSL-KDD files: ``AWDIDS_DATA``).
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _results import Report, default_out  # benchmarks/ is on sys.path
from imblearn.over_sampling import SMOTE
from sklearn.ensemble import RandomForestClassifier

from awdids.datasets import fetch_nsl_kdd
from awdids.evaluation import synthetic_quality
from awdids.over_sampling import AddRows, GPGANSampler
from awdids.preprocessing import make_nsl_kdd_preprocessor, nsl_kdd_one_hot_groups

CLASSES = ("u2r", "r2l")
N_NEW = 10_000


def generation_rate(sampler, label, n_rows=100_000, repeats=3):
    """Median rows per second of ``sampler.sample`` over ``repeats`` draws."""
    sampler.sample(10_000, label)  # warm-up: allocator, oneDNN kernels
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        sampler.sample(n_rows, label)
        seconds.append(time.perf_counter() - start)
    return n_rows / float(np.median(seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--out", type=Path, default=default_out("bench_gpgan"))
    args = parser.parse_args()

    print(
        f"torch {torch.__version__}, CPU capability "
        f"{torch.backends.cpu.get_cpu_capability()}, "
        f"{torch.get_num_threads()} threads",
        flush=True,
    )
    X, y = fetch_nsl_kdd("train", return_X_y=True)
    Xt = make_nsl_kdd_preprocessor().fit_transform(X).astype(np.float32)
    y = y.to_numpy()
    judge = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=-1)
    judge.fit(Xt, y)

    def judge_rows(fake, label):
        quality = synthetic_quality(Xt[y == label], fake, random_state=0)
        return quality, float(np.mean(judge.predict(fake) == label))

    overrides = {}
    if args.epochs is not None:
        overrides["epochs"] = args.epochs
    if args.learning_rate is not None:
        overrides["learning_rate"] = args.learning_rate
    strategy = AddRows(N_NEW, list(CLASSES))
    methods = {
        "WGAN-GP": GPGANSampler(
            sampling_strategy=strategy,
            discrete_groups=nsl_kdd_one_hot_groups(),
            random_state=args.random_state,
            **overrides,
        ),
        "vanilla GAN": GPGANSampler(
            sampling_strategy=strategy,
            loss="gan",
            discrete_groups=nsl_kdd_one_hot_groups(),
            random_state=args.random_state,
            **overrides,
        ),
        "SMOTE": SMOTE(sampling_strategy=strategy, random_state=args.random_state),
    }
    rows = []
    for name, sampler in methods.items():
        start = time.perf_counter()
        X_res, y_res = sampler.fit_resample(Xt, y)
        total = time.perf_counter() - start
        synthetic, synthetic_y = X_res[len(Xt) :], y_res[len(Xt) :]
        for label in CLASSES:
            fake = synthetic[synthetic_y == label]
            if isinstance(sampler, GPGANSampler):
                fit_s, rate = (
                    sampler.fit_seconds_[label],
                    generation_rate(sampler, label),
                )
            else:
                fit_s, rate = total / len(CLASSES), N_NEW * len(CLASSES) / total
            rows.append((name, label, judge_rows(fake, label), fit_s, rate))
        print(f"{name}: {total:.1f} s for both classes", flush=True)

    # The same trained WGAN-GP generators, drawing under bfloat16 autocast.
    wgan = methods["WGAN-GP"].set_params(mixed_precision=True)
    for label in CLASSES:
        fake = wgan.sample(N_NEW, label).astype(np.float32)
        rate = generation_rate(wgan, label)
        rows.append(
            (
                "WGAN-GP, bfloat16 sampling",
                label,
                judge_rows(fake, label),
                wgan.fit_seconds_[label],
                rate,
            )
        )

    report = Report(
        "bench_gpgan",
        "GPGANSampler against a vanilla GAN and SMOTE",
        "For U2R and R2L of KDDTrain+ (after the 122-column preprocessor) each "
        f"method synthesises {N_NEW:,} rows. Fit RMSE compares per-feature means "
        "and standard deviations; the two-sample AUC is a random forest's "
        "cross-validated ROC AUC at telling real from synthetic rows (0.5: it "
        "cannot); exact copies and distinct rows are shares of the synthetic "
        "rows; 'judged own class' is the share a forest trained on the real data "
        "labels as the class they were made for. Rows/s: median of 3 draws of "
        "100,000 rows (SMOTE: its rows over its whole run).",
    )
    report.table(
        "Quality and speed of synthetic rows",
        [
            "method",
            "class",
            "fit RMSE",
            "two-sample AUC",
            "exact copies",
            "distinct",
            "judged own class",
            "fit s",
            "rows/s",
        ],
        [
            [
                name,
                label,
                f"{q['moment_rmse']:.4f}",
                f"{q['two_sample_auc']:.3f}",
                f"{q['exact_copy_share']:.1%}",
                f"{q['distinct_share']:.1%}",
                f"{own:.1%}",
                f"{fit_s:.1f}",
                f"{rate:,.0f}",
            ]
            for name, label, (q, own), fit_s, rate in rows
        ],
    )
    report.values["rows"] = [
        {"method": n, "class": c, **q, "own_class": o, "fit_s": f, "rows_per_s": r}
        for n, c, (q, o), f, r in rows
    ]
    report.write(args.out)


if __name__ == "__main__":
    main()
