import re

import numpy as np
import pandas as pd
import pytest

from awdids.datasets import (
    CATEGORICAL_FEATURES,
    FEATURE_NAMES,
    NUMERIC_FEATURES,
    SUBSETS,
    fetch_nsl_kdd,
    get_data_home,
    parse_nsl_kdd,
)

GOOD_LINE = (
    "0,tcp,ftp_data,SF,491,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,2,0.00,0.00,0.00,"
    "0.00,1.00,0.00,0.00,150,25,0.17,0.03,0.17,0.00,0.00,0.00,0.05,0.00,normal,20"
)
ATTACK_LINE = GOOD_LINE.replace("normal", "neptune").replace(",SF,", ",S0,")


def write_subset(folder, subset, lines):
    path = folder / SUBSETS[subset][0]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_schema_sizes():
    assert len(FEATURE_NAMES) == 41
    assert len(CATEGORICAL_FEATURES) == 3
    assert len(NUMERIC_FEATURES) == 38


def test_loads_local_file_as_bunch(tmp_path):
    write_subset(tmp_path, "train", [GOOD_LINE, ATTACK_LINE])
    bunch = fetch_nsl_kdd("train", data_home=tmp_path, download_if_missing=False)
    assert list(bunch.data.columns) == list(FEATURE_NAMES)
    assert bunch.target.tolist() == ["normal", "dos"]
    assert bunch.attack.tolist() == ["normal", "neptune"]
    assert bunch.difficulty.tolist() == [20, 20]
    assert bunch.data["flag"].tolist() == ["SF", "S0"]
    assert pd.api.types.is_numeric_dtype(bunch.data["src_bytes"])
    assert bunch.target_names == ["normal", "dos", "probe", "r2l", "u2r"]
    assert "NSL-KDD" in bunch.DESCR
    assert bunch.frame.shape == (2, 44)


def test_return_X_y_and_numpy_output(tmp_path):
    write_subset(tmp_path, "test", [GOOD_LINE])
    X, y = fetch_nsl_kdd("test", data_home=tmp_path, return_X_y=True, as_frame=False)
    assert isinstance(X, np.ndarray) and X.shape == (1, 41)
    assert y.tolist() == ["normal"]


def test_data_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AWDIDS_DATA", str(tmp_path))
    assert get_data_home() == tmp_path
    write_subset(tmp_path, "train-20", [GOOD_LINE])
    assert fetch_nsl_kdd("train-20", download_if_missing=False).data.shape == (1, 41)


def test_default_data_home(monkeypatch):
    monkeypatch.delenv("AWDIDS_DATA", raising=False)
    assert get_data_home().name == "awdids_data"


def test_unknown_subset_lists_the_valid_ones(tmp_path):
    with pytest.raises(ValueError, match="train-20"):
        fetch_nsl_kdd("validation", data_home=tmp_path)


def test_missing_file_without_download_says_where_to_put_it(tmp_path):
    with pytest.raises(OSError, match=r"Put KDDTest\+\.txt into"):
        fetch_nsl_kdd("test", data_home=tmp_path, download_if_missing=False)


def test_too_few_fields_names_file_and_line(tmp_path):
    path = write_subset(tmp_path, "train", [GOOD_LINE, GOOD_LINE.rsplit(",", 2)[0]])
    with pytest.raises(ValueError, match=rf"{re.escape(path.name)}, line 2"):
        parse_nsl_kdd(path)


def test_too_many_fields_names_file_and_line(tmp_path):
    path = write_subset(tmp_path, "train", [GOOD_LINE, GOOD_LINE + ",7"])
    with pytest.raises(ValueError, match=rf"{re.escape(path.name)}.*line 2"):
        parse_nsl_kdd(path)


def test_non_numeric_value_names_line_and_column(tmp_path):
    bad = GOOD_LINE.replace(",491,", ",lots,")
    path = write_subset(tmp_path, "train", [GOOD_LINE, GOOD_LINE, bad])
    with pytest.raises(ValueError, match=r"line 3: column 'src_bytes'.*'lots'"):
        parse_nsl_kdd(path)


@pytest.mark.real_data
def test_table_3_counts(nsl_kdd_home):
    expected = {
        "train": {"normal": 67343, "dos": 45927, "probe": 11656, "u2r": 52, "r2l": 995},
        "test": {"normal": 9711, "dos": 7458, "probe": 2421, "u2r": 200, "r2l": 2754},
    }
    for subset, counts in expected.items():
        bunch = fetch_nsl_kdd(subset, data_home=nsl_kdd_home)
        assert bunch.target.value_counts().to_dict() == counts
        assert bunch.data.shape[1] == 41
        assert (
            bunch.data[list(NUMERIC_FEATURES)]
            .dtypes.map(pd.api.types.is_numeric_dtype)
            .all()
        )


@pytest.mark.parametrize("chunksize", [0, -5, 2.5])
def test_a_chunksize_that_is_not_a_positive_int_is_refused(tmp_path, chunksize):
    from awdids.datasets._records import read_records

    path = write_subset(tmp_path, "train", [GOOD_LINE])
    with pytest.raises(ValueError, match=rf"chunksize must be .* got {chunksize}"):
        next(read_records(path, chunksize=chunksize))


def test_a_file_whose_header_lacks_the_attack_column_is_refused_clearly(tmp_path):
    from awdids.datasets import FEATURE_NAMES, parse_nsl_kdd

    path = tmp_path / "KDDTrain+.txt"
    features = GOOD_LINE.rsplit(",", 2)[0]
    path.write_text(",".join([*FEATURE_NAMES, "difficulty"]) + f"\n{features},20\n")
    with pytest.raises(ValueError, match=r"its header lacks \['attack'\]"):
        parse_nsl_kdd(path)
