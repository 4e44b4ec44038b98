"""Plain-text tables of evaluation results."""

from .._markdown import markdown_table

__all__ = ["format_results_table"]


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
