import json
from pathlib import Path

import pytest

from awdids.experiments import draw_figures
from awdids.experiments._figures import models_that_matter, plot_detection_time

RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"


@pytest.fixture(scope="module")
def metrics():
    return json.loads((RESULTS / "reproduce-unsw-nb15.json").read_text())


def test_a_quick_runs_figures_say_so_in_caption_and_picture(metrics, tmp_path):
    from matplotlib.image import imread

    quick = {**metrics, "quick": True}
    captions = [caption for caption, _ in draw_figures(quick, tmp_path / "quick")]
    assert all(c.endswith("(quick run: not a result)") for c in captions)
    plot_detection_time(metrics["models"], tmp_path / "plain.png")
    plot_detection_time(metrics["models"], tmp_path / "marked.png", quick=True)
    plain, marked = imread(tmp_path / "plain.png"), imread(tmp_path / "marked.png")
    assert plain.shape == marked.shape and (plain != marked).any()


def test_the_highlighted_models_are_the_papers_the_best_and_the_flags(metrics):
    names = models_that_matter(metrics["models"])
    assert names[0] == "AWD-CNN-LSTM + GP-GAN"
    assert "HistGradientBoosting + novelty flag" in names
    others = {n: m["accuracy"]["mean"] for n, m in metrics["models"].items()}
    del others["AWD-CNN-LSTM + GP-GAN"]
    assert max(others, key=others.get) in names and len(names) <= 3
