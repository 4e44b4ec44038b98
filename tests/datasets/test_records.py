"""Hostile CSV files against the record reader: bounded time and memory, clear lines.

Each file is read in a fresh interpreter whose peak resident memory (added by
the read, from the kernel's high-water mark) and wall time are measured, so
that a reader that tokenises a hostile line in full (3 GB and minutes for a
first line of a million commas, before this check) fails.
"""

import json
import re
import subprocess
import sys
import textwrap

import pytest

from awdids.datasets import FEATURE_NAMES
from awdids.datasets._records import MAX_LINE_BYTES, read_records

from .test_nsl_kdd import GOOD_LINE

RECORD = GOOD_LINE.rsplit(",", 2)[0]  # the 41 features
HEADER = ",".join(FEATURE_NAMES)

READ_IN_A_FRESH_PROCESS = textwrap.dedent(
    """
    import json, sys, time
    from awdids.datasets._records import read_records

    def peak_mib():  # this process's own high-water mark (VmHWM), reset at exec
        with open("/proc/self/status") as status:
            line = next(row for row in status if row.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    before = peak_mib()
    start = time.perf_counter()
    try:
        rows = sum(len(chunk) for chunk in read_records(sys.argv[1], chunksize=1000))
        outcome = f"read {rows}"
    except ValueError as error:
        outcome = f"refused: {error}"
    print(json.dumps({
        "outcome": outcome,
        "seconds": time.perf_counter() - start,
        "peak_mib": peak_mib(),
        "added_peak_mib": peak_mib() - before,
    }))
    """
)


def _read_in_a_fresh_process(path):
    result = subprocess.run(
        [sys.executable, "-c", READ_IN_A_FRESH_PROCESS, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


HOSTILE_FILES = {
    "a first line of a million commas": ("," * 1_000_000).encode(),
    "a 20 MB field on line 2": f"{RECORD}\n{'9' * 20_000_000}\n".encode(),
    "a 10 MB header name": (HEADER + "," + "h" * 10_000_000 + "\n").encode(),
    "a 5 MB line of commas after good records": (
        f"{RECORD}\n" * 3 + "," * 5_000_000 + "\n"
    ).encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_line_is_refused_in_bounded_time_and_memory(name, tmp_path):
    path = tmp_path / "flows.csv"
    path.write_bytes(HOSTILE_FILES[name])
    measured = _read_in_a_fresh_process(path)
    assert measured["outcome"].startswith("refused: "), measured
    assert "line" in measured["outcome"]
    assert len(measured["outcome"]) < 400, "the message echoes the hostile value"
    assert measured["seconds"] < 10, measured
    assert measured["added_peak_mib"] < 50, measured


def test_good_records_still_stream_in_bounded_memory(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text(f"{RECORD}\n" * 50_000)
    measured = _read_in_a_fresh_process(path)
    assert measured["outcome"] == "read 50000", measured
    assert measured["added_peak_mib"] < 100, measured


def _refusal(tmp_path, data):
    path = tmp_path / "flows.csv"
    path.write_bytes(data)
    with pytest.raises(ValueError) as error:
        list(read_records(path))
    return str(error.value)


def test_an_integer_of_310_digits_names_its_line_and_column_shortened(tmp_path):
    fields = RECORD.split(",")
    fields[4] = "1" * 310  # src_bytes
    message = _refusal(tmp_path, (RECORD + "\n" + ",".join(fields) + "\n").encode())
    assert "line 2: column 'src_bytes' holds" in message
    assert "(310 characters)" in message and len(message) < 300


def test_non_utf8_bytes_name_the_file(tmp_path):
    bad = RECORD.replace(",ftp_data,", ",ftp\xff,").encode("latin-1")
    message = _refusal(tmp_path, (RECORD + "\n").encode() + bad + b"\n")
    assert "flows.csv" in message and "UTF-8" in message


def test_a_byte_order_mark_before_the_header_is_read_as_a_header(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + HEADER + "\n" + RECORD + "\n").encode())
    (frame,) = read_records(path)
    assert len(frame) == 1 and frame["service"].iloc[0] == "ftp_data"


def test_the_line_limit_leaves_room_for_real_records():
    assert MAX_LINE_BYTES > 10 * len(HEADER)


def test_a_pipe_is_read_once_from_its_start(tmp_path):
    import os
    import threading

    fifo = tmp_path / "flows.pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(f"{RECORD}\n" * 3))
    writer.start()
    (frame,) = read_records(fifo)
    writer.join(timeout=10)
    assert len(frame) == 3 and frame["duration"].tolist() == [0, 0, 0]


def test_spaces_around_a_text_value_are_stripped(tmp_path):
    path = tmp_path / "flows.csv"
    path.write_text(RECORD.replace(",tcp,", ",tcp ,").replace(",SF,", ",  SF  ,"))
    (frame,) = read_records(path)
    assert frame[["protocol_type", "flag"]].iloc[0].tolist() == ["tcp", "SF"]


def test_values_outside_a_column_range_are_counted(tmp_path):
    from awdids.datasets._flows import read_flow_chunks

    fields = RECORD.split(",")
    fields[4] = "-5"  # src_bytes: a count
    fields[24] = "1.5"  # serror_rate: a share
    path = tmp_path / "flows.csv"
    path.write_text(RECORD + "\n" + ",".join(fields) + "\n")
    counts = {}
    list(read_flow_chunks(path, out_of_range_counter=counts))
    assert {c: n for c, n in counts.items() if n} == {"src_bytes": 1, "serror_rate": 1}


def _bad(record, position, value):
    fields = record.split(",")
    fields[position] = value
    return ",".join(fields)


@pytest.mark.parametrize(
    "text, match",
    [
        (HEADER + "\n", "holds no records"),
        (
            HEADER + "\n" + RECORD + ",x,y\n",
            "line 2: 43 comma-separated fields, where line 1 has 41",
        ),
        (RECORD + "\n" + RECORD + ",extra\n", "line 2: 42 comma-separated fields"),
        (
            RECORD + "\n\n\n" + _bad(RECORD, 4, "abc") + "\n",
            "line 4: column 'src_bytes' holds 'abc'",
        ),
        (
            RECORD + "\n" + _bad(RECORD, 2, '"ftp\nx"') + "\n",
            "line 2: 3 comma-separated fields",
        ),
        (
            RECORD + "\n" + _bad(RECORD, 4, "1e308") + "\n",
            "line 2: column 'src_bytes' holds 1e\\+308.*float32",
        ),
    ],
    ids=[
        "header only",
        "wider than header",
        "wider than line 1",
        "after blank lines",
        "quoted newline",
        "past float32",
    ],
)
def test_refusals_name_the_physical_line(text, match, tmp_path):
    assert re.search(match, _refusal(tmp_path, text.encode()))


def test_blank_lines_are_skipped_and_an_index_column_is_dropped(tmp_path):
    import pandas as pd

    frame = pd.DataFrame([RECORD.split(",")] * 2, columns=list(FEATURE_NAMES))
    path = tmp_path / "to_csv.csv"
    frame.to_csv(path)  # pandas' default: an unnamed index column first
    path.write_text(path.read_text() + "\n\n")
    (read,) = read_records(path)
    assert list(read.columns) == list(FEATURE_NAMES) and len(read) == 2
    assert read["service"].tolist() == ["ftp_data", "ftp_data"]


def test_an_index_column_before_the_features_and_labels_is_dropped(tmp_path):
    import pandas as pd

    columns = [*FEATURE_NAMES, "attack", "difficulty"]
    frame = pd.DataFrame([GOOD_LINE.split(",")] * 2, columns=columns)
    path = tmp_path / "labelled.csv"
    frame.to_csv(path)  # 1 + 43 fields a line
    (read,) = read_records(path)
    assert list(read.columns) == columns
    assert read["attack"].tolist() == ["normal", "normal"]
