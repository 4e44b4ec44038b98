"""What over-sampling buys the paper's classifier on attack types it never saw.

On the three :class:`~awdids.model_selection.NovelAttackKFold` folds of
KDDTrain+ (each fold's test rows are all rows of attack types its model never
saw, plus a third of the normal rows) and seeds 0-2, the paper's pipeline
(:func:`~awdids.make_awdids_pipeline`: preprocessor, over-sampler, PCA 80,
AWDConvLSTMClassifier at its defaults) is fitted with

- no over-sampling (``oversample="passthrough"``);
- SMOTE;
- GPGANSampler, unconditional (``n_modes=1``, the paper's GAN);
- GPGANSampler conditioned on 10 k-means modes of each class (``n_modes=10``).

Every sampler adds the same number of U2R and R2L rows. The table reports
macro F1 over the five classes and the F1 of R2L and U2R on the held-out
types, mean and standard deviation over the 9 fold-seed runs. KDDTest+ is
never read: this table, not the test set, chooses the sampler's defaults.

Budget: to keep the run under an hour on two cores, each fold's normal, DoS
and probe training rows are subsampled (``--majority-share``, default 10%,
stratified, seeded); all U2R and R2L rows are kept, and the paper's 10,000 new
rows per class are scaled by the same share (``--new-rows``, default 1,000),
so new rows are the same fraction of the training data as in the paper.

Usage: ``python benchmarks/bench_gpgan_downstream.py [--seeds 3]``
(needs the NSL-KDD files: ``AWDIDS_DATA``).
"""

import argparse
import time
from pathlib import Path

import numpy as np
from _results import Report, default_out, mean_std  # benchmarks/ is on sys.path
from imblearn.over_sampling import SMOTE

from awdids import make_awdids_pipeline
from awdids.datasets import CATEGORY_NAMES, fetch_nsl_kdd
from awdids.evaluation import classification_scores
from awdids.model_selection import NovelAttackKFold
from awdids.over_sampling import AddRows, GPGANSampler
from awdids.preprocessing import nsl_kdd_one_hot_groups

NAME = "bench_gpgan_downstream"
RARE = ["u2r", "r2l"]


def samplers(new_rows, seed):
    """The over-samplers compared, by name (``passthrough``: none)."""
    strategy = AddRows(new_rows, RARE)

    def gan(n_modes):
        return GPGANSampler(
            sampling_strategy=strategy,
            n_modes=n_modes,
            discrete_groups=nsl_kdd_one_hot_groups(),
            random_state=seed,
        )

    return {
        "no over-sampling": "passthrough",
        "SMOTE": SMOTE(sampling_strategy=strategy, random_state=seed),
        "GPGANSampler n_modes=1": gan(1),
        "GPGANSampler n_modes=10": gan(10),
    }


def subsample_majority(train, y, share, seed):
    """All rare rows of ``train`` plus ``share`` of each other class, seeded."""
    rng = np.random.default_rng(seed)
    keep = [train[np.isin(y[train], RARE)]]
    for label in sorted(set(y[train]) - set(RARE)):
        rows = train[y[train] == label]
        keep.append(rng.choice(rows, max(1, round(share * len(rows))), replace=False))
    return np.sort(np.concatenate(keep))


def scores(y_true, y_pred):
    """Macro F1 over the five classes, and the F1 of R2L and U2R.

    Every fold's test rows hold all five classes (each category has at least
    three attack types to deal), so no class's F1 is 0 for want of rows.
    """
    measured = classification_scores(y_true, y_pred, labels=CATEGORY_NAMES)
    per_class = measured["per_class"]
    return {
        "macro_f1": measured["macro_f1"],
        "r2l_f1": per_class["r2l"]["f1"],
        "u2r_f1": per_class["u2r"]["f1"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--majority-share", type=float, default=0.1)
    parser.add_argument("--new-rows", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    args = parser.parse_args()

    bunch = fetch_nsl_kdd("train")
    X, y, attack = bunch.data, bunch.target.to_numpy(), bunch.attack.to_numpy()
    folds = list(NovelAttackKFold(n_splits=3).split(X, y, groups=attack))
    runs = []
    started = time.perf_counter()
    for seed in range(args.seeds):
        for fold, (train, test) in enumerate(folds):
            train = subsample_majority(train, y, args.majority_share, seed)
            for name, sampler in samplers(args.new_rows, seed).items():
                model = make_awdids_pipeline(random_state=seed, oversample=sampler)
                model.fit(X.iloc[train], y[train])
                measured = scores(y[test], model.predict(X.iloc[test]))
                runs.append({"seed": seed, "fold": fold, "method": name, **measured})
                print(f"seed {seed} fold {fold} {name}: {measured}", flush=True)
    minutes = (time.perf_counter() - started) / 60

    methods = list(samplers(args.new_rows, 0))
    report = Report(
        NAME,
        "Over-sampling and held-out attack types (NovelAttackKFold)",
        "The paper's pipeline on the three NovelAttackKFold folds of KDDTrain+ "
        f"(seeds 0-{args.seeds - 1}), with each over-sampler adding "
        f"{args.new_rows:,} U2R and R2L rows. Normal, DoS and probe training rows "
        f"are subsampled to {args.majority_share:.0%} (all U2R and R2L rows kept), "
        "so new rows are the same share of the training data as in the paper's "
        "recipe. F1 on the folds' test rows: attack types the model never saw and "
        "a third of the normal rows. Mean ± standard deviation over fold-seed "
        "runs (R2L and U2R: the runs whose test rows hold the class). "
        f"The whole run took {minutes:.0f} minutes.",
    )
    report.table(
        "F1 on held-out attack types",
        ["over-sampling", "macro F1", "R2L F1", "U2R F1"],
        [
            [
                method,
                *(
                    mean_std([r[key] for r in runs if r["method"] == method])
                    for key in ("macro_f1", "r2l_f1", "u2r_f1")
                ),
            ]
            for method in methods
        ],
    )
    report.values["runs"] = runs
    report.values["minutes"] = minutes
    report.write(args.out)


if __name__ == "__main__":
    main()
