"""awdids.cli._calibrate, and train --model that gives it a flag to calibrate."""

import numpy as np
import pandas as pd
import pytest

from awdids import load_model, save_model
from awdids.cli import main
from awdids.experiments._models import novelty_model
from tests.conftest import nsl_kdd_like


def labelled_file(path, X, y):
    frame = X.copy()
    frame["attack"] = np.where(y == "normal", "normal", "neptune")
    frame["attack"] = frame["attack"].where(y != "u2r", "rootkit")
    frame.to_csv(path, index=False)
    return path


def small_flag():
    """The comparison's flag model, with few boosting rounds."""
    return novelty_model(0).set_params(
        cv=2,
        false_alarm_rate=0.05,
        estimator__histgradientboostingclassifier__max_iter=10,
    )


@pytest.fixture(scope="module")
def flag_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("flag") / "flag.awdids"
    save_model(small_flag().fit(*nsl_kdd_like()), path, schema="nsl-kdd")
    return path


@pytest.fixture
def flag_file(flag_model, tmp_path):
    path = tmp_path / "flag.awdids"
    path.write_bytes(flag_model.read_bytes())
    return path


def capture(n=200, seed=7):
    site = nsl_kdd_like(seed=seed, sizes={"normal": n})[0]
    site["src_bytes"] *= 3  # the site's normal traffic is not the training one's
    return site


def test_calibrate_writes_a_new_model_and_leaves_the_old_one(
    flag_file, tmp_path, capsys
):
    site = tmp_path / "site.csv"
    capture().to_csv(site, index=False)
    before = flag_file.read_bytes()
    out = tmp_path / "site.awdids"
    assert main(["calibrate", str(flag_file), str(site), "--out", str(out)]) == 0
    assert flag_file.read_bytes() == before
    calibrated = load_model(out)
    assert calibrated.site_calibration_["rows"] == 200
    assert calibrated.offset_ != load_model(flag_file).offset_
    said = capsys.readouterr().out
    assert "capture: 200 records" in said and "for its 5.00% target" in said
    flows = tmp_path / "flows.csv"
    capture(seed=9).to_csv(flows, index=False)
    assert main(["predict", str(out), str(flows)]) == 0
    said = capsys.readouterr().out
    assert "site calibration: capture: 200 records" in said
    assert "held-out normal the site's capture of" in said


def test_a_labelled_capture_loses_its_attack_rows(flag_file, tmp_path, capsys):
    X, y = nsl_kdd_like(seed=3)
    site = labelled_file(tmp_path / "site.csv", X, y)
    out = tmp_path / "site.awdids"
    assert main(["calibrate", str(flag_file), str(site), "--out", str(out)]) == 0
    assert f"{int(np.sum(y != 'normal'))} capture record(s) labelled other" in (
        capsys.readouterr().out
    )
    assert load_model(out).site_calibration_["rows"] == int(np.sum(y == "normal"))


def test_the_rate_and_trim_options_reach_calibrate(flag_file, tmp_path):
    site = tmp_path / "site.csv"
    capture().to_csv(site, index=False)
    out = tmp_path / "site.awdids"
    args = ["--false-alarm-rate", "0.1", "--trim", "none", "--cv", "4"]
    assert main(["calibrate", str(flag_file), str(site), "--out", str(out), *args]) == 0
    record = load_model(out).site_calibration_
    assert record["false_alarm_rate"] == 0.1 and record["trim"] is None
    assert record["cv"] == 4 and record["rows_used"] == 200


@pytest.mark.parametrize(
    "case, message",
    [
        ("out is model", "--out .* is MODEL; it would be overwritten"),
        ("too few rows", "false_alarm_rate=0.05 cannot be reached with 10 capture"),
        ("bad rate", "false_alarm_rate"),
        ("too many rows", "holds more than 50 records"),
        ("no flag", "has no unknown-attack flag to calibrate"),
    ],
)
def test_refusals_print_one_line_and_write_nothing(
    case, message, flag_file, tmp_path, capsys, monkeypatch
):
    site = tmp_path / "site.csv"
    capture(10 if case == "too few rows" else 200).to_csv(site, index=False)
    model, out = flag_file, tmp_path / "site.awdids"
    extra = []
    if case == "out is model":
        out = flag_file
    elif case == "bad rate":
        extra = ["--false-alarm-rate", "2"]
    elif case == "too many rows":
        monkeypatch.setattr("awdids.cli._calibrate.MOST_CAPTURE_ROWS", 50)
    elif case == "no flag":
        model = tmp_path / "plain.awdids"
        X, y = nsl_kdd_like()
        save_model(small_flag().estimator.fit(X, y), model, schema="nsl-kdd")
    before = flag_file.read_bytes()
    assert main(["calibrate", str(model), str(site), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert pd.Series([err]).str.contains(message).all(), err
    assert flag_file.read_bytes() == before
    assert case == "out is model" or not out.exists()


# ---- awdids train --model ------------------------------------------------------


@pytest.fixture
def records(tmp_path):
    return labelled_file(tmp_path / "train.csv", *nsl_kdd_like())


@pytest.mark.parametrize("name", ["RandomForest", "random-forest", "knn"])
def test_train_any_model_of_the_comparison_by_name_or_slug(records, tmp_path, name):
    out = tmp_path / "m.awdids"
    assert (
        main(["train", "--model", name, "--data", str(records), "--out", str(out)]) == 0
    )
    model = load_model(out)
    assert type(model.steps[-1][1]).__name__ in (
        "RandomForestClassifier",
        "KNeighborsClassifier",
    )


def test_train_the_flag_model_takes_its_options_and_calibrates(records, tmp_path):
    out = tmp_path / "flag.awdids"
    args = ["--model", "HistGradientBoosting + novelty flag", "--cv", "2"]
    args += ["--set", "estimator__histgradientboostingclassifier__max_iter=10"]
    args += ["--false-alarm-rate", "0.05", "--data", str(records), "--out", str(out)]
    assert main(["train", *args]) == 0
    flag = load_model(out)
    assert flag.cv == 2 and flag.false_alarm_rate == 0.05 and flag.policy == "attack"
    site = tmp_path / "site.csv"
    capture().to_csv(site, index=False)
    calibrated = tmp_path / "site.awdids"
    assert main(["calibrate", str(out), str(site), "--out", str(calibrated)]) == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--model", "Nope"], "--model 'Nope' is not a model of the comparison"),
        (
            ["--model", "HistGradientBoosting + novelty flag", "--novelty"],
            "already has the flag",
        ),
        (
            ["--model", "KNN", "--set", "kneighborsclassifier__n_neighbors=0"],
            "n_neighbors",
        ),
    ],
)
def test_train_model_refusals_come_before_any_fit(
    records, tmp_path, capsys, args, message
):
    out = tmp_path / "m.awdids"
    assert main(["train", *args, "--data", str(records), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not out.exists()
