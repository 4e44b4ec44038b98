"""awdids.cli._train."""

import pandas as pd
import pytest

from awdids.cli import main
from awdids.over_sampling import AddRows


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
    assert list(written.columns) == ["row", "prediction", "normal_score"]
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
