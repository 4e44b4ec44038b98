"""Streaming prediction: ``awdids predict`` on large CSV files.

Trains a model with the default network (on a 20,000-record stratified subset of
KDDTrain+ with a small GAN and one epoch: inference cost depends on the
architecture, not on the training budget), writes files of 100,000 and
1,000,000 records made by repeating KDDTest+ rows (the original 43-column
format, so the labels are read and a classification report is built too), and
runs ``awdids predict`` on each in a fresh process. Prints, per file size, the
median wall time over ``--repeats`` runs, records/s and the process's peak RSS:
memory that stays flat from 100k to 1M records is what chunked reading buys.

Usage: ``python benchmarks/bench_predict_stream.py [--repeats 3] [--rows 100000
1000000] [--chunksize 50000]`` (needs ``AWDIDS_DATA``).
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _results import Report, default_out  # benchmarks/ is on sys.path
from sklearn.model_selection import train_test_split

from awdids import make_awdids_pipeline, save_model
from awdids.datasets import fetch_nsl_kdd, get_data_home
from awdids.datasets._nsl_kdd import _locate

NAME = "bench_predict_stream"
_RUN_PREDICT = (
    "import resource, sys\n"
    "from awdids.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('PEAK_RSS_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def train_model(path):
    X, y = fetch_nsl_kdd("train", return_X_y=True)
    X, _, y, _ = train_test_split(X, y, train_size=20_000, stratify=y, random_state=0)
    pipe = make_awdids_pipeline(
        random_state=0,
        oversample__sampling_strategy={"u2r": 500, "r2l": 500},
        oversample__epochs=2,
        clf__max_epochs=1,
    )
    save_model(pipe.fit(X, y.to_numpy()), path)


def write_flows(path, n_rows):
    source = _locate("test", get_data_home(), False, None, 0, 0)
    lines = source.read_bytes().splitlines(True)
    repeats, rest = divmod(n_rows, len(lines))
    with open(path, "wb") as sink:
        for _ in range(repeats):
            sink.writelines(lines)
        sink.writelines(lines[:rest])


def run_predict(model, flows, chunksize):
    command = [sys.executable, "-c", _RUN_PREDICT, "predict", str(model), str(flows)]
    command += ["--chunksize", str(chunksize), "--out", str(flows) + ".pred.csv"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    peak_kib = int(done.stdout.rsplit("PEAK_RSS_KIB", 1)[1].split()[0])
    with open(str(flows) + ".pred.csv") as written:
        predictions = sum(1 for _ in written) - 1
    return seconds, peak_kib / 1024, predictions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--chunksize", type=int, default=50_000)
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        model = folder / "model.awdids"
        start = time.perf_counter()
        train_model(model)
        print(f"model trained in {time.perf_counter() - start:.0f} s")
        rows = []
        for n_rows in args.rows:
            flows = folder / f"flows-{n_rows}.txt"
            write_flows(flows, n_rows)
            runs = [
                run_predict(model, flows, args.chunksize) for _ in range(args.repeats)
            ]
            assert all(count == n_rows for _, _, count in runs)
            seconds = statistics.median(s for s, _, _ in runs)
            peak = max(p for _, p, _ in runs)
            mib = flows.stat().st_size / 2**20
            rows.append((n_rows, mib, seconds, n_rows / seconds, peak))
            print(f"{n_rows:,} records: {seconds:.1f} s, {n_rows / seconds:,.0f}/s")

    report = Report(
        NAME,
        "Streaming prediction on large files",
        "``awdids predict`` with a model of the default network on files made by "
        "repeating KDDTest+ rows (with labels, so a classification report is "
        f"built too), chunksize {args.chunksize:,}. Median wall time of "
        f"{args.repeats} runs, each in a fresh process, start-up included; peak "
        "RSS of the process. Memory that stays flat as files grow is what chunked "
        "reading buys.",
    )
    note = None
    if len(rows) > 1:
        (n_small, _, t_small, _, rss_small), (n_large, _, t_large, _, rss_large) = (
            rows[0],
            rows[-1],
        )
        # the start-up (imports, loading the model) cancels out of the difference
        steady = (n_large - n_small) / (t_large - t_small)
        startup = t_small - n_small / steady
        note = (
            f"Peak RSS, largest file / smallest file: {rss_large / rss_small:.2f}x. "
            f"Steady rate {steady:,.0f} records/s, start-up about {startup:.1f} s."
        )
    report.table(
        "awdids predict",
        ["records", "file MiB", "seconds", "records/s", "peak RSS MiB"],
        [
            [f"{n:,}", f"{mib:,.0f}", f"{s:.1f}", f"{rate:,.0f}", f"{peak:,.0f}"]
            for n, mib, s, rate, peak in rows
        ],
        note=note,
    )
    report.write(args.out)


if __name__ == "__main__":
    main()
