"""awdids.cli._search."""

import json

import pytest

from awdids.cli import main


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


@pytest.mark.real_data
@pytest.mark.parametrize("rows", [2000, 4000])
def test_a_row_budget_that_starves_a_fold_is_refused_naming_one_that_works(
    nsl_kdd_home, tmp_path, capsys, monkeypatch, rows
):
    import re
    from types import SimpleNamespace

    from sklearn.model_selection import GridSearchCV

    from awdids.cli._search import _FoldCheck
    from awdids.datasets import get_schema
    from awdids.pipeline import make_awdids_pipeline

    def no_fit(*args, **kwargs):
        raise AssertionError("a fit started before the folds were checked")

    monkeypatch.setattr(GridSearchCV, "fit", no_fit)
    out = tmp_path / "search"
    args = ["search", "--data-home", str(nsl_kdd_home), "--out", str(out)]
    assert main([*args, "--train-rows", str(rows)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "'u2r' row(s), and step 'oversample' needs at least 2" in err
    assert "Nothing was fitted" in err and not out.exists()
    suggested = int(re.search(r"--train-rows (\d+) works", err).group(1))
    assert suggested > rows
    from awdids.datasets import fetch_flows

    bunch = fetch_flows("nsl-kdd", "train", data_home=nsl_kdd_home)
    y = bunch.target.to_numpy()
    options = SimpleNamespace(random_state=0, novel_attacks=False)
    check = _FoldCheck(
        options,
        get_schema("nsl-kdd"),
        make_awdids_pipeline(),
        {"clf__weight_drop": [0.0]},
        y,
        bunch.attack.to_numpy(),
    )
    assert check.works(suggested, 3) and not check.works(suggested - 1, 3)
