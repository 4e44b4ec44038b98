"""How much joint structure the two-sample test of ``bench_gpgan.py`` demands.

A generator that gets every column's distribution right but not how columns
go together still fails the random-forest two-sample test. This script
measures that without any generator: for U2R and R2L of KDDTrain+ (after the
122-column preprocessor) it builds 10,000 reference rows from the real rows
themselves, each column drawn independently from the real rows of

- the whole class (exact marginals, no dependence between columns);
- the same combination of the three text columns (protocol, service, flag);
- the same k-means cluster of the class's rows, for several k,

and prints the measures of :func:`awdids.evaluation.synthetic_quality` for
each. Rows built so get the marginals within each group exactly right; how far
their AUC stays above 0.5 is what a generator must learn beyond them.

Usage: ``python benchmarks/bench_two_sample_floor.py [--clusters 5,10,20,40]``
(needs the NSL-KDD files: ``AWDIDS_DATA``; about two minutes on a 2-core CPU).
"""

import argparse
from pathlib import Path

import numpy as np
from _results import Report, default_out  # benchmarks/ is on sys.path
from sklearn.cluster import KMeans

from awdids.datasets import fetch_nsl_kdd
from awdids.evaluation import synthetic_quality
from awdids.preprocessing import make_nsl_kdd_preprocessor, nsl_kdd_one_hot_groups

NAME = "bench_two_sample_floor"

CLASSES = ("u2r", "r2l")
N_ROWS = 10_000


def independent_within(real, groups, n_rows, rng):
    """Rows whose columns are drawn independently from the real rows of a group.

    The group of each new row is drawn with the groups' frequencies; every
    column then takes its value from an independently chosen real row of
    that group.
    """
    ids, counts = np.unique(groups, return_counts=True)
    chosen = rng.choice(ids, size=n_rows, p=counts / counts.sum())
    rows = np.empty((n_rows, real.shape[1]), dtype=real.dtype)
    columns = np.arange(real.shape[1])
    for group in ids:
        members, new = real[groups == group], chosen == group
        donors = rng.integers(0, len(members), size=(int(new.sum()), len(columns)))
        rows[new] = members[donors, columns]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", default="5,10,20,40")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    args = parser.parse_args()

    X, y = fetch_nsl_kdd("train", return_X_y=True)
    Xt = make_nsl_kdd_preprocessor().fit_transform(X).astype(np.float32)
    y = y.to_numpy()
    n_text = sum(len(group) for group in nsl_kdd_one_hot_groups())
    rows = []
    for label in CLASSES:
        real = Xt[y == label]
        rng = np.random.default_rng(args.random_state)
        _, text_combination = np.unique(real[:, :n_text], axis=0, return_inverse=True)
        groupings = {
            "whole class": np.zeros(len(real), dtype=int),
            "text columns": text_combination.ravel(),
        }
        for k in (int(k) for k in args.clusters.split(",")):
            kmeans = KMeans(k, n_init=4, random_state=args.random_state)
            groupings[f"k-means, k={k}"] = kmeans.fit_predict(real)
        for name, groups in groupings.items():
            reference = independent_within(real, groups, N_ROWS, rng)
            quality = synthetic_quality(real, reference, random_state=0)
            rows.append((label, name, len(np.unique(groups)), quality))
            print(f"{label} {name}: {quality}", flush=True)

    report = Report(
        NAME,
        "How much joint structure the two-sample test demands",
        "No generator: for each class of KDDTrain+, 10,000 rows whose columns are "
        "drawn independently from the real rows of a group, so each column's "
        "distribution within the group is exact and only the dependence between "
        "columns is lost. The forest judge's two-sample AUC of such rows is a "
        "floor for any generator that does not model that dependence.",
    )
    report.table(
        "Two-sample AUC of rows with exact marginals within groups",
        [
            "class",
            "columns independent within",
            "groups",
            "two-sample AUC",
            "exact copies",
            "distinct",
        ],
        [
            [
                label,
                name,
                n_groups,
                f"{q['two_sample_auc']:.3f}",
                f"{q['exact_copy_share']:.1%}",
                f"{q['distinct_share']:.1%}",
            ]
            for label, name, n_groups, q in rows
        ],
    )
    report.values["rows"] = [
        {"class": label, "grouping": name, "groups": int(n), **q}
        for label, name, n, q in rows
    ]
    report.write(args.out)


if __name__ == "__main__":
    main()
