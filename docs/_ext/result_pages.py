"""Build the benchmark and results pages, and the README's table, from result files.

Every figure on ``docs/benchmarks.rst``, ``docs/results.rst`` and in the
README's results table comes from a JSON file under ``docs/results/``: the
benchmark scripts in ``benchmarks/`` write ``bench_*.json`` and
``awdids reproduce`` writes ``metrics.json`` (kept as ``reproduce.json``). A page
that cites a file that is missing fails the build.

Run as a command to regenerate the pages and the README table::

    python docs/_ext/result_pages.py            # write
    python docs/_ext/result_pages.py --check    # fail if the README is stale

As a Sphinx extension it writes the pages before every build.
"""

import argparse
import json
import re
import sys
from pathlib import Path

from awdids.experiments import PAPER_PIPELINE, draw_figures

DOCS = Path(__file__).resolve().parent.parent
RESULTS = DOCS / "results"
README = DOCS.parent / "README.md"
#: The measured durations ``awdids COMMAND --help`` quotes.
DURATIONS = DOCS.parent / "awdids" / "cli" / "durations.json"

#: The benchmark files the benchmark page shows, in its order.
BENCHMARKS = (
    "bench_classifier",
    "bench_against_revision",
    "bench_time_to_accuracy",
    "bench_import",
    "bench_validation_scaling",
    "bench_gpgan",
    "bench_gpgan_budget",
    "bench_gpgan_downstream",
    "bench_two_sample_floor",
    "bench_predict_stream",
    "bench_novelty",
    "bench_knn_reference",
    "bench_site_calibration",
    "bench_hostile_inputs",
    "bench_kdd99_duplicates",
)
REPRODUCE = "reproduce"
#: Further datasets with a results section, each from ``reproduce-<name>.json``
#: (``awdids reproduce --dataset <name>``); a missing file leaves its section out.
DATASETS = ("kddcup99", "unsw-nb15")
_MARKERS = ("<!-- results-table:start -->", "<!-- results-table:end -->")
_DURATION_MARKERS = ("<!-- duration:start -->", "<!-- duration:end -->")


class MissingResultError(RuntimeError):
    """A page cites a result file that does not exist."""


def load_result(name):
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        raise MissingResultError(
            f"{path} is missing: the docs cite it. Run the command that writes it "
            "(see docs/_ext/result_pages.py)."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _heading(text, char):
    return f"{text}\n{char * len(text)}\n"


class _Bold(str):
    """A cell drawn in bold: the best value of its column."""


def _cell(text):
    """A table cell's text with reStructuredText markup characters escaped."""
    bold = isinstance(text, _Bold)
    text = str(text)
    for char in ("\\", "*", "`", "|", "_"):
        text = text.replace(char, "\\" + char)
    if text[:1] in ("-", "+", "#"):
        text = "\\" + text
    return f"**{text}**" if bold else text


def _list_table(columns, rows):
    """A list-table; ``results-table`` keeps its number cells on one line."""
    lines = [".. list-table::", "   :header-rows: 1", "   :class: results-table", ""]
    for row in [columns, *rows]:
        cells = [_cell(cell) for cell in row]
        lines.append(f"   * - {cells[0]}")
        lines += [f"     - {cell}" for cell in cells[1:]]
    return "\n".join(lines) + "\n"


def _environment_line(environment):
    machine, versions = environment["machine"], environment["versions"]
    return (
        f"Measured {environment['date'][:10]} on {machine['cpu']} "
        f"({machine['cores']} cores, {machine['torch_threads']} torch threads, "
        f"accelerator: {machine['accelerator']}), torch {versions['torch']}, "
        f"awdids {versions['awdids']}."
    )


def benchmark_section(result):
    parts = [
        _heading(result["title"], "="),
        result["description"] + "\n",
        f"Command: ``{result['command']}``. "
        f"{_environment_line(result['environment'])}\n",
    ]
    for table in result["tables"]:
        pieces = split_columns(table["columns"], table["rows"])
        for k, (columns, rows) in enumerate(pieces, start=1):
            part = f" ({k} of {len(pieces)})" if len(pieces) > 1 else ""
            parts.append(f"**{table['title']}{part}**\n")
            parts.append(_list_table(columns, rows))
        if table.get("note"):
            parts.append(table["note"] + "\n")
    return "\n".join(parts)


#: The most value columns a table shows side by side; wider ones are split.
MAX_VALUE_COLUMNS = 6


def _looks_numeric(text):
    return bool(re.fullmatch(r"[-+]?[\d,.]+(e[-+]?\d+)?\s*(%|x|s)?|nan|-", str(text)))


def split_columns(columns, rows, most=MAX_VALUE_COLUMNS):
    """A wide table as several, each with the leading key columns repeated.

    The key columns are the leading ones whose first value is not a number
    (a method, a class, a shape), and as many more as it takes to tell the
    rows apart; the others are dealt out ``most`` at a time.
    """
    keys = 0
    while keys < len(columns) - 1 and not _looks_numeric(rows[0][keys] if rows else 0):
        keys += 1
    keys = max(keys, 1)
    while keys < len(columns) - 1 and len({tuple(r[:keys]) for r in rows}) < len(rows):
        keys += 1
    values = list(range(keys, len(columns)))
    if len(values) <= most:
        return [(columns, rows)]
    n_pieces = -(-len(values) // most)
    size = -(-len(values) // n_pieces)  # pieces of even width
    pieces = []
    for start in range(0, len(values), size):
        chosen = list(range(keys)) + values[start : start + size]
        pieces.append(
            ([columns[i] for i in chosen], [[row[i] for i in chosen] for row in rows])
        )
    return pieces


def benchmarks_page():
    sections = [benchmark_section(load_result(name)) for name in BENCHMARKS]
    intro = (
        ".. Generated by docs/_ext/result_pages.py from docs/results/; do not edit.\n\n"
        + _heading("Benchmarks", "#")
        + "\nSpeed, sampler quality and streaming, each from the result file its "
        "script in ``benchmarks/`` wrote. Rerun a script to refresh its section.\n"
    )
    return "\n".join([intro, *sections])


def _kept_note(metrics):
    """How many fits a ``--resume`` run read back instead of fitting."""
    kept = metrics.get("kept_fits", [])
    if not kept:
        return ""
    total = metrics["seeds"] * len(metrics["models"])
    return (
        f", reading back {len(kept)} of its {total} model fits from an earlier run "
        "of the same version (``--resume``; their fit times are the original ones)"
    )


def _mean_std(metric):
    return f"{metric['mean']:.4f} ± {metric['std']:.4f}"


def _columns(metrics):
    """The README table's columns: accuracy, macro F1 and each rare class's F1."""
    from awdids.experiments._report import rare_class_columns

    return [("accuracy", "accuracy"), ("macro F1", "macro_f1")] + list(
        rare_class_columns(metrics)
    )


def _model_rows(metrics, names):
    models, columns = metrics["models"], _columns(metrics)
    return [
        [name, *(_mean_std(models[name][key]) for _, key in columns)] for name in names
    ]


def score_table(scores, columns):
    """Columns and rows of ``scores[model][key]``, the best of each column bold.

    ``columns`` holds ``(label, key, better)``, ``better`` being ``max``,
    ``min`` or None (nothing marked); a ``key`` ending in ``_seconds`` is
    shown as the median over seeds, in seconds, which a seed slowed by a
    busy machine moves less than the mean.
    """
    import statistics

    def value(metric, key):
        if key.endswith("_seconds") and metric.get("values"):
            return statistics.median(metric["values"])
        return metric["mean"]

    names = list(scores)
    rows = [[name] for name in names]
    for _, key, better in columns:
        means = [value(scores[name][key], key) for name in names]
        best = better(means) if better else None
        for row, name, mean in zip(rows, names, means):
            metric = scores[name][key]
            text = f"{mean:.1f}" if key.endswith("_seconds") else _mean_std(metric)
            row.append(_Bold(text) if mean == best else text)
    return ["model", *(label for label, _, _ in columns)], rows


def _paragraph(sentences):
    return " ".join(sentences) + "\n" if sentences else ""


def model_tables(metrics, level):
    """The every-model table (and the rare classes' F1), with their reading."""
    from awdids.experiments._reading import model_sentences
    from awdids.experiments._report import rare_class_columns

    models = metrics["models"]
    main = [
        ("accuracy", "accuracy", max),
        ("macro F1", "macro_f1", max),
        ("weighted F1", "weighted_f1", max),
        ("fit s (median)", "fit_seconds", min),
    ]
    parts = [
        _heading("Every model", level),
        _paragraph(model_sentences(metrics)),
        _list_table(*score_table(models, main)),
    ]
    rare = [(label, key, max) for label, key in rare_class_columns(metrics)]
    if rare:
        parts += [
            "F1 of each rare class, the classes the samplers grow:\n",
            _list_table(*score_table(models, rare)),
        ]
    return parts


def best_baseline(models):
    """The model with the best mean accuracy, other than the paper's pipeline."""
    others = [name for name in models if name != PAPER_PIPELINE]
    return max(others, key=lambda name: models[name]["accuracy"]["mean"])


def readme_table(metrics):
    """The README's table: the paper's pipeline beside the best baseline."""
    from awdids._markdown import markdown_table

    models = metrics["models"]
    names = [PAPER_PIPELINE, best_baseline(models)]
    header = [
        "KDDTest+, mean ± std over seeds",
        *(label for label, _ in _columns(metrics)),
    ]
    return markdown_table(header, _model_rows(metrics, names))


#: The known/novel scores, split into tables a reader can compare.
_NOVEL_TABLES = (
    (
        "Rows flagged as attacks",
        [
            ("attack rows", "attack_rows_flagged", max),
            ("normal rows", "normal_rows_flagged", min),
            ("novel-type attack rows", "novel_attack_rows_flagged", max),
        ],
    ),
    (
        "Accuracy",
        [
            ("all rows", "all_accuracy", max),
            ("known rows", "known_accuracy", max),
            ("novel rows", "novel_accuracy", max),
        ],
    ),
    (
        "Macro F1",
        [
            ("all rows", "all_macro_f1", max),
            ("known rows", "known_macro_f1", max),
            ("novel rows", "novel_macro_f1", max),
        ],
    ),
)


def _flag_drift(novel, train, test, level):
    from awdids.experiments import flag_drift_table
    from awdids.experiments._reading import flag_sentences

    return [
        _heading("Novelty flags: promised and reached false alarms", level),
        "The share of normal rows each ``OpenSetClassifier``'s flag hits: its "
        f"target, on the held-out {train} folds it was calibrated on, and on "
        f"{test}. "
        + _paragraph(
            flag_sentences(
                {
                    "novel_attacks": novel,
                    "dataset": {"train_name": train, "test_name": test},
                }
            )
        ),
        _list_table(*flag_drift_table(novel["flag_drift"], train=train, test=test)),
    ]


def _subset_tables(name, rows, scores, level):
    from awdids.experiments._reading import novel_sentences

    parts = [
        _heading(f"{name}: {rows['rows']} rows, {rows['novel']} novel", level),
        _paragraph(novel_sentences(scores)),
    ]
    for title, columns in _NOVEL_TABLES:
        parts += [f"**{title}**\n", _list_table(*score_table(scores, columns))]
    return parts


def novel_sections(metrics, level="="):
    """The known/novel tables of every test subset, when the metrics have them."""
    from awdids.experiments import BOUND_NOTE, novel_bound_table
    from awdids.experiments._report import _dataset

    novel = metrics.get("novel_attacks")
    if not novel:
        return []
    sub = "-" if level == "=" else "^"
    train, test = _dataset(metrics)["train_name"], _dataset(metrics)["test_name"]
    drift = _flag_drift(novel, train, test, sub) if novel.get("flag_drift") else []
    if not novel["novel_attacks"]:
        return drift
    subsets = (
        " KDDTest-21 is the rows of KDDTest+ with difficulty below 21."
        if ("KDDTest-21" in novel["subsets"])
        else ""
    )
    parts = [
        _heading("Attacks of types never seen in training", level),
        f"{len(novel['novel_attacks'])} attack types of {test} are absent from "
        f"{train}. *Known* rows are normal rows and rows of a training type, "
        "*novel* rows the others; a row is *flagged* when predicted as any attack "
        f"(mean ± std over seeds; the best of each column in bold).{subsets}\n",
    ]
    for subset, scores in novel["subsets"].items():
        parts += _subset_tables(subset, novel["rows"][subset], scores, sub)
    parts += drift
    if novel["curves"]:
        parts += [
            _heading("What any threshold could reach", sub),
            BOUND_NOTE + "\n",
            _list_table(*novel_bound_table(novel["curves"])),
        ]
    return parts


def held_out_section(metrics, level):
    """Each attack category held out of training, when the run measured it."""
    from awdids.experiments._report import held_out_table

    held_out = metrics.get("held_out_categories")
    if not held_out:
        return []
    return [
        _heading("Each attack category held out of training", level),
        "No test row is of an attack type the training rows lack, so each "
        "attack category in turn is left out of the training rows of the "
        f"novelty-flag model (seed 0, flag target {held_out['target']}), which is "
        "scored on the test rows of that category and of normal traffic. "
        "*Detected*: predicted as any attack; *flagged*: normal score below the "
        "flag's threshold.\n",
        _list_table(*held_out_table(held_out)),
    ]


def site_section(metrics, level):
    """The site-calibrated protocol, clearly labelled, when the run measured it."""
    from awdids.experiments._site_report import site_blocks

    site = metrics.get("site_calibration")
    if not site:
        return []
    sub = "^" if level == "-" else "-"
    parts = [_heading("Site-calibrated protocol (uses test rows)", level)]
    for kind, *content in site_blocks(site):
        if kind == "table":
            parts.append(_list_table(*content))
        elif kind == "heading":
            parts.append(_heading(content[0], sub))
        else:
            parts.append(content[0] + "\n")
    return parts


def _title(name):
    from awdids.datasets import get_schema

    return (get_schema(name).to_dict().get("title") or name).split(" (")[0]


def dataset_section(metrics, figures, name):
    """The results of ``reproduce --dataset NAME``, as one section."""
    from awdids.experiments._report import _dataset

    d, env = _dataset(metrics), metrics["environment"]
    parts = [
        _heading(
            f"{_title(name)}: {_dataset(metrics)['train_name']} to "
            f"{_dataset(metrics)['test_name']}",
            "=",
        ),
        f"Every model trained on {metrics['n_train']:,} {d['train_name']} rows and "
        f"scored once on {metrics['n_test']:,} {d['test_name']} rows, "
        f"{metrics['seeds']} seed(s) (mean ± standard deviation), by ``awdids "
        f"reproduce --dataset {name}`` (``docs/results/reproduce-{name}.json``). "
        f"{d['protocol']} {_environment_line(env)} {_duration_note(metrics)}\n",
        *model_tables(metrics, "-"),
        *novel_sections(metrics, level="-"),
        *held_out_section(metrics, "-"),
        *site_section(metrics, "-"),
        _heading("Figures", "-"),
    ]
    for caption, file in figures:
        parts.append(f".. figure:: results/figures/{name}/{file}\n\n   {caption}\n")
    return parts


def results_page(metrics, figures, others=()):
    env = metrics["environment"]
    intro = (
        ".. Generated by docs/_ext/result_pages.py from docs/results/; do not edit.\n\n"
        ".. _results:\n\n"
        + _heading("Results", "#")
        + "\nEach dataset's models were trained on its training rows and scored once "
        "on its test rows, by one ``awdids reproduce`` run per dataset, mean ± "
        "standard deviation over seeds, the best of each column in bold. Every "
        "number and sentence below is generated from the run's result file.\n"
    )
    parts = [
        intro,
        _heading("NSL-KDD: KDDTrain+ to KDDTest+", "="),
        f"Every model trained on KDDTrain+ and scored once on KDDTest+, "
        f"{metrics['seeds']} seeds, by ``awdids reproduce`` "
        "(``docs/results/reproduce.json``). "
        f"{_environment_line(env)} {_duration_note(metrics)} "
        "The ``report.md`` it writes sets the paper's printed numbers beside "
        "these.\n",
        *model_tables(metrics, "-"),
        *novel_sections(metrics, level="-"),
        *site_section(metrics, "-"),
        _heading("Figures", "-"),
    ]
    for caption, name in figures:
        parts.append(f".. figure:: results/figures/{name}\n\n   {caption}\n")
    for name, other, other_figures in others:
        parts += dataset_section(other, other_figures, name)
    return "\n".join(parts)


def _duration_note(metrics):
    """How long the run took; for a resumed one, what its fits took in all."""
    minutes = _run_seconds(metrics) / 60
    if not metrics.get("kept_fits"):
        return f"The run took {minutes:.0f} minutes."
    kept = _kept_note(metrics)
    return f"Its fits and predictions took {minutes:.0f} minutes in all{kept}."


def _best_line(metrics, name):
    models = metrics["models"]
    best = max(models, key=lambda model: models[model]["accuracy"]["mean"])
    paper = models[PAPER_PIPELINE]["accuracy"]
    seeds = f"{metrics['seeds']} seed{'s' if metrics['seeds'] > 1 else ''}"
    return (
        f"on {name} ({seeds}) the most accurate is {best}, "
        f"{_mean_std(models[best]['accuracy'])}, and the paper's pipeline "
        f"reaches {_mean_std(paper)}"
    )


def summary_line(metrics, others):
    """The landing page's results line, from the same files as the results page."""
    from awdids.datasets import get_schema

    def where(other, name):
        title = get_schema(name).to_dict().get("title") or name
        test = other["dataset"]["test_name"]
        if test.startswith(f"{name} ("):  # "unsw-nb15 (30% split)": a split of it
            test = test[len(name) + 2 : -1]
        return f"{title.split(' (')[0]}'s {test}"

    lines = [_best_line(metrics, "NSL-KDD's KDDTest+")] + [
        _best_line(other, where(other, name)) for name, other, _ in others
    ]
    return (
        ".. Generated by docs/_ext/result_pages.py from docs/results/; do not edit.\n\n"
        f"**Results** (accuracy, :ref:`results`): {'; '.join(lines)}.\n"
    )


def quickstart_report(metrics):
    """The quickstart's expected output: seed 0's report, from its confusion matrix."""
    import collections

    from awdids.evaluation import report_from_counts

    matrix = metrics["confusion_matrix"]
    labels = matrix["labels"]
    counts = collections.Counter(
        {
            (true, predicted): matrix["matrix"][i][j]
            for i, true in enumerate(labels)
            for j, predicted in enumerate(labels)
        }
    )
    report = "\n".join(
        "    " + line for line in report_from_counts(counts).splitlines()
    )
    return (
        ".. Generated by docs/_ext/result_pages.py from docs/results/; do not edit.\n\n"
        "::\n\n" + report + "\n"
    )


def _replace_readme_table(text, table, markers=_MARKERS):
    start, end = markers
    if start not in text or end not in text:
        raise MissingResultError(f"README.md lacks the markers {start} ... {end}.")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{table}\n{end}{tail}"


def _sync_readme(metrics, check):
    """Write the README's table; with ``check``, refuse a stale one instead."""
    readme = README.read_text(encoding="utf-8")
    updated = _replace_readme_table(readme, readme_table(metrics))
    updated = _replace_readme_table(
        updated, readme_duration(metrics), _DURATION_MARKERS
    )
    if updated == readme:
        return
    if check:
        raise MissingResultError(
            "README.md's results table or duration differs from docs/results/; "
            "run python docs/_ext/result_pages.py"
        )
    README.write_text(updated, encoding="utf-8")


def _about(seconds):
    """A rounded duration: "about 40 s", "about 4 min", "about 1.1 h"."""
    if seconds < 90:
        return f"about {seconds:.0f} s"
    if seconds < 90 * 60:
        return f"about {seconds / 60:.0f} min"
    return f"about {seconds / 3600:.1f} h"


def _median(metric):
    import statistics

    return statistics.median(metric.get("values") or [metric["mean"]])


def _run_seconds(metrics):
    """A reproduce run's wall time; for a resumed run, the sum of its fits."""
    stages = metrics["stage_seconds"]
    if not metrics.get("kept_fits"):
        return stages["total"]
    others = sum(
        v for k, v in stages.items() if not k.startswith("models:") and k != "total"
    )
    return others + sum(
        sum(model[key]["values"])
        for model in metrics["models"].values()
        for key in ("fit_seconds", "predict_seconds")
    )


def _streaming_rate(bench):
    """Records and seconds of the largest file ``bench_predict_stream`` read."""
    table = bench["tables"][0]
    columns = table["columns"]
    records, seconds = (
        float(table["rows"][-1][columns.index(name)].replace(",", ""))
        for name in ("records", "seconds")
    )
    return records, seconds


def command_sentences(metrics, predict_bench, quick=None):
    """Each command's measured duration as the sentence its --help shows."""
    machine = metrics["environment"]["machine"]
    where = f"a {machine['cores']}-core {machine['accelerator'].upper()}"
    source = "(docs/results/reproduce.json)"
    fit = _median(metrics["models"][PAPER_PIPELINE]["fit_seconds"])
    records = f"{metrics['n_train']:,} NSL-KDD training records"
    folds_of_fit = 3 * 2 / 3 + 1  # three calibration folds of 2/3, then all rows
    baselines = sum(
        metrics["models"][name][key]["mean"]
        for name in ("LinearSVC", "RandomForest", "KNN", "HistGradientBoosting")
        for key in ("fit_seconds", "predict_seconds")
    )
    n_records, seconds = _streaming_rate(predict_bench)
    sentences = {
        "train": f"On {where} a fit takes {_about(fit)} on {records} {source}; "
        f"--novelty fits on 3 calibration folds of 2/3 of the rows, then on "
        f"all of them: {_about(folds_of_fit * fit)} (estimated).",
        "search": f"On {where} the default grid (3 candidates, 3 folds, then a "
        f"refit on all rows) takes {_about((3 * 3 * 2 / 3 + 1) * fit)} on "
        f"{records} with --n-jobs 1, estimated from one fit {source}; "
        "--train-rows shortens it in proportion.",
        "baselines": f"On {where} it takes {_about(baselines)} on NSL-KDD {source}.",
        "reproduce": f"On {where} a run of {metrics['seeds']} seeds on NSL-KDD "
        f"takes {_about(_run_seconds(metrics))} {source}.",
        "predict": f"On {where} it classifies {n_records:,.0f} records in "
        f"{seconds:.0f} s, start-up included (docs/results/"
        "bench_predict_stream.json).",
    }
    if quick is not None:
        sentences["reproduce --quick"] = (
            f"Takes {_about(_run_seconds(quick))} on {where} "
            "(docs/results/reproduce-quick.json)."
        )
    return sentences


def readme_duration(metrics):
    """The README's line on how long its main command takes, from the files."""
    sentences = _sentences(metrics)
    line = sentences["reproduce"]
    if "reproduce --quick" in sentences:
        quick = sentences["reproduce --quick"]
        line += f" The smoke run (`--quick`) {quick[0].lower()}{quick[1:]}"
    return line


def _sentences(metrics):
    quick = None
    if (RESULTS / f"{REPRODUCE}-quick.json").is_file():
        quick = load_result(f"{REPRODUCE}-quick")
    return command_sentences(metrics, load_result("bench_predict_stream"), quick)


def _durations_json(metrics):
    sentences = _sentences(metrics)
    note = "Written by docs/_ext/result_pages.py from docs/results/; do not edit."
    return json.dumps({"note": note, "sentences": sentences}, indent=2) + "\n"


def _sync_durations(metrics, check):
    """Write the durations --help quotes; with ``check``, refuse stale ones."""
    text = _durations_json(metrics)
    current = DURATIONS.read_text(encoding="utf-8") if DURATIONS.is_file() else ""
    if text == current:
        return
    if check:
        raise MissingResultError(
            f"{DURATIONS} differs from docs/results/; run python "
            "docs/_ext/result_pages.py"
        )
    DURATIONS.write_text(text, encoding="utf-8")


def _write_pages(metrics):
    (DOCS / "benchmarks.rst").write_text(benchmarks_page(), encoding="utf-8")
    figures = draw_figures(metrics, RESULTS / "figures")
    others = []
    for name in DATASETS:
        if (RESULTS / f"{REPRODUCE}-{name}.json").is_file():
            other = load_result(f"{REPRODUCE}-{name}")
            others.append(
                (name, other, draw_figures(other, RESULTS / "figures" / name))
            )
    page = results_page(metrics, figures, others)
    (DOCS / "results.rst").write_text(page, encoding="utf-8")
    (DOCS / "results-summary.inc").write_text(
        summary_line(metrics, others), encoding="utf-8"
    )
    (DOCS / "quickstart-report.inc").write_text(
        quickstart_report(metrics), encoding="utf-8"
    )


def build(check=False):
    """Write both pages and the README table; with ``check``, only compare README."""
    metrics = load_result(REPRODUCE)
    _sync_readme(metrics, check)
    _sync_durations(metrics, check)
    if not check:
        _write_pages(metrics)


def _on_builder_inited(app):
    metrics = load_result(REPRODUCE)
    _sync_readme(metrics, check=True)  # a stale README table fails the docs build
    _sync_durations(metrics, check=True)
    _write_pages(metrics)


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare the README only")
    args = parser.parse_args(argv)
    try:
        build(check=args.check)
    except MissingResultError as error:
        print(f"result_pages: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
