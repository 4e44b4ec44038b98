"""The awdids command line: its parser, its help and its shared behaviour."""

import json

import pytest

from awdids.cli import main
from awdids.experiments._models import NOVELTY_BASE


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("fetch", "reproduce", "train", "predict", "baselines"):
        assert command in out


def _commands():
    from awdids.cli import build_parser

    return build_parser()[1]


def test_version_prints_the_package_version(capsys):
    import awdids

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"awdids {awdids.__version__}"


def test_an_unknown_option_prints_its_commands_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--epochs", "3"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.startswith("usage: awdids train ")
    assert "awdids train: error: unrecognized arguments: --epochs 3" in err


@pytest.mark.parametrize(
    "name", ["baselines", "fetch", "predict", "reproduce", "search", "train"]
)
def test_every_command_has_a_description_examples_and_help_for_each_option(name):
    import argparse

    parser = _commands()[name]
    assert len(parser.description) > 80
    assert "examples:" in parser.epilog and f"awdids {name}" in parser.epilog
    for action in parser._actions:
        assert action.help and action.help != argparse.SUPPRESS, action.dest


@pytest.mark.parametrize(
    "name", ["baselines", "predict", "reproduce", "search", "train"]
)
def test_a_commands_help_states_its_measured_duration(name, capsys):
    with pytest.raises(SystemExit):
        main([name, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "On a 2-core CPU" in out and "docs/results/" in out


def test_the_durations_help_quotes_are_the_result_files(monkeypatch):
    from awdids.cli import _durations

    sentences = _durations._sentences()
    assert set(sentences) >= {"train", "search", "baselines", "reproduce", "predict"}
    monkeypatch.setattr(_durations, "_FILE", _durations._FILE.with_name("missing"))
    _durations._sentences.cache_clear()
    try:
        assert _durations.duration_sentence("train") == ""
    finally:
        _durations._sentences.cache_clear()


def test_out_pointing_at_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    assert main(["reproduce", "--out", str(target)]) == 2
    assert "is an existing file" in capsys.readouterr().err


@pytest.mark.real_data
def test_fetch_reports_the_files(nsl_kdd_home, capsys):
    assert main(["fetch", "--data-home", str(nsl_kdd_home)]) == 0
    out = capsys.readouterr().out
    assert "nsl-kdd train: 125973 records" in out and str(nsl_kdd_home) in out


@pytest.mark.real_data
@pytest.mark.slow
def test_reproduce_quick_end_to_end(nsl_kdd_home, tmp_path, capsys):
    out = tmp_path / "results"
    assert (
        main(
            [
                "reproduce",
                "--quick",
                "--out",
                str(out),
                "--data-home",
                str(nsl_kdd_home),
            ]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["seeds"] == 1  # --quick is a one-seed smoke run
    assert metrics["class_counts"]["train"] == [67343, 45927, 11656, 995, 52]
    assert len(metrics["models"]) == 11
    full = metrics["models"]["AWD-CNN-LSTM + GP-GAN"]
    assert 0.3 < full["accuracy"]["mean"] <= 1.0
    novel = metrics["novel_attacks"]
    assert {"apache2", "mscan"} <= set(novel["novel_attacks"])
    assert not set(novel["novel_attacks"]) & set(novel["seen_attacks"])
    rows = novel["rows"]
    assert 0 < rows["KDDTest-21"]["rows"] < rows["KDDTest+"]["rows"] == 2000
    assert 0 < rows["KDDTest+"]["novel"] < rows["KDDTest+"]["rows"]
    for subset in ("KDDTest+", "KDDTest-21"):
        assert set(novel["subsets"][subset]) == set(metrics["models"])
    plain = novel["subsets"]["KDDTest+"]["RandomForest"]
    assert (
        plain["all_accuracy"]["mean"]
        == metrics["models"]["RandomForest"]["accuracy"]["mean"]
    )
    assert set(novel["curves"]) == set(metrics["models"])
    assert set(novel["flag_drift"]) == {f"{NOVELTY_BASE} + novelty flag"}
    for name in (
        "report.md",
        "fig4_pca_variance.png",
        "fig7_gan_convergence.png",
        "fig8_model_metrics.png",
        "fig9_detection_time.png",
        "confusion_matrix.png",
        "novel_detection.png",
        "site_calibration.png",
    ):
        assert (out / name).stat().st_size > 0
    report = (out / "report.md").read_text()
    assert "Table 6" in report and "Table 7" in report and "0.358" in report
    assert "### KDDTest-21" in report and "promised and reached" in report
    assert "## Site-calibrated protocol (uses test rows)" in report
    site = metrics["site_calibration"]
    assert {e["model"] for e in site["evaluations"]} == {
        f"{NOVELTY_BASE} + novelty flag",
        "AWD-CNN-LSTM + GP-GAN + novelty flag",
    }
    # the 2,000-row subset's captures are too small at 1%: refused, and said so
    assert any("refused" in e for e in site["evaluations"])
    # a resumed run keeps every fit and gives the same numbers
    args = ["reproduce", "--quick", "--out", str(out), "--resume"]
    assert main([*args, "--data-home", str(nsl_kdd_home)]) == 0
    assert capsys.readouterr().out.count("(kept from an earlier run)") == 11
    again = json.loads((out / "metrics.json").read_text())
    assert again["models"] == metrics["models"]
    assert again["site_calibration"] == metrics["site_calibration"]
    assert metrics["kept_fits"] == [] and len(again["kept_fits"]) == 11
    assert "seed 0: RandomForest" in again["kept_fits"]
    assert "Read back from an earlier run" in (out / "report.md").read_text()
