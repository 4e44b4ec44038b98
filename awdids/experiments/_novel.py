"""Known against novel attack types in ``awdids reproduce``: tables and curves.

KDDTest+ holds attack types that KDDTrain+ never shows, and KDD Cup 99's
corrected set 17 that its 10% file never shows. For every model these
functions split its test scores into known-type and novel-type rows (on each
test subset: KDDTest+ and KDDTest-21, its rows with difficulty below 21) and
trace how many novel-type attack rows its attack score flags against how many
normal rows, with the model's own predictions marked as its operating point.
"""

import numpy as np

from ..evaluation import known_novel_scores, novel_detection_curve, novel_type_mask

__all__ = ["KDDTEST_21_DIFFICULTY", "novel_attack_metrics"]

#: KDDTest-21 holds the KDDTest+ rows that fewer than 21 of the 21 reference
#: learners classified correctly (difficulty below 21).
KDDTEST_21_DIFFICULTY = 21

#: Normal-row shares at which each curve is kept (dense near zero, where
#: operating points lie).
_CURVE_GRID = np.unique(
    np.concatenate([np.linspace(0, 0.1, 101), np.linspace(0.1, 1, 46)])
)


def _flatten(scores):
    flat = {}
    for part in ("all", "known", "novel"):
        flat[f"{part}_accuracy"] = scores[part]["accuracy"]
        flat[f"{part}_macro_f1"] = scores[part]["macro_f1"]
    flat.update(scores["detection"])
    return flat


def _mean_std(per_seed):
    return {key: _stats([s[key] for s in per_seed]) for key in per_seed[0]}


def _subset_scores(predictions, y_true, attack, seen, rows, classes):
    return _mean_std(
        [
            _flatten(
                known_novel_scores(
                    y_true[rows],
                    np.asarray(y_pred, dtype=object)[rows],
                    attack[rows],
                    seen,
                    normal=classes[0],
                    labels=classes,
                )
            )
            for y_pred in predictions
        ]
    )


def _best_at(far, tpr, shares):
    """The most novel attack rows any threshold flags with at most ``shares``."""
    last = np.searchsorted(far, shares, side="right") - 1
    return np.maximum.accumulate(tpr)[last]


def _curve(record, seed_zero, y_true, attack, seen, normal):
    """Seed 0's curve; ``seed_zero`` holds its scores on the same rows."""
    far, tpr = novel_detection_curve(
        record["attack_score"], y_true, attack, seen, normal=normal
    )
    return {
        "novel_flagged_at_5pct_normal": float(_best_at(far, tpr, 0.05)),
        "normal_flagged": _CURVE_GRID.tolist(),
        "novel_flagged": _best_at(far, tpr, _CURVE_GRID).round(5).tolist(),
        "operating_point": [
            seed_zero["normal_rows_flagged"]["values"][0],
            seed_zero["novel_attack_rows_flagged"]["values"][0],
        ],
    }


def novel_attack_metrics(data, records):
    """What ``metrics.json`` reports on attack types never seen in training.

    Parameters
    ----------
    data : dict
        :func:`~awdids.experiments._protocols.load_protocol_data`'s output
        (``y_test``, ``attack_test``, ``test_subsets``, ``seen_attacks`` and
        ``classes``, normal first).
    records : dict
        ``(seed, model name)`` -> :func:`~awdids.experiments.fit_stage`
        record (``y_pred`` of every seed, ``attack_score`` of seed 0).

    Returns
    -------
    metrics : dict
        ``seen_attacks`` and ``novel_attacks`` (the test types outside them);
        ``rows`` (test rows per subset and how many are of novel types);
        ``subsets``: each test subset (``KDDTest+``, ``KDDTest-21``) mapping a
        model to
        mean, std and values over seeds of accuracy and macro F1 over
        ``all``, ``known`` and ``novel`` rows and the shares of attack,
        normal and novel-type attack rows flagged; ``curves``: per model,
        novel-type attack rows flagged at each share of normal rows flagged
        by the best threshold that flags at most that share (seed 0), the
        ``operating_point`` of its predictions, and the share so flagged at
        5% of normal rows (read off the test curve: a bound on what any
        threshold reaches, not an operating point);
        ``flag_drift``: per :class:`~awdids.novelty.OpenSetClassifier`, its
        false-alarm target and the share of normal rows its flag hit on the
        held-out calibration folds and on the test rows.
    """
    y_true = np.asarray(data["y_test"], dtype=object)
    attack = np.asarray(data["attack_test"], dtype=object)
    seen, classes = data["seen_attacks"], list(data["classes"])
    subsets = data["test_subsets"]
    whole = next(iter(subsets))
    predictions = {}
    for (_, name), record in _by_seed(records):
        predictions.setdefault(name, []).append(record["y_pred"])
    novel = novel_type_mask(attack, seen, normal=classes[0])
    if not novel.any():  # every attack type of the test rows is a training one
        return {
            "seen_attacks": sorted(seen),
            "novel_attacks": [],
            "flag_drift": _summarise_flags(records),
        }
    scores = {
        subset: {
            name: _subset_scores(preds, y_true, attack, seen, rows, classes)
            for name, preds in predictions.items()
        }
        for subset, rows in subsets.items()
    }
    return {
        "seen_attacks": sorted(seen),
        "novel_attacks": sorted(set(attack[novel].tolist())),
        "rows": {
            subset: {"rows": int(rows.sum()), "novel": int((rows & novel).sum())}
            for subset, rows in subsets.items()
        },
        "subsets": scores,
        "curves": {
            name: _curve(
                records[(0, name)],
                scores[whole][name],
                y_true,
                attack,
                seen,
                classes[0],
            )
            for name in predictions
            if "attack_score" in records[(0, name)]
        },
        "flag_drift": _summarise_flags(records),
    }


def _by_seed(records):
    """The records in seed order, the models in their order within a seed."""
    return sorted(records.items(), key=lambda item: item[0][0])


def _summarise_flags(records):
    """Per OpenSetClassifier: its target and the normal rows its flag really hit."""
    drift = {}
    for (_, name), record in _by_seed(records):
        if "novelty_flag" in record:
            drift.setdefault(name, []).append(record["novelty_flag"])
    return {
        name: {
            "target": flags[0]["target"],
            "held_out_folds": _stats(
                [float(np.mean(f["held_out_folds"])) for f in flags]
            ),
            "test_normal": _stats([f["test_normal_flagged"] for f in flags]),
        }
        for name, flags in drift.items()
    }


def _stats(values):
    return {
        "mean": float(np.mean(values)),
        "std": float(np.std(values)),
        "values": values,
    }
