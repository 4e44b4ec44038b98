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
