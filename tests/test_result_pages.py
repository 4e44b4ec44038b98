"""The docs' result pages and the README table come from result files."""

import importlib.util
import json
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def pages():
    spec = importlib.util.spec_from_file_location(
        "result_pages", DOCS / "_ext" / "result_pages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_table_matches_the_reproduce_results(pages):
    pages.build(check=True)  # raises when README.md is stale
    metrics = json.loads((DOCS / "results" / "reproduce.json").read_text())
    paper = metrics["models"][pages.PAPER_PIPELINE]["accuracy"]
    readme = (DOCS.parent / "README.md").read_text()
    assert f"{paper['mean']:.4f} ± {paper['std']:.4f}" in readme


def test_every_cited_result_file_exists(pages):
    for name in (*pages.BENCHMARKS, pages.REPRODUCE):
        assert pages.load_result(name)["environment"]["date"]


def test_a_missing_result_file_fails_with_its_name(pages, monkeypatch, tmp_path):
    monkeypatch.setattr(pages, "RESULTS", tmp_path)
    with pytest.raises(pages.MissingResultError, match="bench_gpgan.json is missing"):
        pages.load_result("bench_gpgan")
    assert pages.main(["--check"]) == 1


def test_a_benchmark_section_shows_the_file_s_numbers(pages):
    result = {
        "title": "Speed",
        "description": "What was measured.",
        "command": "python benchmarks/bench_x.py",
        "environment": {
            "date": "2026-11-28T23:00:00+00:00",
            "machine": {
                "cpu": "a CPU",
                "cores": 2,
                "torch_threads": 2,
                "accelerator": "cpu",
            },
            "versions": {"torch": "2.13.0", "awdids": "0.1.0"},
        },
        "tables": [
            {"title": "T", "columns": ["a", "b"], "rows": [["x", "1.234"]], "note": "n"}
        ],
    }
    section = pages.benchmark_section(result)
    assert "1.234" in section and "Measured 2026-11-28 on a CPU" in section
    assert section.startswith("Speed\n=====")


def test_the_best_baseline_is_the_most_accurate_other_model(pages):
    models = {
        pages.PAPER_PIPELINE: {"accuracy": {"mean": 0.9}},
        "RF": {"accuracy": {"mean": 0.7}},
        "MLP": {"accuracy": {"mean": 0.8}},
    }
    assert pages.best_baseline(models) == "MLP"


def test_a_resumed_run_says_how_many_fits_it_read_back(pages):
    metrics = {"seeds": 3, "models": dict.fromkeys("abcd")}
    assert pages._kept_note({**metrics, "kept_fits": []}) == ""
    note = pages._kept_note({**metrics, "kept_fits": ["seed 0: a", "seed 1: a"]})
    assert "reading back 2 of its 12 model fits" in note


def test_the_best_of_each_column_is_bold_and_fit_time_counts_lowest(pages):
    scores = {
        "A": {"accuracy": {"mean": 0.9, "std": 0.01}, "fit_seconds": {"mean": 30.0}},
        "B": {"accuracy": {"mean": 0.8, "std": 0.02}, "fit_seconds": {"mean": 2.0}},
    }
    columns, rows = pages.score_table(
        scores, [("acc", "accuracy", max), ("fit s", "fit_seconds", min)]
    )
    assert columns == ["model", "acc", "fit s"]
    table = pages._list_table(columns, rows)
    assert "**0.9000 ± 0.0100**" in table and "**2.0**" in table
    assert "- 0.8000 ± 0.0200" in table and "- 30.0" in table


def test_each_results_section_opens_with_sentences_from_its_file(pages):
    metrics = json.loads((DOCS / "results" / "reproduce-unsw-nb15.json").read_text())
    models = metrics["models"]
    best = max(models, key=lambda name: models[name]["accuracy"]["mean"])
    text = "\n".join(pages.dataset_section(metrics, [], "unsw-nb15"))
    assert (
        f"{best} has the best accuracy, {models[best]['accuracy']['mean']:.4f}" in text
    )
    assert "The paper's pipeline (AWD-CNN-LSTM + GP-GAN) ranks" in text
    drift = metrics["novel_attacks"]["flag_drift"][
        "HistGradientBoosting + novelty flag"
    ]
    assert f"{drift['test_normal']['mean']:.2%} of unsw-nb15 (30% split) normal" in text


def test_the_landing_pages_results_line_covers_every_dataset_file(pages):
    metrics = pages.load_result(pages.REPRODUCE)
    others = [
        (name, pages.load_result(f"{pages.REPRODUCE}-{name}"), [])
        for name in pages.DATASETS
        if (DOCS / "results" / f"{pages.REPRODUCE}-{name}.json").is_file()
    ]
    line = pages.summary_line(metrics, others)
    paper = metrics["models"][pages.PAPER_PIPELINE]["accuracy"]
    assert "NSL-KDD's KDDTest+ (3 seeds)" in line
    assert f"paper's pipeline reaches {paper['mean']:.4f} ± {paper['std']:.4f}" in line
    for name, other, _ in others:
        best = max(
            other["models"], key=lambda m: other["models"][m]["accuracy"]["mean"]
        )
        assert f"{pages._title(name)}'s" in line and best in line
    assert line == (DOCS / "results-summary.inc").read_text()  # committed copy fresh


def test_the_help_durations_are_generated_from_the_result_files(pages):
    import awdids.cli

    shipped = json.loads(
        (Path(awdids.cli.__file__).parent / "durations.json").read_text()
    )
    metrics = pages.load_result(pages.REPRODUCE)
    assert shipped["sentences"] == pages._sentences(metrics)
    fit = pages._median(metrics["models"][pages.PAPER_PIPELINE]["fit_seconds"])
    assert f"about {fit / 60:.0f} min" in shipped["sentences"]["train"]


def test_a_wide_table_is_split_with_the_columns_that_tell_rows_apart(pages):
    columns = ["shape", "size", *(f"v{k}" for k in range(9))]
    rows = [["(5, 4)", "8", *map(str, range(9))], ["(5, 4)", "16", *"abcdefghi"]]
    pieces = pages.split_columns(columns, rows, most=6)
    assert [c for c, _ in pieces] == [
        ["shape", "size", "v0", "v1", "v2", "v3", "v4"],
        ["shape", "size", "v5", "v6", "v7", "v8"],
    ]
    assert pieces[1][1][1] == ["(5, 4)", "16", "f", "g", "h", "i"]
    assert pages.split_columns(columns[:5], [r[:5] for r in rows]) == [
        (columns[:5], [r[:5] for r in rows])
    ]
