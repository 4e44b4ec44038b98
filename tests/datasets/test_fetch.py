"""fetch_flows: local copies, downloads on a loopback server, swapped partitions."""

import gzip
import hashlib
import shutil

import pytest

from awdids.datasets import fetch_flows, get_schema
from awdids.datasets._fetch import DATASET_FILES

from .test_download import _Handler, leftovers, server  # noqa: F401 - the fixture
from .test_nsl_kdd import GOOD_LINE

KDD99_LINE = GOOD_LINE.rsplit(",", 2)[0] + ",smurf.\n"
KDD99_GZ = gzip.compress(
    (KDD99_LINE * 3 + GOOD_LINE.rsplit(",", 2)[0] + ",normal.\n").encode()
)


def _registry(monkeypatch, dataset, subset, body, algorithm="sha256"):
    filename = DATASET_FILES[dataset][subset][0]
    digest = hashlib.new(algorithm, body).hexdigest()
    monkeypatch.setitem(
        DATASET_FILES,
        dataset,
        {**DATASET_FILES[dataset], subset: (filename, algorithm, digest)},
    )
    return filename


def test_kddcup99_is_downloaded_into_its_folder_and_read(server, tmp_path, monkeypatch):  # noqa: F811
    _, url = server
    filename = _registry(monkeypatch, "kddcup99", "train", KDD99_GZ)
    _Handler.routes[f"/{filename}"] = [("body", KDD99_GZ)]
    bunch = fetch_flows("kddcup99", data_home=tmp_path, mirrors=url, delay=0)
    assert leftovers(tmp_path / "kddcup99") == [filename]
    assert bunch.target.tolist() == ["dos", "dos", "dos", "normal"]
    assert bunch.attack.tolist()[0] == "smurf."
    again = fetch_flows("kddcup99", data_home=tmp_path, drop_duplicates=True)
    assert again.target.tolist() == ["dos", "normal"]  # one smurf record, once


def test_a_wrong_or_truncated_download_is_refused_naming_the_file(
    server,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    _, url = server
    filename = _registry(monkeypatch, "kddcup99", "test", KDD99_GZ)
    _Handler.routes[f"/{filename}"] = [("body", KDD99_GZ[:-5] + b"xxxxx")]
    with pytest.raises(OSError, match=rf"checksum mismatch for {filename}"):
        fetch_flows("kddcup99", "test", data_home=tmp_path, mirrors=url, delay=0)
    _Handler.routes[f"/{filename}"] = [("truncated", KDD99_GZ)]
    with pytest.raises(OSError, match=rf"Could not download {filename}") as info:
        fetch_flows(
            "kddcup99", "test", data_home=tmp_path, mirrors=url, delay=0, n_retries=1
        )
    assert "Put corrected.gz into" in str(info.value)
    assert not (tmp_path / "kddcup99").exists()  # nothing half-written is left


def test_unsw_nb15_has_no_direct_download_and_says_where_to_put_it(tmp_path):
    with pytest.raises(OSError, match="no mirror is known") as info:
        fetch_flows("unsw-nb15", "train", data_home=tmp_path)
    assert "research.unsw.edu.au" in str(info.value)


def _unsw_file(path, rows):
    schema = get_schema("unsw-nb15")
    header = ",".join(schema.field_names)
    line = "1,0.1,tcp,-,FIN" + ",0" * 38 + ",Normal,0"
    path.write_text(header + "\n" + (line + "\n") * rows)


def test_a_swapped_unsw_partition_is_refused_by_its_rows(tmp_path, monkeypatch):
    folder = tmp_path / "unsw-nb15"
    folder.mkdir()
    monkeypatch.setattr("awdids.datasets._fetch._UNSW_ROWS", {"train": 7, "test": 3})
    _unsw_file(folder / "UNSW_NB15_training-set.csv", 3)  # the testing one's rows
    with pytest.raises(ValueError, match="is UNSW-NB15's testing partition"):
        fetch_flows("unsw-nb15", "train", data_home=tmp_path)
    _unsw_file(folder / "UNSW_NB15_testing-set.csv", 3)
    assert len(fetch_flows("unsw-nb15", "test", data_home=tmp_path).target) == 3


@pytest.mark.real_data
def test_the_real_unsw_testing_partition_under_the_training_name(
    datasets_home, tmp_path
):
    folder = tmp_path / "unsw-nb15"
    folder.mkdir()
    source = datasets_home / "unsw-nb15" / "UNSW_NB15_testing-set.csv"
    shutil.copy(source, folder / "UNSW_NB15_training-set.csv")
    with pytest.raises(ValueError, match=r"testing partition \(82,332 rows\)"):
        fetch_flows("unsw-nb15", "train", data_home=tmp_path)


def test_fetch_flows_refuses_an_unknown_dataset_or_subset(tmp_path):
    with pytest.raises(ValueError, match="has no fetcher"):
        fetch_flows("cic-ids2017", data_home=tmp_path)
    with pytest.raises(ValueError, match="Unknown subset 'validation' of kddcup99"):
        fetch_flows("kddcup99", "validation", data_home=tmp_path)
