import json

import numpy as np
import pandas as pd
import pytest

from awdids import make_awdids_pipeline, save_model
from awdids.cli import _parse_assignments, main
from awdids.datasets import FEATURE_NAMES
from awdids.experiments._models import NOVELTY_BASE
from awdids.over_sampling import AddRows


@pytest.fixture
def model_and_records(tiny_pipeline_params, nsl_kdd_like_data, tmp_path):
    X, y = nsl_kdd_like_data
    path = tmp_path / "model.awdids"
    save_model(
        make_awdids_pipeline(random_state=0, **tiny_pipeline_params).fit(X, y), path
    )
    return path, X, y


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("fetch", "reproduce", "train", "predict", "baselines"):
        assert command in out


def test_predict_without_header_or_labels(model_and_records, tmp_path):
    model, X, _ = model_and_records
    flows = tmp_path / "flows.csv"
    X.to_csv(flows, header=False, index=False)
    out = tmp_path / "pred.csv"
    assert (
        main(
            ["predict", str(model), str(flows), "--out", str(out), "--chunksize", "50"]
        )
        == 0
    )
    predictions = pd.read_csv(out)["prediction"]
    assert len(predictions) == len(X)
    assert set(predictions) <= {"normal", "dos", "probe", "r2l", "u2r"}


def test_predict_with_header_and_attack_labels_prints_report(
    model_and_records, tmp_path, capsys
):
    model, X, y = model_and_records
    frame = X.copy()
    frame["attack"] = np.where(
        y == "dos", "neptune", np.where(y == "u2r", "rootkit", y)
    )
    frame.loc[frame["attack"] == "probe", "attack"] = "satan"
    frame.loc[frame["attack"] == "r2l", "attack"] = "imap"
    flows = tmp_path / "flows.csv"
    frame.to_csv(flows, index=False)
    assert main(["predict", str(model), str(flows)]) == 0
    report = capsys.readouterr().out
    predicted = pd.read_csv(tmp_path / "flows.predictions.csv")["prediction"]
    accuracy_line = next(line for line in report.splitlines() if "accuracy" in line)
    assert accuracy_line.split()[1:] == [f"{np.mean(predicted == y):.4f}", str(len(y))]
    support = {
        line.split()[0]: int(line.split()[-1])
        for line in report.splitlines()
        if line.split() and line.split()[0] in set(y)
    }
    assert support == {label: int((y == label).sum()) for label in set(y)}
    assert "macro avg" in report


def test_unseen_service_is_counted_in_a_warning(model_and_records, tmp_path, capsys):
    model, X, _ = model_and_records
    frame = X.copy()
    frame.loc[:2, "service"] = "quantum_rpc"
    flows = tmp_path / "flows.csv"
    frame.to_csv(flows, header=False, index=False)
    assert main(["predict", str(model), str(flows)]) == 0
    assert "3 record(s) have a service value outside" in capsys.readouterr().err


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda f: f.drop(columns=["flag"]), "expected 41 to 43 columns"),
        (
            lambda f: f.assign(extra1=1, extra2=2, extra3=3),
            "expected 41 to 43 columns",
        ),
        (
            lambda f: f.assign(src_bytes=["x"] + [1] * (len(f) - 1)),
            "line 1: column 'src_bytes'",
        ),
    ],
)
def test_predict_refuses_bad_files(
    model_and_records, tmp_path, capsys, mutate, message
):
    model, X, _ = model_and_records
    flows = tmp_path / "flows.csv"
    mutate(X.copy()).to_csv(flows, header=False, index=False)
    out = tmp_path / "pred.csv"
    assert main(["predict", str(model), str(flows), "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert (
        not out.exists()
        and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    )


def test_predict_refuses_empty_file_and_header_mismatch(
    model_and_records, tmp_path, capsys
):
    model, X, _ = model_and_records
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["predict", str(model), str(empty)]) == 2
    assert "is empty" in capsys.readouterr().err
    bad_header = tmp_path / "bad.csv"
    X.rename(columns={"flag": "flags"}).to_csv(bad_header, index=False)
    assert main(["predict", str(model), str(bad_header)]) == 2
    assert "missing ['flag']" in capsys.readouterr().err


def test_predict_refuses_a_foreign_model(tmp_path, capsys):
    fake = tmp_path / "model.awdids"
    fake.write_text("not a model")
    flows = tmp_path / "flows.csv"
    flows.write_text(",".join(["0"] * len(FEATURE_NAMES)) + "\n")
    assert main(["predict", str(fake), str(flows)]) == 2
    assert "not an awdids model file" in capsys.readouterr().err


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
                "--seeds",
                "1",
                "--out",
                str(out),
                "--data-home",
                str(nsl_kdd_home),
            ]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
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
    ):
        assert (out / name).stat().st_size > 0
    report = (out / "report.md").read_text()
    assert "Table 6" in report and "Table 7" in report and "0.358" in report
    assert "### KDDTest-21" in report and "promised and reached" in report
    # a resumed run keeps every fit and gives the same numbers
    args = ["reproduce", "--quick", "--seeds", "1", "--out", str(out), "--resume"]
    assert main([*args, "--data-home", str(nsl_kdd_home)]) == 0
    assert capsys.readouterr().out.count("(kept from an earlier run)") == 11
    again = json.loads((out / "metrics.json").read_text())
    assert again["models"] == metrics["models"]
    assert metrics["kept_fits"] == [] and len(again["kept_fits"]) == 11
    assert "seed 0: RandomForest" in again["kept_fits"]
    assert "Read back from an earlier run" in (out / "report.md").read_text()


@pytest.mark.real_data
def test_train_then_predict_real_records(
    nsl_kdd_home, tmp_path, monkeypatch, capsys, tiny_pipeline_params
):
    import awdids.pipeline

    real_factory = awdids.pipeline.make_awdids_pipeline

    tiny_pipeline_params["oversample__sampling_strategy"] = AddRows(20, ["u2r"])

    def tiny_factory(**params):
        return real_factory(**{**params, **tiny_pipeline_params})

    monkeypatch.setattr(awdids.pipeline, "make_awdids_pipeline", tiny_factory)
    model = tmp_path / "model.awdids"
    assert main(["train", "--out", str(model), "--data-home", str(nsl_kdd_home)]) == 0
    flows = tmp_path / "test.csv"
    with open(nsl_kdd_home / "KDDTest+.txt") as source:
        flows.write_text("".join(source.readline() for _ in range(300)))
    assert main(["predict", str(model), str(flows)]) == 0
    assert "macro avg" in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "test.predictions.csv")) == 300


def test_search_parses_grid_and_fixed_parameters():
    assert _parse_assignments(["clf__weight_drop=0,0.2"], many=True) == {
        "clf__weight_drop": [0, 0.2]
    }
    assert _parse_assignments(
        ["oversample__loss=gan", "clf__class_weight=none", "clf__max_epochs=3"],
        many=False,
    ) == {"oversample__loss": "gan", "clf__class_weight": None, "clf__max_epochs": 3}


def test_search_refuses_a_malformed_parameter(tmp_path, capsys):
    code = main(["search", "--param", "clf__weight_drop", "--out", str(tmp_path)])
    assert code == 2
    assert "expected NAME=VALUE" in capsys.readouterr().err


@pytest.mark.parametrize("folds", ["stratified", "novel-attack"])
def test_search_on_real_records_writes_its_results(
    nsl_kdd_home, tmp_path, capsys, folds
):
    extra = ["--novel-attacks"] if folds == "novel-attack" else []
    code = main(
        [
            "search",
            *extra,
            "--data-home",
            str(nsl_kdd_home),
            "--train-rows",
            "600",
            "--cv",
            "2",
            "--param",
            "clf__weight_drop=0,0.3",
            "--set",
            "oversample=passthrough",
            "--set",
            "clf__max_epochs=1",
            "--set",
            "clf__hidden_channels=2",
            "--out",
            str(tmp_path / "search"),
        ]
    )
    assert code == 0
    summary = json.loads((tmp_path / "search" / "search.json").read_text())
    assert set(summary["best_params"]) == {"clf__weight_drop"}
    assert len(summary["cv_results"]) == 2
    assert summary["n_train"] == 600
    assert "mean_test_score" in (tmp_path / "search" / "search.md").read_text()
    assert f"2 {folds} folds" in capsys.readouterr().out


@pytest.fixture
def tiny_training(monkeypatch, tiny_pipeline_params):
    import awdids.pipeline

    real_factory = awdids.pipeline.make_awdids_pipeline
    tiny_pipeline_params["oversample__sampling_strategy"] = AddRows(20, ["u2r"])

    def tiny_factory(**params):
        return real_factory(**{**params, **tiny_pipeline_params})

    monkeypatch.setattr(awdids.pipeline, "make_awdids_pipeline", tiny_factory)


@pytest.mark.real_data
def test_train_novelty_then_predict_writes_unknown_and_scores(
    nsl_kdd_home, tmp_path, tiny_training, capsys
):
    from awdids import OpenSetClassifier, load_model

    model = tmp_path / "detector.awdids"
    args = ["train", "--novelty", "--cv", "2", "--false-alarm-rate", "0.05"]
    assert main([*args, "--out", str(model), "--data-home", str(nsl_kdd_home)]) == 0
    detector = load_model(model)
    assert type(detector) is OpenSetClassifier
    assert detector.false_alarm_rate == 0.05 and detector.cv == 2
    flows = tmp_path / "test.csv"
    with open(nsl_kdd_home / "KDDTest+.txt") as source:
        flows.write_text("".join(source.readline() for _ in range(400)))
    assert main(["predict", str(model), str(flows)]) == 0
    assert "normal_score is below" in capsys.readouterr().out
    written = pd.read_csv(tmp_path / "test.predictions.csv")
    assert list(written.columns) == ["prediction", "normal_score"]
    assert written["normal_score"].between(0, 1).all()
    flagged = written["normal_score"] < detector.offset_
    assert (written["prediction"] == "unknown").sum() > 0
    assert not (flagged & (written["prediction"] == "normal")).any()


def test_novelty_options_without_novelty_are_refused(tmp_path, capsys):
    args = ["train", "--false-alarm-rate", "0.05", "--out", str(tmp_path / "m")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert (
        err.strip()
        == "awdids train: error: --false-alarm-rate only apply with --novelty."
    )


@pytest.mark.real_data
def test_train_novelty_refuses_a_bad_rate_before_training(
    nsl_kdd_home, tmp_path, capsys
):
    args = ["train", "--novelty", "--false-alarm-rate", "1.5"]
    assert (
        main([*args, "--out", str(tmp_path / "m"), "--data-home", str(nsl_kdd_home)])
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "false_alarm_rate" in err[0] and "1.5" in err[0]
    assert "Traceback" not in err[0]


def test_assignments_keep_the_case_of_json_and_split_outside_brackets():
    assert _parse_assignments(
        ['oversample__sampling_strategy={"U2R": 5}'], many=False
    ) == {"oversample__sampling_strategy": {"U2R": 5}}
    assert _parse_assignments(["clf__head_hidden=[64,32],[8,8]"], many=True) == {
        "clf__head_hidden": [[64, 32], [8, 8]]
    }
    assert _parse_assignments(['x={"a": [1, 2]},"b,c",None,TRUE'], many=True) == {
        "x": [{"a": [1, 2]}, "b,c", None, True]
    }
    assert _parse_assignments(["clf__device=CPU"], many=False) == {"clf__device": "CPU"}
    with pytest.raises(ValueError, match="unbalanced"):
        _parse_assignments(["x=[1,2"], many=True)


def test_predict_reads_unknown_attack_names_and_scores_the_known_rows(
    model_and_records, tmp_path, capsys
):
    model, X, y = model_and_records
    frame = X.copy()
    frame["attack"] = np.where(y == "dos", "neptune", "normal")
    frame.loc[frame.index[:5], "attack"] = "zeroday"  # no taxonomy names it
    flows = tmp_path / "flows.csv"
    frame.to_csv(flows, index=False)
    assert main(["predict", str(model), str(flows)]) == 0
    captured = capsys.readouterr()
    predicted = pd.read_csv(tmp_path / "flows.predictions.csv")["prediction"]
    assert len(predicted) == len(X)  # every row predicted
    assert "5 record(s) carry attack names outside" in captured.err
    assert "'zeroday'" in captured.err
    accuracy_line = next(
        line for line in captured.out.splitlines() if "accuracy" in line
    )
    assert accuracy_line.split()[-1] == str(len(X) - 5)


def test_predict_refuses_an_output_that_is_an_input(
    model_and_records, tmp_path, capsys, monkeypatch
):
    model, X, _ = model_and_records
    flows = tmp_path / "flows.csv"
    X.to_csv(flows, header=False, index=False)
    before = flows.read_bytes(), model.read_bytes()
    monkeypatch.chdir(tmp_path)
    for out in (str(flows), "./flows.csv", f"../{tmp_path.name}/flows.csv", str(model)):
        assert main(["predict", str(model), "flows.csv", "--out", out]) == 2
        assert "would be overwritten" in capsys.readouterr().err
        assert (flows.read_bytes(), model.read_bytes()) == before


def test_predict_refused_at_once_leaves_no_temporary_file(model_and_records, tmp_path):
    model, _, _ = model_and_records
    flows = tmp_path / "flows.csv"
    flows.write_text("not,a,record\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert (
        main(["predict", str(model), str(flows), "--out", str(out_dir / "p.csv")]) == 2
    )
    assert list(out_dir.iterdir()) == []


def test_sigterm_during_predict_removes_the_temporary_file(model_and_records, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    model, X, _ = model_and_records
    flows = tmp_path / "flows.csv"
    for _ in range(40):  # long enough to be interrupted mid-way
        X.to_csv(flows, header=False, index=False, mode="a")
    out = tmp_path / "out" / "p.csv"
    out.parent.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "awdids",
            "predict",
            str(model),
            str(flows),
            "--out",
            str(out),
            "--chunksize",
            "20",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(out.parent.glob(".p.csv.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(out.parent.glob(".p.csv.*")), "the run never started writing"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 128 + signal.SIGTERM
    assert list(out.parent.iterdir()) == []


def test_train_refuses_an_unwritable_out_before_training(tmp_path, capsys, monkeypatch):
    import tempfile

    import awdids.datasets

    def no_data(*args, **kwargs):
        raise AssertionError("the data was read before --out was checked")

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(awdids.datasets, "fetch_nsl_kdd", no_data)
    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    out = tmp_path / "models" / "m.awdids"
    assert main(["train", "--out", str(out)]) == 2
    assert "cannot write in" in capsys.readouterr().err
    folder = tmp_path / "a-folder"
    folder.mkdir()
    monkeypatch.undo()
    monkeypatch.setattr(awdids.datasets, "fetch_nsl_kdd", no_data)
    assert main(["train", "--out", str(folder)]) == 2
    assert "it is a folder" in capsys.readouterr().err


def test_a_refused_predict_creates_no_output_folder(model_and_records, tmp_path):
    model, _, _ = model_and_records
    flows = tmp_path / "flows.csv"
    flows.write_text("not,a,record\n")
    out = tmp_path / "new" / "deeper" / "p.csv"
    assert main(["predict", str(model), str(flows), "--out", str(out)]) == 2
    assert not (tmp_path / "new").exists()
