"""awdids.cli._params."""

import pytest

from awdids.cli._params import parse_assignments as _parse_assignments


def test_search_parses_grid_and_fixed_parameters():
    assert _parse_assignments(["clf__weight_drop=0,0.2"], many=True) == {
        "clf__weight_drop": [0, 0.2]
    }
    assert _parse_assignments(
        ["oversample__loss=gan", "clf__class_weight=none", "clf__max_epochs=3"],
        many=False,
    ) == {"oversample__loss": "gan", "clf__class_weight": None, "clf__max_epochs": 3}


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
