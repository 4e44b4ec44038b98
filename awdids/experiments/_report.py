"""Markdown report of ``awdids reproduce`` (on NSL-KDD, beside the paper's numbers)."""

from .._markdown import markdown_table as _table
from ._models import PAPER_PIPELINE

__all__ = [
    "BOUND_NOTE",
    "flag_drift_table",
    "held_out_table",
    "novel_attack_table",
    "novel_bound_table",
    "render_report",
]


def _ms(metric):
    return f"{metric['mean']:.4f} ± {metric['std']:.4f}"


def _dataset(m):
    """The metrics' dataset section (NSL-KDD's for files written before it)."""
    if "dataset" in m:
        return m["dataset"]
    from ..datasets import get_schema

    nsl = get_schema("nsl-kdd")
    return {
        "name": nsl.name,
        "train_name": "KDDTrain+",
        "test_name": "KDDTest+",
        "protocol": "KDDTrain+ → KDDTest+, the paper's split.",
        "classes": list(nsl.class_names),
        "rare_classes": list(nsl.oversample["classes"]),
    }


def _section_data(m):
    d, paper = _dataset(m), m.get("paper")
    classes, counts = d["classes"], m["class_counts"]
    train, test = d["train_name"], d["test_name"]
    if paper:
        header = ["class", f"{train} ours", "paper", f"{test} ours", "paper"]
        rows = [
            [c, counts["train"][k], paper["table3"]["train"][k]]
            + [counts["test"][k], paper["table3"]["test"][k]]
            for k, c in enumerate(classes)
        ]
    else:
        header = ["class", train, test]
        rows = [
            [c, counts["train"][k], counts["test"][k]] for k, c in enumerate(classes)
        ]
    before = m["oversampling_counts"]["before"]
    after = m["oversampling_counts"]["after"]
    if paper:
        header5 = ["class", "before", "after (ours)", "after (paper)"]
        rows5 = [
            [c, before[c], after[c], paper["table5_after"].get(c, before[c])]
            for c in classes
        ]
    else:
        header5 = ["class", "before", "after"]
        rows5 = [[c, before[c], after[c]] for c in classes]
    n_features = len(m["pca"]["explained_variance_ratio"])
    return [
        "## Table 3: class distribution (full files)"
        if paper
        else "## Class distribution",
        _table(header, rows),
        "## Fig 4: PCA",
        f"{m['pca']['n_components']} components keep "
        f"{m['pca']['cumulative_variance']:.4f} of the variance of the "
        f"{n_features} features.",
        "![Fig 4](fig4_pca_variance.png)",
        "## Table 5: training rows before and after GP-GAN over-sampling"
        if paper
        else "## Training rows before and after GP-GAN over-sampling",
        _table(header5, rows5),
        "## Fig 7: GAN vs WGAN-GP convergence",
        "Fit RMSE: RMSE between the per-feature means and standard deviations of "
        "a class's real rows and as many generated rows, after each epoch.",
        "![Fig 7](fig7_gan_convergence.png)",
    ]


def _section_tables(m):
    models, paper = m["models"], m.get("paper")
    if not paper:
        return []
    rows6 = []
    for name in ("CNN-LSTM", "AWD-CNN-LSTM"):
        r, p = models[name], paper["table6"][name]
        rows6.append(
            [
                name,
                _ms(r["accuracy"]),
                p["accuracy"],
                _ms(r["macro_precision"]),
                _ms(r["weighted_precision"]),
                p["precision"],
                _ms(r["macro_f1"]),
                _ms(r["weighted_f1"]),
                p["f1"],
            ]
        )
    rows7 = []
    before, after = models["AWD-CNN-LSTM"], models[PAPER_PIPELINE]
    for label in ("r2l", "u2r", "overall"):
        for part_index, part in enumerate(("precision", "recall", "f1")):
            key = f"weighted_{part}" if label == "overall" else f"{label}_{part}"
            p = paper["table7"][label]
            rows7.append(
                [
                    label,
                    part,
                    _ms(before[key]),
                    p["before"][part_index],
                    _ms(after[key]),
                    p["after"][part_index],
                ]
            )
    return [
        "## Table 6: CNN-LSTM vs AWD-CNN-LSTM (no over-sampling), KDDTest+",
        _table(
            [
                "model",
                "accuracy",
                "paper",
                "macro P",
                "weighted P",
                "paper P",
                "macro F1",
                "weighted F1",
                "paper F1",
            ],
            rows6,
        ),
        "## Table 7: before (AWD-CNN-LSTM) and after (+ GP-GAN) over-sampling",
        "'overall' is the support-weighted average over the five classes (the "
        "paper does not say which average it uses; its overall F1 exceeds both "
        "its precision and recall, which no average can do).",
        _table(
            ["class", "metric", "before (ours)", "paper", "after (ours)", "paper"],
            rows7,
        ),
    ]


def rare_class_columns(m):
    """``(title, metric key)`` of each rare class's F1, in sorted order."""
    return [(f"{c} F1", f"{c}_f1") for c in sorted(_dataset(m)["rare_classes"])]


def _section_models(m):
    rare = rare_class_columns(m)
    rows = [
        [
            name,
            _ms(r["accuracy"]),
            _ms(r["macro_f1"]),
            _ms(r["weighted_f1"]),
            *(_ms(r[key]) for _, key in rare),
            f"{r['fit_seconds']['mean']:.1f}",
            f"{r['predict_us_per_row']['mean']:.1f}",
        ]
        for name, r in m["models"].items()
    ]
    stages = [[k, f"{v:.1f}"] for k, v in m["stage_seconds"].items()]
    from ._reading import model_sentences

    return [
        f"## Fig 8: every model on {_dataset(m)['test_name']} (mean ± std over seeds)",
        " ".join(model_sentences(m)),
        _table(
            ["model", "accuracy", "macro F1", "weighted F1"]
            + [title for title, _ in rare]
            + ["fit s", "µs / record"],
            rows,
        ),
        "![Fig 8](fig8_model_metrics.png)",
        "## Fig 9: detection time",
        "![Fig 9](fig9_detection_time.png)",
        "## Confusion matrix of the full pipeline (seed 0)",
        "![confusion matrix](confusion_matrix.png)",
        "## Time of each stage (seconds)",
        _table(["stage", "seconds"], stages),
        *_kept_lines(m.get("kept_fits", [])),
    ]


def _kept_lines(kept_fits):
    """The fits a ``--resume`` run read back: their stage times are near 0."""
    if not kept_fits:
        return []
    return [
        "Read back from an earlier run (`--resume`), not fitted again: "
        + ", ".join(kept_fits)
        + "."
    ]


_NOVEL_COLUMNS = (
    ("accuracy", "all_accuracy"),
    ("known acc.", "known_accuracy"),
    ("novel acc.", "novel_accuracy"),
    ("macro F1", "all_macro_f1"),
    ("known F1", "known_macro_f1"),
    ("novel F1", "novel_macro_f1"),
    ("attacks flagged", "attack_rows_flagged"),
    ("normal flagged", "normal_rows_flagged"),
    ("novel attacks flagged", "novel_attack_rows_flagged"),
)


def novel_attack_table(subset_scores):
    """Columns and rows of the known/novel table of one test subset."""
    columns = ["model"] + [title for title, _ in _NOVEL_COLUMNS]
    rows = [
        [name] + [_ms(scores[key]) for _, key in _NOVEL_COLUMNS]
        for name, scores in subset_scores.items()
    ]
    return columns, rows


def _section_novel(m):
    novel = m.get("novel_attacks")
    if not novel:
        return []
    test = _dataset(m)["test_name"]
    from ._reading import flag_sentences

    drift = [
        "### Novelty flags: promised and reached false alarms",
        " ".join(flag_sentences(m)),
        _table(
            *flag_drift_table(
                novel["flag_drift"], train=_dataset(m)["train_name"], test=test
            )
        ),
    ]
    if not novel["novel_attacks"]:
        return (["## Novelty flags"] + drift[1:]) if novel.get("flag_drift") else []
    parts = [
        "## Attacks of types never seen in training",
        f"{len(novel['novel_attacks'])} attack types of the test rows are absent "
        f"from the training rows ({', '.join(novel['novel_attacks'])}). *Known* "
        "rows are normal rows and rows of a training type; *novel* rows are the "
        "others. A row is *flagged* when predicted as any attack.",
    ]
    for subset, scores in novel["subsets"].items():
        rows = novel["rows"][subset]
        columns, table_rows = novel_attack_table(scores)
        parts += [
            f"### {subset}: {rows['rows']} rows, {rows['novel']} of novel types",
            _table(columns, table_rows),
        ]
    if novel["curves"]:
        parts += [
            "### What any threshold could reach (seed 0)",
            BOUND_NOTE,
            _table(*novel_bound_table(novel["curves"])),
            "![novel-type attacks flagged](novel_detection.png)",
        ]
    if novel.get("flag_drift"):
        parts += drift
    return parts


def held_out_table(held_out):
    """Columns and rows: each attack category, held out of training, detected."""
    columns = ["held-out category", "test rows", "detected", "flagged by the flag"]
    columns += ["normal flagged"]
    rows = [
        [c, r["test_rows"], f"{r['detected']:.4f}", f"{r['flagged']:.4f}"]
        + [f"{r['normal_flagged']:.4f}"]
        for c, r in held_out["categories"].items()
    ]
    return columns, rows


def _section_held_out(m):
    held_out = m.get("held_out_categories")
    if not held_out:
        return []
    return [
        "## Each attack category held out of training",
        "No test row is of an attack type the training rows lack, so each attack "
        "category in turn is left out of the training rows of the novelty-flag "
        f"model (seed 0; flag target {held_out['target']}), which is then scored "
        "on the test rows of that category and of normal traffic. *Detected*: "
        "predicted as any attack; *flagged*: normal score below the flag's "
        "threshold.",
        _table(*held_out_table(held_out)),
    ]


#: What the bound table shows, in the report and on the results page.
BOUND_NOTE = (
    "Novel-type attack rows flagged when a model's attack score is thresholded "
    "to flag at most 5% of the test set's normal rows (seed 0), read off the test "
    "curve: a bound on what the score can do, not an operating point chosen "
    "without the test set."
)


def novel_bound_table(curves):
    """Columns and rows: novel attacks flagged at 5% normal flagged, per model."""
    columns = ["model", "novel attacks flagged at 5% normal flagged"]
    rows = [
        [name, f"{curve['novel_flagged_at_5pct_normal']:.4f}"]
        for name, curve in curves.items()
    ]
    return columns, rows


def flag_drift_table(drift, *, train="KDDTrain+", test="KDDTest+"):
    """Columns and rows: each flag's target, held-out and test false alarms."""
    columns = ["model", "target", f"held-out {train} normal", f"{test} normal"]
    rows = [
        [
            name,
            f"{d['target']:.4f}",
            _ms(d["held_out_folds"]),
            # "KDDTest+ normal": the key of metrics written before datasets
            _ms(d["test_normal"] if "test_normal" in d else d["KDDTest+ normal"]),
        ]
        for name, d in drift.items()
    ]
    return columns, rows


def _section_site(m):
    from ._site_report import site_blocks

    site = m.get("site_calibration")
    if not site:
        return []
    parts = ["## Site-calibrated protocol (uses test rows)"]
    for kind, *content in site_blocks(site):
        if kind == "table":
            parts.append(_table(*content))
        else:
            parts.append(("### " if kind == "heading" else "") + content[0])
    return parts + ["![site calibration](site_calibration.png)"]


def render_report(metrics):
    """Render the ``metrics.json`` content of a reproduce run as Markdown.

    Parameters
    ----------
    metrics : dict
        What :func:`~awdids.experiments.reproduce` returns and writes.

    Returns
    -------
    report : str
        Markdown: every table with the paper's printed numbers beside ours.

    Examples
    --------
    >>> import json
    >>> from awdids.experiments import render_report
    >>> metrics = json.load(open("docs/results/reproduce.json"))  # doctest: +SKIP
    >>> render_report(metrics).splitlines()[0]  # doctest: +SKIP
    '# awdids reproduce report'
    """
    m = metrics
    quick_note = (
        "QUICK smoke run (subset, tiny budgets): not comparable to the paper. "
        if m["quick"]
        else ""
    )
    d = _dataset(m)
    paper_note = (
        " The paper's printed numbers stand beside ours." if m.get("paper") else ""
    )
    head = [
        f"# awdids reproduce report: {d['name']}",
        f"{quick_note}Trained on {m['n_train']} {d['train_name']} rows, scored once "
        f"per seed on {m['n_test']} {d['test_name']} rows; {m['seeds']} seed(s). "
        "No choice was made on the test rows: defaults are fixed in the code and "
        "early stopping watches a stratified validation split of the training "
        f"rows.{paper_note}",
        f"Protocol: {d['protocol']}",
    ]
    if d.get("unseen_test_values"):
        head.append(
            "Test rows with a text value the training rows never show, per column "
            f"(encoded as all zeros): {d['unseen_test_values']}."
        )
    parts = (
        head
        + _section_data(m)
        + _section_tables(m)
        + _section_models(m)
        + _section_novel(m)
        + _section_held_out(m)
        + _section_site(m)
    )
    return "\n\n".join(parts) + "\n"
