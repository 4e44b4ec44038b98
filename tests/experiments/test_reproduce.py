"""reproduce's stage records: what --resume reads back, and what it refits."""

import json

import pytest

from awdids.experiments._reproduce import _load_stage

KEY = {"awdids": "0", "model": "m", "seed": 0}
FIELDS = ("key", "scores")


@pytest.mark.parametrize(
    "content", ["[1, 2]", "{not json", '{"key": {"awdids": "0"}}', "\x00\xff"]
)
def test_a_damaged_stage_file_is_refitted_with_a_warning(content, tmp_path):
    path = tmp_path / "seed0-m.json"
    path.write_text(content, encoding="latin-1")
    with pytest.warns(UserWarning, match="not a stage record"):
        assert _load_stage(path, KEY, FIELDS) is None


def test_a_stage_of_another_setting_is_refitted_and_a_match_is_read(tmp_path):
    path = tmp_path / "seed0-m.json"
    path.write_text(json.dumps({"key": {**KEY, "seed": 1}, "scores": {}}))
    assert _load_stage(path, KEY, FIELDS) is None
    path.write_text(json.dumps({"key": KEY, "scores": {"accuracy": 0.5}}))
    assert _load_stage(path, KEY, FIELDS)["scores"] == {"accuracy": 0.5}
    assert _load_stage(tmp_path / "absent.json", KEY, FIELDS) is None


def test_expected_convergence_warnings_become_one_log_line_and_others_pass(
    recwarn,
):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from awdids.experiments._reproduce import _warnings_as_log_lines

    lines = []
    with _warnings_as_log_lines(lines.append, "seed 0: MLP"):
        for _ in range(3):
            warnings.warn(
                "Maximum iterations (5) reached.", ConvergenceWarning, stacklevel=1
            )
        warnings.warn("something else", UserWarning, stacklevel=1)
    assert lines == [
        "seed 0: MLP: Maximum iterations (5) reached. (expected at this budget)"
    ]
    assert [str(w.message) for w in recwarn] == ["something else"]


def test_a_gp_gan_step_is_made_to_report_its_epochs():
    from awdids.experiments import make_models
    from awdids.experiments._models import PAPER_PIPELINE, QUICK_BUDGET
    from awdids.experiments._reproduce import _show_gan_progress

    models = make_models(0, QUICK_BUDGET)
    for model in models.values():
        _show_gan_progress(model)
    assert models[PAPER_PIPELINE].named_steps["oversample"].verbose == 1
