"""What a reproduce run's tables show, in sentences written from its metrics.

``report.md`` and the docs' results pages open each table with these, so that
the reading is generated from the numbers and cannot drift from them.
"""

import numpy as np

from ._models import PAPER_PIPELINE

__all__ = ["flag_sentences", "model_sentences", "novel_sentences"]


def _mean(models, name, key):
    """The mean over seeds; for a duration, the median (one slow seed moves it less)."""
    metric = models[name][key]
    if key.endswith("_seconds") and metric.get("values"):
        return float(np.median(metric["values"]))
    return metric["mean"]


def _ranked(models, key, *, lowest=False):
    return sorted(models, key=lambda name: _mean(models, name, key), reverse=not lowest)


def _ordinal(n):
    suffix = (
        "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    )
    return f"{n}{suffix}"


def _lead(models, key, label):
    """'X has the best <label>, 0.8726, 0.0051 ahead of Y (0.8675).'"""
    first, second = _ranked(models, key)[:2]
    best, runner_up = _mean(models, first, key), _mean(models, second, key)
    return (
        f"{first} has the best {label}, {best:.4f}, {best - runner_up:.4f} ahead "
        f"of {second} ({runner_up:.4f})"
    )


def model_sentences(metrics):
    """The best model and its margin, and where the paper's pipeline stands.

    Parameters
    ----------
    metrics : dict
        What ``metrics.json`` holds.

    Returns
    -------
    sentences : list of str

    Examples
    --------
    >>> from awdids.experiments._reading import model_sentences
    >>> scores = lambda acc, f1: {"accuracy": {"mean": acc}, "macro_f1": {"mean": f1},
    ...                           "fit_seconds": {"mean": 1.0}}
    >>> models = {"AWD-CNN-LSTM + GP-GAN": scores(0.80, 0.60), "RF": scores(0.85, 0.55)}
    >>> model_sentences({"models": models})[0].split("; ")[0]
    'RF has the best accuracy, 0.8500, 0.0500 ahead of AWD-CNN-LSTM + GP-GAN (0.8000)'
    """
    models = metrics["models"]
    if len(models) < 2:
        return []
    accuracy, macro_f1 = (
        _lead(models, "accuracy", "accuracy"),
        _lead(models, "macro_f1", "macro F1"),
    )
    leader = _ranked(models, "accuracy")[0]
    if leader == _ranked(models, "macro_f1")[0]:  # one model leads both
        macro_f1 = "and" + macro_f1[len(leader) + len(" has") :]
        sentences = [f"{accuracy}, {macro_f1}."]
    else:
        sentences = [f"{accuracy}; {macro_f1}."]
    if PAPER_PIPELINE in models:
        ranks = {
            key: _ranked(models, key).index(PAPER_PIPELINE) + 1
            for key in ("accuracy", "macro_f1")
        }
        fastest = _ranked(models, "fit_seconds", lowest=True)
        slowest = fastest.index(PAPER_PIPELINE) + 1 == len(models)
        fit = _mean(models, PAPER_PIPELINE, "fit_seconds")
        sentences.append(
            f"The paper's pipeline ({PAPER_PIPELINE}) ranks "
            f"{_ordinal(ranks['accuracy'])} of {len(models)} in accuracy and "
            f"{_ordinal(ranks['macro_f1'])} in macro F1, and its fit takes "
            f"{fit:.0f} s (median over seeds)"
            + (", the slowest of all." if slowest else ".")
        )
    return sentences


def flag_sentences(metrics):
    """Each novelty flag's promised false alarms beside the ones it reached.

    Examples
    --------
    >>> from awdids.experiments._reading import flag_sentences
    >>> drift = {"flag": {"target": 0.01, "held_out_folds": {"mean": 0.0099},
    ...                   "test_normal": {"mean": 0.083}}}
    >>> import textwrap
    >>> sentence = flag_sentences({"novel_attacks": {"flag_drift": drift},
    ...                            "dataset": {"train_name": "A", "test_name": "B"}})[0]
    >>> print(textwrap.fill(sentence, 64))
    flag promised 1.0% of normal rows flagged; it flagged 0.99% of
    held-out A normal rows and 8.30% of B normal rows, 8.3 times the
    promise.
    """
    from ._report import _dataset

    drift = (metrics.get("novel_attacks") or {}).get("flag_drift") or {}
    d = _dataset(metrics)
    sentences = []
    for name, flag in drift.items():
        test = flag["test_normal"] if "test_normal" in flag else flag["KDDTest+ normal"]
        target, reached = flag["target"], test["mean"]
        ratio = (
            f", {reached / target:.1f} times the promise"
            if reached > 1.5 * target
            else ", within the promise"
            if reached <= target
            else ""
        )
        sentences.append(
            f"{name} promised {target:.1%} of normal rows flagged; it flagged "
            f"{flag['held_out_folds']['mean']:.2%} of held-out {d['train_name']} "
            f"normal rows and {reached:.2%} of {d['test_name']} normal rows{ratio}."
        )
    return sentences


def novel_sentences(subset_scores):
    """Which model flags the most novel-type attacks, at what false alarms.

    Parameters
    ----------
    subset_scores : dict
        One test subset's scores per model (``metrics["novel_attacks"]
        ["subsets"][name]``).

    Returns
    -------
    sentences : list of str
    """
    if not subset_scores:
        return []
    key, normal = "novel_attack_rows_flagged", "normal_rows_flagged"
    first = _ranked(subset_scores, key)[0]
    sentence = (
        f"{first} flags the most novel-type attack rows, "
        f"{_mean(subset_scores, first, key):.1%}, while flagging "
        f"{_mean(subset_scores, first, normal):.1%} of normal rows"
    )
    if PAPER_PIPELINE in subset_scores and first != PAPER_PIPELINE:
        sentence += (
            f"; the paper's pipeline flags "
            f"{_mean(subset_scores, PAPER_PIPELINE, key):.1%} of them at "
            f"{_mean(subset_scores, PAPER_PIPELINE, normal):.1%}"
        )
    return [sentence + "."]
