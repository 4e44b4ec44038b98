"""The site-calibrated protocol of ``awdids reproduce``: a capture of test traffic.

The standard protocol sets the unknown-attack flag on training rows alone, and
its false-alarm promise breaks on the test set's normal traffic, which differs
from the training set's. A deployed detector is calibrated on the protected
network's own traffic instead (:meth:`~awdids.novelty.OpenSetClassifier.calibrate`).
This protocol plays that step: a seeded sample of the test set's normal rows
is the site's capture. **It uses test rows**, so its figures are not
comparable with published ones on the same test set; the capture rows (and
the attack rows a contaminated capture may hold) are never scored.

For each seed, each flag (around the comparison's best classifier and around
the paper's pipeline, both fitted once on the training rows and wrapped with
``cv="prefit"``) is scored at 1% and 5% promised false alarms:

- with its training threshold (the standard protocol, on the same rows);
- calibrated on captures of 1%, 2%, 5% and 10% of the test normal rows (the
  captures are nested; every one is scored on the rows outside the largest);
- calibrated on the 5% capture with 1% and 5% of it replaced by test attack
  rows (a capture that is not clean).
"""

import numpy as np

from .. import __version__
from .._io import write_json_atomic
from ..evaluation import classification_scores, novel_type_mask
from ..novelty import OpenSetClassifier

__all__ = [
    "CAPTURE_SHARES",
    "CONTAMINATION",
    "MAIN_CAPTURE",
    "RATES",
    "site_calibration_stage",
]

#: Promised false-alarm rates.
RATES = (0.01, 0.05)
#: Captures, as shares of the test set's normal rows.
CAPTURE_SHARES = (0.01, 0.02, 0.05, 0.10)
#: The capture of the main table, and of the contamination sweep.
MAIN_CAPTURE = 0.05
#: Shares of the main capture replaced by test attack rows.
CONTAMINATION = (0.0, 0.01, 0.05)
#: The most test rows scored per evaluation (a seeded, stratified sample of
#: the rest beyond it): every evaluation scores them against the whole knn
#: reference.
MOST_SCORED_ROWS = 50_000
_FORMAT = 1


def _take(X, rows):
    return X.iloc[rows] if hasattr(X, "iloc") else np.asarray(X)[rows]


def draw_rows(y, normal_label, seed, most_scored=MOST_SCORED_ROWS):
    """The capture pool, the contamination pool and the rows to score.

    Returns ``(normal_pool, attack_pool, scored)``: test row positions. The
    pool holds the largest capture; each capture is a prefix of it.

    Examples
    --------
    >>> import numpy as np
    >>> from awdids.experiments._site import draw_rows
    >>> y = np.array(["normal"] * 200 + ["dos"] * 100)
    >>> normal, attack, scored = draw_rows(y, "normal", 0)
    >>> len(normal), len(attack), len(scored)
    (20, 0, 280)
    """
    rng = np.random.default_rng([seed, 28])
    y = np.asarray(y)
    normal = rng.permutation(np.flatnonzero(y == normal_label))
    attack = rng.permutation(np.flatnonzero(y != normal_label))
    normal_pool = normal[: int(round(max(CAPTURE_SHARES) * len(normal)))]
    n_main = int(round(MAIN_CAPTURE * len(normal)))
    attack_pool = attack[: int(round(max(CONTAMINATION) * n_main))]
    rest = np.setdiff1d(np.arange(len(y)), np.concatenate([normal_pool, attack_pool]))
    if len(rest) > most_scored:
        rest = np.sort(_stratified(rest, y[rest], most_scored, rng))
    return normal_pool, attack_pool, rest


def _stratified(rows, labels, n, rng):
    """``n`` of ``rows``, each class in its share (rounded)."""
    chosen = []
    for label in np.unique(labels):
        members = rows[labels == label]
        k = int(round(n * len(members) / len(rows)))
        chosen.append(rng.choice(members, min(k, len(members)), replace=False))
    return np.concatenate(chosen)


def captures(normal_pool, attack_pool, n_normal):
    """``(share, contamination) -> capture rows`` of every capture evaluated."""
    out = {}
    for share in CAPTURE_SHARES:
        out[(share, 0.0)] = normal_pool[: int(round(share * n_normal))]
    n_main = int(round(MAIN_CAPTURE * n_normal))
    for contamination in CONTAMINATION[1:]:
        k = int(round(contamination * n_main))
        out[(MAIN_CAPTURE, contamination)] = np.concatenate(
            [normal_pool[: n_main - k], attack_pool[:k]]
        )
    return out


def evaluate(detector, y_true, y_pred, scores, novel, classes, called_normal, *, site):
    """What one operating point gives on the scored rows.

    ``y_pred`` and ``scores`` are the detector's
    :meth:`~awdids.novelty.OpenSetClassifier.predict_with_scores` of the
    rows, and ``called_normal`` where its classifier alone calls them normal.
    ``reached`` is what the flag's promise counts: the share of normal rows
    it flags (``flagged``) for the training threshold, and the share it adds
    an alarm to (``flag_added``: flagged and called normal by the
    classifier) for a ``site`` calibration with ``trim="attack"``.
    ``false_alarms`` counts every alarm on normal rows, the classifier's own
    included.
    """
    normal = y_true == detector.normal_label
    flagged = scores < detector.offset_
    result = {
        "flagged": float(np.mean(flagged[normal])),
        "flag_added": float(np.mean((flagged & called_normal)[normal])),
        "false_alarms": float(np.mean(y_pred[normal] != detector.normal_label)),
        "novel_detected": None,
        "novel_flagged": None,
    }
    result["reached"] = result["flag_added" if site else "flagged"]
    if novel.any():
        result["novel_detected"] = float(
            np.mean(y_pred[novel] != detector.normal_label)
        )
        result["novel_flagged"] = float(np.mean(flagged[novel]))
    scores = classification_scores(y_true, y_pred, labels=classes)
    result.update(accuracy=scores["accuracy"], macro_f1=scores["macro_f1"])
    return result


def predict_at_each_rate(detectors, X, called_normal):
    """``rate -> (y_pred, scores)`` of each detector, scoring ``X`` once.

    The detectors wrap one classifier with one seed and are calibrated alike
    (on the training rows, or on one capture), so they give the same scores
    and differ only in ``offset_``: the rows whose flag that changes, among
    those the classifier calls normal, are the only ones predicted again.
    Each scoring of the rows costs a nearest-neighbour search against every
    normal training row, the bulk of this protocol's time.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from awdids.experiments._site import predict_at_each_rate
    >>> from awdids.novelty import OpenSetClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (300, 2)), rng.normal(4, 1, (100, 2))])
    >>> y = np.array(["normal"] * 300 + ["dos"] * 100)
    >>> forest = RandomForestClassifier(random_state=0).fit(X, y)
    >>> detectors = {
    ...     rate: OpenSetClassifier(
    ...         forest, cv="prefit", false_alarm_rate=rate, random_state=0
    ...     ).fit(X, y)
    ...     for rate in (0.01, 0.1)
    ... }
    >>> rows = rng.normal(0, 2, (50, 2))
    >>> out = predict_at_each_rate(detectors, rows, forest.predict(rows) == "normal")
    >>> all(np.array_equal(out[r][0], d.predict(rows)) for r, d in detectors.items())
    True
    """
    if not detectors:
        return {}
    first = next(iter(detectors.values()))
    y_first, scores = first.predict_with_scores(X)
    out = {}
    for rate, detector in detectors.items():
        y_pred = y_first
        moved = (
            (scores < detector.offset_) != (scores < first.offset_)
        ) & called_normal
        if moved.any():
            y_pred = y_first.copy()
            y_pred[moved] = detector.predict(_take(X, np.flatnonzero(moved)))
        out[rate] = (y_pred, scores)
    return out


def _flag(classifier, rate, normal_label, seed):
    return OpenSetClassifier(
        classifier,
        cv="prefit",
        false_alarm_rate=rate,
        policy="attack",
        normal_label=normal_label,
        random_state=seed,
    )


def _seed_runs(data, classifiers, seed, log):
    """Every evaluation of one seed: a list of records."""
    normal_label = data["schema"].normal_label
    y_test = np.asarray(data["y_test"])
    normal_pool, attack_pool, scored = draw_rows(y_test, normal_label, seed)
    n_normal = int(np.sum(y_test == normal_label))
    attack = np.asarray(data["attack_test"], dtype=object)[scored]
    novel = novel_type_mask(attack, data["seen_attacks"], normal=normal_label)
    X_scored = _take(data["X_test"], scored)
    truth = {
        "y_true": y_test[scored],
        "novel": novel,
        "classes": list(data["schema"].class_names),
    }
    points = [({"protocol": "standard"}, None)] + [
        (
            {
                "protocol": "site",
                "capture_share": share,
                "contamination": contamination,
                "capture_rows": len(rows),
            },
            _take(data["X_test"], rows),
        )
        for (share, contamination), rows in captures(
            normal_pool, attack_pool, n_normal
        ).items()
    ]
    runs = []
    for name, classifier in classifiers.items():
        by_rate = _classifier_runs(data, classifier, X_scored, truth, points, seed)
        runs.extend(
            {"seed": seed, "model": name, "rate": rate, **run}
            for rate in RATES
            for run in by_rate[rate]
        )
        log(f"seed {seed}: site calibration of {name}: done")
    return runs, {
        "scored_rows": int(len(scored)),
        "scored_novel_rows": int(novel.sum()),
        "test_normal_rows": n_normal,
    }


def _classifier_runs(data, classifier, X, truth, points, seed):
    """``rate -> records`` of one classifier's flags at each operating point.

    ``points`` pairs each record's description with its capture (``None``:
    the training threshold, the standard protocol).
    """
    normal_label = data["schema"].normal_label
    called_normal = np.asarray(classifier.predict(X)) == normal_label
    detectors = {
        rate: _flag(classifier, rate, normal_label, seed).fit(
            data["X_train"], data["y_train"]
        )
        for rate in RATES
    }
    by_rate = {rate: [] for rate in RATES}
    for where, capture in points:
        if capture is None:
            calibrated = detectors
        else:
            calibrated = {}
            for rate, detector in detectors.items():
                try:
                    calibrated[rate] = detector.calibrate(capture)
                except ValueError as error:  # too few rows for the rate: refused
                    by_rate[rate].append({**where, "refused": str(error)})
        predicted = predict_at_each_rate(calibrated, X, called_normal)
        for rate, (y_pred, scores) in predicted.items():
            record = dict(where)
            if capture is not None:
                site = detectors[rate].site_calibration_
                record.update(
                    rows_used=site["rows_used"],
                    held_out=site["held_out_false_alarm_rate"],
                )
            record.update(
                evaluate(
                    detectors[rate],
                    y_pred=y_pred,
                    scores=scores,
                    called_normal=called_normal,
                    site=capture is not None,
                    **truth,
                )
            )
            by_rate[rate].append(record)
    return by_rate


def site_calibration_stage(data, classifiers, seed, stages, *, resume=False, log=print):
    """Run (or read back) one seed of the site-calibrated protocol.

    Parameters
    ----------
    data : dict
        :func:`~awdids.experiments._protocols.load_protocol_data`'s output.
    classifiers : callable
        ``classifiers()`` returns ``{flag name: fitted classifier}``; called
        only when the seed is not read back.
    seed : int
        Seed of the capture draw and of the flags.
    stages : pathlib.Path
        Folder of the kept records (``seed<seed>-site-calibration.json``).
    resume : bool, default=False
        Read back a record of the same awdids version, format and rows.

    Returns
    -------
    record : dict
        ``runs`` (one dict per model, rate and protocol or capture: reached
        false alarms of the flag, the detector's false alarms, novel-type
        attack rows detected and flagged, accuracy, macro F1; or ``refused``
        with the reason) and ``rows`` (how many were scored).
    """
    from ._reproduce import _load_stage

    key = {
        "awdids": __version__,
        "format": _FORMAT,
        "stage": "site calibration",
        "dataset": data["schema"].name,
        "seed": seed,
        "rows": [len(data["y_train"]), len(data["y_test"])],
    }
    path = stages / f"seed{seed}-site-calibration.json"
    if resume and (record := _load_stage(path, key, ("key", "runs", "rows"))):
        return record
    runs, rows = _seed_runs(data, classifiers(), seed, log)
    record = {"key": key, "runs": runs, "rows": rows}
    write_json_atomic(path, record)
    return record


def _stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {
        "mean": float(np.mean(values)),
        "std": float(np.std(values)),
        "values": values,
    }


def summarise_site(records):
    """Mean and std over seeds of every evaluation, for ``metrics.json``.

    Returns ``{"rows", "evaluations"}``; each evaluation names its model,
    rate, protocol (and capture share and contamination) and gives the
    statistics of each measure, or the reason it was refused.
    """
    groups = {}
    for record in records:
        for run in record["runs"]:
            key = (
                run["model"],
                run["rate"],
                run["protocol"],
                run.get("capture_share"),
                run.get("contamination"),
            )
            groups.setdefault(key, []).append(run)
    evaluations = []
    measures = (
        "reached",
        "flagged",
        "flag_added",
        "false_alarms",
        "novel_detected",
        "novel_flagged",
        "accuracy",
        "macro_f1",
        "held_out",
        "capture_rows",
        "rows_used",
    )
    for (model, rate, protocol, share, contamination), runs in groups.items():
        entry = {
            "model": model,
            "rate": rate,
            "protocol": protocol,
            "capture_share": share,
            "contamination": contamination,
        }
        if any("refused" in run for run in runs):
            entry["refused"] = next(run["refused"] for run in runs if "refused" in run)
            entry["capture_rows"] = _stats([run["capture_rows"] for run in runs])
        else:
            for measure in measures:
                if measure in runs[0]:
                    entry[measure] = _stats([run[measure] for run in runs])
        evaluations.append(entry)
    return {
        "rows": records[0]["rows"],
        "seeds": len(records),
        "evaluations": evaluations,
    }
