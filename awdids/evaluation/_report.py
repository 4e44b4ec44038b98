"""Plain-text tables of evaluation results."""

from .._markdown import markdown_table

__all__ = ["format_results_table", "report_from_counts"]


def format_results_table(results, *, classes=()):
    """Render :func:`evaluate_models` output as a Markdown table.

    Parameters
    ----------
    results : dict of str -> dict
        Model name -> scores (``accuracy``, ``macro_*``, ``weighted_*``,
        ``per_class``, optionally ``fit_seconds`` and ``predict_seconds``).
    classes : sequence of str, default=()
        Classes whose F1 gets a column of its own.

    Returns
    -------
    table : str

    Examples
    --------
    >>> from awdids.evaluation import format_results_table
    >>> r = {"m": {"accuracy": 0.5, "macro_precision": 0.5, "macro_recall": 0.5,
    ...      "macro_f1": 0.5, "weighted_precision": 0.5, "weighted_recall": 0.5,
    ...      "weighted_f1": 0.5}}
    >>> print(format_results_table(r).splitlines()[2])
    | m | 0.5000 | 0.5000 | 0.5000 | 0.5000 | 0.5000 | 0.5000 | 0.5000 |
    """
    header = ["model", "accuracy", "macro P", "macro R", "macro F1"]
    header += ["weighted P", "weighted R", "weighted F1"]
    header += [f"{c} F1" for c in classes]
    timed = any("fit_seconds" in r for r in results.values())
    if timed:
        header += ["fit s", "predict s"]
    rows = []
    for name, r in results.items():
        cells = [name] + [
            f"{r[key]:.4f}"
            for key in (
                "accuracy",
                "macro_precision",
                "macro_recall",
                "macro_f1",
                "weighted_precision",
                "weighted_recall",
                "weighted_f1",
            )
        ]
        cells += [f"{r['per_class'][c]['f1']:.4f}" for c in classes]
        if timed:
            cells += [f"{r.get('fit_seconds', float('nan')):.1f}"]
            cells += [f"{r.get('predict_seconds', float('nan')):.2f}"]
        rows.append(cells)
    return markdown_table(header, rows)


def report_from_counts(pair_counts):
    """scikit-learn's classification report from ``(truth, prediction) -> count``.

    Counting pairs instead of keeping rows lets a report cover a file of any
    size in constant memory (``awdids predict`` does so).

    Parameters
    ----------
    pair_counts : mapping of (str, str) to int
        How often each true label met each predicted one.

    Returns
    -------
    report : str
        Precision, recall, F1 and support per class, then accuracy and the
        macro and weighted averages.

    Examples
    --------
    >>> from collections import Counter
    >>> from awdids.evaluation import report_from_counts
    >>> counts = Counter({("dos", "dos"): 3, ("normal", "dos"): 1})
    >>> print(report_from_counts(counts).splitlines()[1])
               dos    0.7500    1.0000    0.8571         3
    """
    from sklearn.metrics import classification_report

    pairs = list(pair_counts)
    report = classification_report(
        [truth for truth, _ in pairs],
        [pred for _, pred in pairs],
        sample_weight=[pair_counts[pair] for pair in pairs],
        output_dict=True,
        zero_division=0,
    )
    total = sum(pair_counts.values())
    lines = [f"{'':>14}{'precision':>10}{'recall':>10}{'f1-score':>10}{'support':>10}"]
    for name, row in report.items():
        if name == "accuracy":
            lines.append(f"{'accuracy':>14}{'':>20}{row:>10.4f}{total:>10d}")
            continue
        lines.append(
            f"{name:>14}{row['precision']:>10.4f}{row['recall']:>10.4f}"
            f"{row['f1-score']:>10.4f}{round(row['support']):>10d}"
        )
    return "\n".join(lines)
