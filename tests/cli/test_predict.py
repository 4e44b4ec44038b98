"""awdids.cli._predict."""

import numpy as np
import pandas as pd
import pytest

from awdids import make_awdids_pipeline, save_model
from awdids.cli import main
from awdids.datasets import FEATURE_NAMES


@pytest.fixture
def model_and_records(tiny_pipeline_params, nsl_kdd_like_data, tmp_path):
    X, y = nsl_kdd_like_data
    path = tmp_path / "model.awdids"
    save_model(
        make_awdids_pipeline(random_state=0, **tiny_pipeline_params).fit(X, y), path
    )
    return path, X, y


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


def test_a_refused_predict_creates_no_output_folder(model_and_records, tmp_path):
    model, _, _ = model_and_records
    flows = tmp_path / "flows.csv"
    flows.write_text("not,a,record\n")
    out = tmp_path / "new" / "deeper" / "p.csv"
    assert main(["predict", str(model), str(flows), "--out", str(out)]) == 2
    assert not (tmp_path / "new").exists()


def test_unseen_service_is_counted_in_a_warning(model_and_records, tmp_path, capsys):
    model, X, _ = model_and_records
    frame = X.copy()
    frame.loc[:2, "service"] = "quantum_rpc"
    flows = tmp_path / "flows.csv"
    frame.to_csv(flows, header=False, index=False)
    assert main(["predict", str(model), str(flows)]) == 0
    assert "3 record(s) have a service value outside" in capsys.readouterr().err


def test_rows_are_numbered_as_pandas_reads_the_file(model_and_records, tmp_path):
    model, X, _ = model_and_records
    flows = tmp_path / "flows.csv"
    text = X.iloc[:3].to_csv(header=False, index=False)
    flows.write_text(text.replace("\n", "\n\n", 1))  # a blank line is no record
    out = tmp_path / "p.csv"
    assert main(["predict", str(model), str(flows), "--out", str(out)]) == 0
    assert pd.read_csv(out)["row"].tolist() == [0, 1, 2]
    assert len(pd.read_csv(flows, header=None)) == 3


def test_a_to_csv_index_column_is_recognised_and_kept_as_the_row(
    model_and_records, tmp_path
):
    model, X, _ = model_and_records
    exported = X.iloc[:20].set_axis(range(500, 520))
    flows = tmp_path / "flows.csv"
    exported.to_csv(flows)  # pandas' default: a first, unnamed index column
    out = tmp_path / "p.csv"
    code = main(
        ["predict", str(model), str(flows), "--out", str(out), "--chunksize", "7"]
    )
    assert code == 0
    assert pd.read_csv(out)["row"].tolist() == list(range(500, 520))


def test_a_header_only_file_is_named_as_such(model_and_records, tmp_path, capsys):
    model, X, _ = model_and_records
    flows = tmp_path / "flows.csv"
    X.iloc[:0].to_csv(flows, index=False)
    assert main(["predict", str(model), str(flows)]) == 2
    assert "holds no records (only a header line)" in capsys.readouterr().err


def test_proba_columns_follow_the_classes_and_the_prediction(
    model_and_records, tmp_path
):
    model, X, _ = model_and_records
    flows = tmp_path / "flows.csv"
    X.to_csv(flows, index=False)
    out = tmp_path / "p.csv"
    assert main(["predict", str(model), str(flows), "--out", str(out), "--proba"]) == 0
    written = pd.read_csv(out)
    classes = ["dos", "normal", "probe", "r2l", "u2r"]
    columns = [f"proba_{c}" for c in classes]
    assert list(written.columns) == ["row", "prediction", *columns]
    best = np.array(classes)[written[columns].to_numpy().argmax(axis=1)]
    assert (best == written["prediction"]).all()
