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
