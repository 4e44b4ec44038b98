"""Every command on a CSV the package has never seen, through a schema file."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from awdids.cli import main
from awdids.model_file import load_model

CLASSES = {
    "BENIGN": ["benign"],
    "scan": ["PortScan", "sweep"],
    "dos": ["DDoS", "Hulk"],
    "access": ["BruteForce", "Infiltration"],
}
SCHEMA = {
    "name": "site-flows",
    "encoding": "utf-8-sig",
    "dialect": {"delimiter": ",", "header": True},
    "schema": {
        "fields": [
            {"name": "flow_id", "type": "integer"},
            {"name": "proto", "type": "string"},
            {"name": "app", "type": "string"},
            {"name": "bytes", "type": "number", "constraints": {"minimum": 0}},
            {"name": "pkts", "type": "integer", "constraints": {"minimum": 0}},
            {"name": "rate", "type": "number"},
            {"name": "label", "type": "string"},
        ],
        "missingValues": ["", "-"],
    },
    "awdids": {
        "attack": "label",
        "normal": "BENIGN",
        "drop": ["flow_id"],
        "categories": CLASSES,
        "oversample": {"rows": 20, "classes": ["access"]},
        "maxCategories": 4,
    },
}
TINY = [
    "oversample__noise_dim=8",
    "oversample__generator_hidden=[16]",
    "oversample__critic_hidden=[16]",
    "oversample__epochs=1",
    "oversample__steps_per_epoch=2",
    "pca__n_components=6",
    "clf__hidden_channels=2",
    "clf__num_layers=1",
    "clf__head_hidden=[8,8]",
    "clf__max_epochs=2",
    "clf__validation_fraction=none",
]


def site_flows(n=300, seed=0):
    """Flows whose class shifts bytes, rate and protocol, with string names."""
    rng = np.random.RandomState(seed)
    names = rng.choice(
        ["benign"] * 6 + ["PortScan", "sweep", "DDoS", "Hulk", "BruteForce"], size=n
    ).astype(object)
    names[:12] = "Infiltration"  # a rare attack
    k = np.array([list(CLASSES).index(_class_of(a)) for a in names])
    return pd.DataFrame(
        {
            "flow_id": np.arange(1000, 1000 + n),
            "proto": np.where(k % 2 == 0, "tcp", "udp"),
            "app": rng.choice(["http", "dns", "ssh", "smtp", "ntp", "irc"], size=n),
            "bytes": rng.exponential(100.0 * (k + 1)),
            "pkts": rng.poisson(3 + 4 * k),
            "rate": rng.normal(k, 0.3),
            "label": names,
        }
    )


def _class_of(attack):
    return next(c for c, members in CLASSES.items() if attack in members)


def write_csv(frame, path):
    path.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False).encode())
    return path


@pytest.fixture
def site(tmp_path):
    schema = tmp_path / "site.json"
    schema.write_text(json.dumps(SCHEMA))
    train = write_csv(site_flows(), tmp_path / "train.csv")
    test = write_csv(site_flows(200, seed=1), tmp_path / "test.csv")
    return schema, train, test


def _train(schema, train, model, *extra):
    sets = [arg for item in TINY for arg in ("--set", item)]
    args = ["train", "--schema", str(schema), "--data", str(train)]
    return main([*args, "--out", str(model), *sets, "--random-state", "0", *extra])


def test_a_users_csv_trains_saves_and_predicts_through_its_schema(
    site, tmp_path, capsys
):
    schema, train, test = site
    model = tmp_path / "site.awdids"
    assert _train(schema, train, model) == 0
    estimator, stored = load_model(model, return_schema=True)
    assert stored.name == "site-flows"
    # the vocabulary is fixed on the training rows, capped at maxCategories
    assert len(stored.vocabulary["app"]) == 4 and stored.open_vocabulary == ()
    assert list(estimator.classes_) == sorted(CLASSES)
    capsys.readouterr()
    # the test file's columns in another order: matched by name
    shuffled = pd.read_csv(test, encoding="utf-8-sig").iloc[:, ::-1]
    flows = write_csv(shuffled, tmp_path / "shuffled.csv")
    assert main(["predict", str(model), str(flows)]) == 0
    out = capsys.readouterr().out
    assert "classification report of the 200 record(s)" in out
    predictions = pd.read_csv(tmp_path / "shuffled.predictions.csv")
    assert len(predictions) == 200
    assert set(predictions["prediction"]) <= set(CLASSES)


def test_predict_without_labels_or_dropped_columns(site, tmp_path, capsys):
    schema, train, test = site
    model = tmp_path / "site.awdids"
    assert _train(schema, train, model) == 0
    frame = pd.read_csv(test, encoding="utf-8-sig").drop(columns=["flow_id", "label"])
    flows = write_csv(frame, tmp_path / "unlabelled.csv")
    assert main(["predict", str(model), str(flows)]) == 0
    assert "classification report" not in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "unlabelled.predictions.csv")) == 200


def test_search_runs_on_the_users_schema(site, tmp_path):
    schema, train, test = site
    sets = [arg for item in TINY for arg in ("--set", item)]
    args = ["search", "--schema", str(schema), "--data", str(train), "--cv", "2"]
    code = main(
        [*args, "--param", "clf__weight_drop=0,0.3", "--out", str(tmp_path), *sets]
    )
    assert code == 0
    summary = json.loads((tmp_path / "search.json").read_text())
    assert set(summary["best_params"]) == {"clf__weight_drop"}


def test_reproduce_runs_every_model_on_the_users_schema(site, tmp_path, capsys):
    schema, _, _ = site
    data = write_csv(site_flows(900, seed=2), tmp_path / "all.csv")
    out = tmp_path / "results"
    args = ["reproduce", "--schema", str(schema), "--data", str(data), "--quick"]
    assert main([*args, "--seeds", "1", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["dataset"]["name"] == "site-flows"
    assert metrics["n_train"] + metrics["n_test"] == 900  # a 70/30 split of --data
    assert len(metrics["models"]) == 11
    assert metrics["oversampling_counts"]["after"]["access"] == (
        metrics["oversampling_counts"]["before"]["access"] + 20
    )
    # every test type is a training type: each category is held out in turn
    held_out = metrics["held_out_categories"]["categories"]
    assert set(held_out) == {"access"}  # --quick: the rare classes only
    report = (out / "report.md").read_text()
    assert "# awdids reproduce report: site-flows" in report
    assert "Each attack category held out of training" in report
    assert "access F1" in report and "Table 6" not in report


@pytest.mark.parametrize(
    "change, match",
    [
        (
            {"awdids": {**SCHEMA["awdids"], "colour": 1}},
            r"unknown key\(s\) \['colour'\]",
        ),
        (
            {"awdids": {**SCHEMA["awdids"], "attack": "verdict"}},
            r"'verdict' is not a column",
        ),
        (
            {"awdids": {**SCHEMA["awdids"], "drop": ["flow_id", "label"]}},
            r"column 'label' is in two roles",
        ),
    ],
)
def test_a_bad_schema_is_one_line_and_exit_2_before_training(
    site, tmp_path, capsys, change, match
):
    schema, train, _ = site
    schema.write_text(json.dumps({**SCHEMA, **change}))
    model = tmp_path / "never.awdids"
    assert _train(schema, train, model) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.search(match, err), err
    assert not model.exists()


def _bad_file(tmp_path, kind):
    frame = site_flows(40)
    path = tmp_path / f"{kind}.csv"
    if kind == "unknown column":
        write_csv(frame.assign(colour="red"), path)
    elif kind == "missing label column":
        write_csv(frame.drop(columns=["label"]), path)
    elif kind == "text in a numeric column":
        frame["bytes"] = frame["bytes"].astype(object)
        frame.loc[7, "bytes"] = "lots"
        write_csv(frame, path)
    elif kind == "empty file":
        path.write_bytes(b"")
    elif kind == "wrong separator":
        path.write_text(frame.to_csv(index=False, sep=";"))
    return path


@pytest.mark.parametrize(
    "kind, match",
    [
        ("unknown column", r"unexpected \['colour'\]"),
        ("missing label column", r"no 'label' column"),
        ("text in a numeric column", r"line 9: column 'bytes' holds 'lots'"),
        ("empty file", r"is empty"),
        ("wrong separator", r"no ',' separates its fields, but ';' does"),
    ],
)
def test_a_mismatched_csv_is_one_line_and_exit_2_before_training(
    site, tmp_path, capsys, kind, match
):
    schema, _, _ = site
    model = tmp_path / "never.awdids"
    assert _train(schema, _bad_file(tmp_path, kind), model) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.search(match, err), err
    assert not model.exists()


def test_schema_without_data_is_refused(site, tmp_path, capsys):
    schema, _, _ = site
    assert main(["train", "--schema", str(schema), "--out", str(tmp_path / "m")]) == 2
    assert "needs --data FILE" in capsys.readouterr().err


def test_predict_refuses_another_dataset_than_the_models(site, tmp_path, capsys):
    schema, train, test = site
    model = tmp_path / "site.awdids"
    assert _train(schema, train, model) == 0
    code = main(["predict", str(model), str(test), "--dataset", "unsw-nb15"])
    assert code == 2
    assert "trained on 'site-flows' records" in capsys.readouterr().err


@pytest.mark.real_data
@pytest.mark.parametrize("dataset", ["kddcup99", "unsw-nb15"])
def test_reproduce_quick_on_each_builtin_dataset(datasets_home, tmp_path, dataset):
    out = tmp_path / dataset
    args = ["reproduce", "--dataset", dataset, "--quick", "--seeds", "1"]
    assert main([*args, "--out", str(out), "--data-home", str(datasets_home)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["dataset"]["name"] == dataset and len(metrics["models"]) == 11
    novel = metrics["novel_attacks"]
    if dataset == "kddcup99":
        # corrected holds attack types the 10% file never shows
        assert metrics["class_counts"]["train"][0] == 87_832  # distinct normal rows
        assert len(novel["novel_attacks"]) > 0 and "held_out_categories" not in metrics
    else:
        assert novel["novel_attacks"] == []
        held_out = metrics["held_out_categories"]["categories"]
        assert "Worms" in held_out and 0 <= held_out["Worms"]["detected"] <= 1
    assert (out / "confusion_matrix.png").stat().st_size > 0


@pytest.mark.real_data
def test_train_and_predict_real_unsw_nb15_records(datasets_home, tmp_path, capsys):
    source = datasets_home / "unsw-nb15" / "UNSW_NB15_testing-set.csv"
    frame = pd.read_csv(source, encoding="utf-8-sig")
    rows = pd.concat(
        g.sample(min(len(g), 300), random_state=0)
        for _, g in frame.groupby("attack_cat")
    )
    train = write_csv(rows, tmp_path / "train.csv")
    model = tmp_path / "unsw.awdids"
    sets = [arg for item in TINY for arg in ("--set", item)]
    args = ["train", "--dataset", "unsw-nb15", "--data", str(train)]
    assert main([*args, "--out", str(model), *sets]) == 0
    flows = write_csv(frame.iloc[:500], tmp_path / "flows.csv")
    assert main(["predict", str(model), str(flows)]) == 0
    assert "classification report of the 500 record(s)" in capsys.readouterr().out
    _, schema = load_model(model, return_schema=True)
    assert schema.name == "unsw-nb15" and "proto" in schema.other


def test_missing_values_the_schema_fills_survive_the_model_file(site, tmp_path, capsys):
    schema, _, _ = site
    filled = {**SCHEMA, "awdids": {**SCHEMA["awdids"], "fillNumeric": 0}}
    schema.write_text(json.dumps(filled))
    frame = site_flows()
    frame["bytes"] = frame["bytes"].astype(object)
    frame.loc[::7, "bytes"] = "-"  # a Zeek-style missing value
    train = write_csv(frame, tmp_path / "gappy.csv")
    model = tmp_path / "gappy.awdids"
    assert _train(schema, train, model) == 0
    assert main(["predict", str(model), str(train)]) == 0
    assert "classification report of the 300 record(s)" in capsys.readouterr().out
    schema.write_text(json.dumps(SCHEMA))  # without the fill: refused, located
    assert _train(schema, train, tmp_path / "never.awdids") == 2
    assert "line 2: column 'bytes' is empty" in capsys.readouterr().err


def test_the_command_lines_datasets_are_the_builtin_schemas():
    from awdids.cli._common import DATASETS as _DATASETS
    from awdids.datasets import BUILTIN_SCHEMAS

    # cli names them without importing the datasets, for a fast --help
    assert _DATASETS == tuple(BUILTIN_SCHEMAS)


def test_the_users_path_search_then_train_with_its_best_then_predict_with_ids(
    site, tmp_path, capsys
):
    schema, train, test = site
    sets = [arg for item in TINY for arg in ("--set", item)]
    data = ["--schema", str(schema), "--data", str(train)]
    found = tmp_path / "search"
    grid = ["--param", "clf__weight_drop=0.1,0.3", "--cv", "2", "--out", str(found)]
    assert main(["search", *data, *grid, *sets]) == 0
    summary = json.loads((found / "search.json").read_text())
    assert summary["dataset"] == "site-flows"
    model = tmp_path / "site.awdids"
    args = ["train", *data, "--params", str(found / "search.json")]
    assert main([*args, "--set", "clf__lr=0.002", "--out", str(model)]) == 0
    clf = load_model(model)[-1]
    assert clf.weight_drop == summary["best_params"]["clf__weight_drop"]
    assert (clf.max_epochs, clf.lr) == (2, 0.002)  # held fixed; --set wins
    capsys.readouterr()
    out = tmp_path / "predictions.csv"
    predict = ["predict", str(model), str(test), "--out", str(out)]
    assert main([*predict, "--keep-columns", "flow_id,app", "--proba"]) == 0
    written = pd.read_csv(out)
    probabilities = [f"proba_{c}" for c in sorted(CLASSES)]
    assert list(written.columns) == [
        "row",
        "flow_id",
        "app",
        "prediction",
        *probabilities,
    ]
    records = pd.read_csv(test, encoding="utf-8-sig")
    joined = records.join(written.set_index("row").add_suffix("_kept"))
    assert (joined["flow_id"] == joined["flow_id_kept"]).all()
    assert (joined["app"] == joined["app_kept"]).all()
    assert np.allclose(written[probabilities].sum(axis=1), 1.0, atol=1e-5)
    best = np.array(sorted(CLASSES))[written[probabilities].to_numpy().argmax(axis=1)]
    assert (best == written["prediction"]).all()


def test_params_of_another_datasets_search_are_refused_before_training(
    site, tmp_path, capsys
):
    schema, train, _ = site
    search = tmp_path / "search.json"
    search.write_text(json.dumps({"best_params": {}, "dataset": "nsl-kdd"}))
    model = tmp_path / "m.awdids"
    assert _train(schema, train, model, "--params", str(search)) == 2
    err = capsys.readouterr().err
    assert "a search on 'nsl-kdd' records, not 'site-flows'" in err
    search.write_text("[1, 2]")
    assert _train(schema, train, model, "--params", str(search)) == 2
    assert "expected a JSON object, got list" in capsys.readouterr().err
    search.write_text(json.dumps({"clf__no_such_param": 1}))
    assert _train(schema, train, model, "--params", str(search)) == 2
    assert "no_such_param" in capsys.readouterr().err
    assert not model.exists()


def test_kept_columns_the_file_lacks_or_that_clash_are_refused(site, tmp_path, capsys):
    schema, train, test = site
    model = tmp_path / "site.awdids"
    assert _train(schema, train, model) == 0
    out = tmp_path / "p.csv"
    for keep, message in [
        ("srcip", "has no column 'srcip' to keep"),
        ("prediction", "'prediction' is a name the output gives its own column"),
    ]:
        capsys.readouterr()
        code = main(
            ["predict", str(model), str(test), "--out", str(out)]
            + [
                "--keep-columns",
                keep,
            ]
        )
        assert code == 2 and message in capsys.readouterr().err
        assert not out.exists()
    with pytest.raises(SystemExit):
        main(["predict", str(model), str(test), "--keep-columns", "app,,app"])
    assert "expected distinct names" in capsys.readouterr().err
