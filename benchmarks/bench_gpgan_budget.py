"""GPGANSampler's training budget: fit seconds and two-sample AUCs over seeds.

For U2R and R2L of KDDTrain+, every configuration (explicit ``epochs`` and
``learning_rate``; the other parameters at their defaults) is fitted with seeds
``0 .. --seeds - 1`` on the same rows and synthesises 10,000 rows per class,
judged by :func:`awdids.evaluation.synthetic_quality`'s two two-sample judges
(random forest and logistic regression; 0.5: real and synthetic rows cannot be
told apart). Prints and writes, per configuration and class, the mean and
standard deviation over seeds of both AUCs and the median fit seconds. The
default budget was chosen on this table; KDDTest+ is never read. CTGAN's fit
time on the same rows is in ``bench_gpgan.py``.

Usage: ``python benchmarks/bench_gpgan_budget.py [--seeds 3] [--configs PREFIX ...]``
(needs the NSL-KDD files: ``AWDIDS_DATA``; about 13 minutes on 2 cores).
"""

import argparse
import statistics
from pathlib import Path

from _results import Report, default_out, mean_std  # benchmarks/ is on sys.path
from bench_gpgan import CLASSES, N_NEW, Data

from awdids.evaluation import synthetic_quality
from awdids.over_sampling import AddRows, GPGANSampler
from awdids.preprocessing import nsl_kdd_one_hot_groups

NAME = "bench_gpgan_budget"
#: Name -> the budget parameters it sets; epochs=40 at 2e-4 was the default
#: before the time-to-accuracy work.
CONFIGS = {
    "epochs=40, learning_rate=2e-4": {"epochs": 40, "learning_rate": 2e-4},
    "epochs=15, learning_rate=2e-4": {"epochs": 15, "learning_rate": 2e-4},
    "epochs=15, learning_rate=5e-4": {"epochs": 15, "learning_rate": 5e-4},
    "epochs=12, learning_rate=5e-4": {"epochs": 12, "learning_rate": 5e-4},
}


def fit_and_judge(data, params, seed):
    """Class -> (forest AUC, logistic AUC, fit s) of one fitted sampler."""
    sampler = GPGANSampler(
        sampling_strategy=AddRows(N_NEW, list(CLASSES)),
        discrete_groups=nsl_kdd_one_hot_groups(),
        random_state=seed,
        **params,
    )
    X_res, y_res = sampler.fit_resample(data.X, data.y)
    new, new_y = X_res[len(data.X) :], y_res[len(data.X) :]
    out = {}
    for label in CLASSES:
        quality = synthetic_quality(
            data.X[data.y == label],
            new[new_y == label],
            one_hot_groups=nsl_kdd_one_hot_groups(),
        )
        out[label] = (
            quality["two_sample_auc"],
            quality["two_sample_auc_logistic"],
            sampler.fit_seconds_[label],
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--configs",
        nargs="+",
        metavar="PREFIX",
        help="run only the configurations whose names start with one of these",
    )
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    args = parser.parse_args()
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    chosen = {
        name: params
        for name, params in CONFIGS.items()
        if args.configs is None or name.startswith(tuple(args.configs))
    }
    if not chosen:
        parser.error(f"--configs {args.configs} names none of {list(CONFIGS)}")
    data = Data()
    runs = {}
    for name, params in chosen.items():
        runs[name] = []
        for seed in range(args.seeds):
            runs[name].append(fit_and_judge(data, params, seed))
            print(f"{name}, seed {seed}: {runs[name][-1]}", flush=True)

    report = Report(
        NAME,
        "GPGANSampler's training budget over seeds",
        f"U2R and R2L of KDDTrain+, {N_NEW:,} synthetic rows per class, seeds "
        f"0-{args.seeds - 1} on the same rows. AUC: the two-sample judges of "
        "``synthetic_quality`` (0.5: the judge cannot tell real from synthetic "
        "rows), mean ± std over seeds. Fit s: median over seeds of one class's "
        "GAN training.",
    )
    table = []
    for name, per_seed in runs.items():
        for label in CLASSES:
            forest, logistic, seconds = zip(*(run[label] for run in per_seed))
            table.append(
                [
                    name,
                    label,
                    mean_std(forest),
                    mean_std(logistic),
                    f"{statistics.median(seconds):.1f}",
                ]
            )
    report.table(
        "Two-sample AUC and fit seconds",
        ["budget", "class", "AUC forest", "AUC logistic", "fit s"],
        table,
    )
    report.values["runs"] = {
        name: [{label: list(run[label]) for label in CLASSES} for run in per_seed]
        for name, per_seed in runs.items()
    }
    report.write(args.out)


if __name__ == "__main__":
    main()
