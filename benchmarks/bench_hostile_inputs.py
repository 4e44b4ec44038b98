"""Hostile and careless inputs against every surface, each run in a fresh process.

Each input is tried as a user or an attacker would: ``awdids predict`` with a
crafted CSV, a crafted model file or a dangerous ``--out``; ``awdids search``
with parameters that cannot work; the estimators and the fetcher from Python
with values they must refuse. Every case runs in its own process, whose wall
time and peak memory (``os.wait4``) are measured, and has an expected outcome:

- *refused*: exit status 2 with one line on stderr and no traceback (or, from
  Python, a ``ValueError``/``TypeError``/``TrainingDivergedError`` naming the
  parameter), nothing written, within 30 s and 1 GiB;
- *works*: exit status 0 (or no exception), and what the case checks holds
  (the input file untouched, a device left a device, every row predicted).

A case is *handled well* when its outcome is the expected one within those
bounds. *Refused before training* counts the refusals of the parameter cases
that came before any fit started (no ``Fitting`` line from the search). Writes
``docs/results/bench_hostile_inputs.json``; the benchmark page shows its table.

Usage: ``python benchmarks/bench_hostile_inputs.py`` (needs ``AWDIDS_DATA`` for
the search cases; about two minutes).
"""

import argparse
import json
import os
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _results import Report, default_out  # benchmarks/ is on sys.path

NAME = "bench_hostile_inputs"
TIME_LIMIT_S, MEMORY_LIMIT_MIB = 30, 1024
FEATURES = (
    "0,tcp,ftp_data,SF,491,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,2,0.00,0.00,0.00,"
    "0.00,1.00,0.00,0.00,150,25,0.17,0.03,0.17,0.00,0.00,0.00,0.05,0.00"
)


def _field(position, value, record=FEATURES):
    fields = record.split(",")
    fields[position] = value
    return ",".join(fields)


def _header():
    from awdids.datasets import FEATURE_NAMES

    return ",".join(FEATURE_NAMES)


# ---- the cases: name -> (expected outcome, build) -------------------------------
# build(folder) writes what the case needs and returns (argv, check); check(folder),
# when not None, says whether what the case promises holds after the run.


def _flows_case(text, expected="refused", check=None):
    def build(folder):
        flows = folder / "flows.csv"
        flows.write_bytes(text() if callable(text) else text)
        argv = ["predict", str(folder / "model.awdids"), str(flows)]
        return argv + ["--out", str(folder / "out" / "p.csv")], check

    return expected, build


def _rows_predicted(n):
    def check(folder):
        out = folder / "out" / "p.csv"
        return out.is_file() and len(out.read_text().splitlines()) == n + 1

    return check


CSV_CASES = {
    "first line of a million commas": _flows_case(b"," * 1_000_000),
    "20 MB field on line 2": _flows_case(
        lambda: f"{FEATURES}\n{'9' * 20_000_000}\n".encode()
    ),
    "10 MB header name": _flows_case(
        lambda: f"{_header()},{'h' * 10_000_000}\n{FEATURES}\n".encode()
    ),
    "5 MB line after good rows": _flows_case(
        f"{FEATURES}\n{'1,' * 2_500_000}\n".encode()
    ),
    "310-digit integer": _flows_case(f"{_field(4, '1' * 310)}\n".encode()),
    "1e308 in a count": _flows_case(f"{_field(4, '1e308')}\n".encode()),
    "non-UTF-8 bytes": _flows_case(_field(2, "ftp\xff").encode("latin-1") + b"\n"),
    "empty file": _flows_case(b""),
    "header only": _flows_case(lambda: f"{_header()}\n".encode()),
    "row wider than the header": _flows_case(
        lambda: f"{_header()}\n{FEATURES},x,y\n".encode()
    ),
    "row narrower than line 1": _flows_case(f"{FEATURES}\n0,tcp\n".encode()),
    "quoted newline": _flows_case(
        (FEATURES + "\n" + _field(2, '"a\nb"') + "\n").encode()
    ),
    "text in a numeric column": _flows_case(f"{_field(0, 'abc')}\n".encode()),
    "BOM before the header": _flows_case(
        lambda: f"\ufeff{_header()}\n{FEATURES}\n".encode(), "works", _rows_predicted(1)
    ),
    "blank lines between rows": _flows_case(
        f"{FEATURES}\n\n\n{FEATURES}\n".encode(), "works", _rows_predicted(2)
    ),
    "DataFrame.to_csv index column": _flows_case(
        lambda: f",{_header()}\n0,{FEATURES}\n".encode(), "works", _rows_predicted(1)
    ),
    "'tcp ' with a trailing space": _flows_case(
        f"{FEATURES.replace(',tcp,', ',tcp ,')}\n".encode(), "works", _rows_predicted(1)
    ),
    "unknown attack name in the labels": _flows_case(
        f"{FEATURES},zeroday,21\n{FEATURES},neptune,21\n".encode(),
        "works",
        _rows_predicted(2),
    ),
    "negative count, rate above 1": _flows_case(
        f"{_field(24, '1.5', _field(4, '-5'))}\n".encode(), "works", _rows_predicted(1)
    ),
}


def _out_case(out, expected, check):
    def build(folder):
        flows = folder / "flows.csv"
        flows.write_text(f"{FEATURES}\n")
        target = out(folder)
        argv = ["predict", str(folder / "model.awdids"), str(flows), "--out", target]
        return argv, check

    return expected, build


def _untouched(folder):
    return (folder / "flows.csv").read_text() == f"{FEATURES}\n"


def _device(folder):
    node = folder / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # as /dev/null
    return str(node)


def _symlink(folder):
    (folder / "real.csv").write_text("old")
    (folder / "link.csv").symlink_to(folder / "real.csv")
    return str(folder / "link.csv")


def _folder(folder):
    (folder / "results").mkdir()
    return str(folder / "results")


OUT_CASES = {
    "--out is FLOWS": _out_case(lambda f: str(f / "flows.csv"), "refused", _untouched),
    "--out is FLOWS spelt ../x/": _out_case(
        lambda f: f"{f}/../{f.name}/flows.csv", "refused", _untouched
    ),
    "--out is the model": _out_case(
        lambda f: str(f / "model.awdids"),
        "refused",
        lambda f: zipfile.is_zipfile(f / "model.awdids"),
    ),
    "--out is a folder": _out_case(_folder, "refused", lambda f: _untouched(f)),
    "--out is a character device": _out_case(
        _device, "works", lambda f: stat.S_ISCHR(os.stat(f / "null").st_mode)
    ),
    "--out is a symlink": _out_case(
        _symlink,
        "works",
        lambda f: (
            (f / "link.csv").is_symlink()
            and (f / "real.csv").read_text().startswith("prediction")
        ),
    ),
}


def _model_case(craft):
    def build(folder):
        flows = folder / "flows.csv"
        flows.write_text(f"{FEATURES}\n")
        model = folder / "crafted.awdids"
        craft(folder / "model.awdids", model)
        return ["predict", str(model), str(flows), "--out", str(folder / "p.csv")], None

    return "refused", build


def _rewrite(source, target, change):
    with zipfile.ZipFile(source) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _pickle_payload(members):
    import pickle

    class Payload:
        def __reduce__(self):
            return (os.system, ("touch /tmp/awdids-hostile-payload-ran",))

    members["weights.safetensors"] = pickle.dumps(Payload())


def _manifest_edit(edit):
    def change(members):
        manifest = json.loads(members["manifest.json"])
        edit(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()

    return change


MODEL_CASES = {
    "not a zip": _model_case(lambda s, t: t.write_text("hello")),
    "truncated": _model_case(lambda s, t: t.write_bytes(s.read_bytes()[:500])),
    "deflate bomb (1 GiB of zeros)": _model_case(
        lambda s, t: _rewrite(
            s, t, lambda m: m.update({"weights.safetensors": bytes(1 << 30)})
        )
    ),
    "member climbing out with ..": _model_case(
        lambda s, t: _rewrite(s, t, lambda m: m.update({"../evil": b"x"}))
    ),
    "pickle in the weights": _model_case(lambda s, t: _rewrite(s, t, _pickle_payload)),
    "feature_scale of 0": _model_case(
        lambda s, t: _rewrite(
            s,
            t,
            _manifest_edit(
                lambda m: m["classifier"]["feature_scale"].__setitem__(0, 0.0)
            ),
        )
    ),
    "unknown format version": _model_case(
        lambda s, t: _rewrite(
            s, t, _manifest_edit(lambda m: m.update(format_version=9))
        )
    ),
}


def _search_case(*options):
    def build(folder):
        argv = [
            "search",
            "--train-rows",
            "3000",
            "--cv",
            "2",
            "--out",
            str(folder / "s"),
        ]
        return [*argv, *options], None

    return "refused", build


PARAMETER_CASES = {
    "--param clf__weight_drop=5": _search_case("--param", "clf__weight_drop=5"),
    "--param pca__n_components=500": _search_case("--param", "pca__n_components=500"),
    "--set clf__head_hidden=[8.5,4]": _search_case(
        "--param", "clf__weight_drop=0", "--set", "clf__head_hidden=[8.5,4]"
    ),
    "--set clf__input_shape=[2,2,2,2]": _search_case(
        "--param", "clf__weight_drop=0", "--set", "clf__input_shape=[2,2,2,2]"
    ),
    "--param clf__nonsense=1": _search_case("--param", "clf__nonsense=1"),
    '--set oversample__sampling_strategy={"u2r": 50.5}': _search_case(
        "--param",
        "clf__weight_drop=0",
        "--set",
        'oversample__sampling_strategy={"u2r": 50.5}',
    ),
}

#: Python calls that must raise a clear error naming the parameter: (code, match)
ESTIMATOR_CASES = {
    "input_shape=(2, 1.9, 2, 2)": (
        "AWDConvLSTMClassifier(input_shape=(2, 1.9, 2, 2)).fit(X, y)",
        "input_shape",
    ),
    "head_hidden=(8.5, 4)": (
        "AWDConvLSTMClassifier(head_hidden=(8.5, 4)).fit(X, y)",
        "head_hidden",
    ),
    "class_weight={'a': nan}": (
        "AWDConvLSTMClassifier(class_weight={'a': float('nan')}).fit(X, y)",
        "class_weight",
    ),
    "lr=1e30": (
        "AWDConvLSTMClassifier(lr=1e30, hidden_channels=2, num_layers=1,"
        " max_epochs=3).fit(X, y)",
        "lr",
    ),
    "AddRows(inf, ['u2r'])": ("AddRows(float('inf'), ['u2r'])", "n_rows"),
    "AddRows(100, 'u2r')": ("AddRows(100, 'u2r')", "classes"),
    "GPGANSampler(discrete_groups=[5])": (
        "GPGANSampler(discrete_groups=[5]).fit_resample(X, y)",
        "discrete_groups",
    ),
    "GPGANSampler({'a': 50.5})": (
        "GPGANSampler(sampling_strategy={'a': 50.5}).fit_resample(X, y)",
        "sampling_strategy",
    ),
    "OpenSetClassifier(false_alarm_rate=0.001) on 200 rows": (
        "OpenSetClassifier(LogisticRegression(), false_alarm_rate=0.001).fit(X, y2)",
        "false_alarm_rate",
    ),
    "fetch_nsl_kdd(n_retries=-1)": (
        "fetch_nsl_kdd('train', data_home=folder + '/home', n_retries=-1)",
        "n_retries",
    ),
}

ESTIMATOR_WORKER = """
import sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from awdids import AWDConvLSTMClassifier, OpenSetClassifier
from awdids.datasets import fetch_nsl_kdd
from awdids.over_sampling import AddRows, GPGANSampler, TrainingDivergedError
folder = sys.argv[2]
X = np.random.RandomState(0).rand(200, 8)
y = np.where(X[:, 0] > 0.8, "a", "b")
y2 = np.where(X[:, 0] > 0.5, "attack", "normal")
try:
    exec(sys.argv[1])
except (ValueError, TypeError, TrainingDivergedError) as error:
    print(f"refused: {error}")
else:
    print("worked")
"""


# ---- running ----------------------------------------------------------------------


def _run(argv, cwd):
    """Run ``argv`` in a fresh process: (status, stdout, stderr, seconds, peak MiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            process.returncode = 0  # reaped by wait4
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    return os.waitstatus_to_exitcode(status), *text, seconds, usage.ru_maxrss / 1024


def _clearly_refused(status, stderr):
    lines = [line for line in stderr.splitlines() if line.strip()]
    return (
        status == 2
        and "Traceback" not in stderr
        and bool(lines)
        and lines[-1].startswith("awdids ")
        and len(lines[-1]) < 1000
    )


def _written(folder, before):
    """Files the run left that were not there before (besides the model)."""
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p not in before
    )


def cli_case(surface, name, expected, build, model, root):
    folder = Path(tempfile.mkdtemp(dir=root))
    (folder / "model.awdids").write_bytes(model.read_bytes())
    (folder / "out").mkdir()
    argv, check = build(folder)
    before = set(folder.rglob("*"))
    status, stdout, stderr, seconds, peak = _run(
        [sys.executable, "-m", "awdids", *argv], folder
    )
    outcome = (
        "refused"
        if _clearly_refused(status, stderr)
        else ("works" if status == 0 else f"exit {status}")
    )
    written = _written(folder, before) if outcome == "refused" else []
    good = (
        outcome == expected
        and not written
        and (check is None or check(folder))
        and seconds < TIME_LIMIT_S
        and peak < MEMORY_LIMIT_MIB
        and not Path("/tmp/awdids-hostile-payload-ran").exists()
    )
    return {
        "surface": surface,
        "input": name,
        "expected": expected,
        "outcome": outcome,
        "handled_well": bool(good),
        "before_training": surface == "search parameters"
        and outcome == "refused"
        and "Fitting" not in stdout,
        "seconds": round(seconds, 3),
        "peak_mib": round(peak, 1),
        "message": (stderr.strip().splitlines() or [""])[-1][:300],
        "written": written,
    }


def estimator_case(name, code, match, root):
    status, stdout, stderr, seconds, peak = _run(
        [sys.executable, "-c", ESTIMATOR_WORKER, code, str(root)], root
    )
    line = stdout.strip().splitlines()[-1] if stdout.strip() else stderr[-300:]
    refused = status == 0 and line.startswith("refused: ") and match in line
    return {
        "surface": "estimators and fetcher (Python)",
        "input": name,
        "expected": "refused",
        "outcome": "refused" if refused else line[:80],
        "handled_well": bool(
            refused and seconds < TIME_LIMIT_S and peak < MEMORY_LIMIT_MIB
        ),
        "before_training": False,
        "seconds": round(seconds, 3),
        "peak_mib": round(peak, 1),
        "message": line[:300],
        "written": [],
    }


TINY_MODEL = """
import sys
sys.path.insert(0, sys.argv[2])
from tests.conftest import TINY_PIPELINE, nsl_kdd_like
from awdids import make_awdids_pipeline, save_model
X, y = nsl_kdd_like()
save_model(make_awdids_pipeline(random_state=0, **TINY_PIPELINE).fit(X, y), sys.argv[1])
"""


def _tiny_model(path):
    # In its own process: this one stays small (no torch), so that the peak
    # memory wait4 reports for each case (at least the parent's at fork) is the
    # case's own.
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", TINY_MODEL, str(path), str(root)], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="awdids-hostile-"))
    model = root / "model.awdids"
    _tiny_model(model)
    cases = []
    groups = [
        ("predict FLOWS (CSV reader)", CSV_CASES),
        ("predict --out (writer)", OUT_CASES),
        ("model files (load_model)", MODEL_CASES),
    ]
    if os.environ.get("AWDIDS_DATA"):
        groups.append(("search parameters", PARAMETER_CASES))
    for surface, table in groups:
        for name, (expected, build) in table.items():
            cases.append(cli_case(surface, name, expected, build, model, root))
            print(f"{surface} | {name}: {cases[-1]['outcome']}", flush=True)
    for name, (code, match) in ESTIMATOR_CASES.items():
        cases.append(estimator_case(name, code, match, root))
        print(f"estimators | {name}: {cases[-1]['outcome']}", flush=True)
    rows = []
    for surface in dict.fromkeys(c["surface"] for c in cases):
        mine = [c for c in cases if c["surface"] == surface]
        rows.append(
            [
                surface,
                str(len(mine)),
                str(sum(c["handled_well"] for c in mine)),
                str(sum(c["outcome"] == "refused" for c in mine)),
                str(sum(c["before_training"] for c in mine))
                if surface == "search parameters"
                else "-",
                f"{max(c['seconds'] for c in mine):.2f}",
                f"{max(c['peak_mib'] for c in mine):.0f}",
            ]
        )
    report = Report(
        NAME,
        "Hostile and careless inputs",
        "Each input runs in a fresh process (``awdids predict`` or ``awdids "
        "search`` on the command line, or the estimators from Python) with an "
        "expected outcome: refused with one line, exit status 2 and nothing "
        "written, or works with its promise kept (the input untouched, a device "
        "left a device, every row predicted). *Handled well*: the expected "
        f"outcome within {TIME_LIMIT_S} s and {MEMORY_LIMIT_MIB} MiB. *Before "
        "training*: refusals that came before any fit. Times and peak memory are "
        "the largest of the surface's cases, the interpreter's start included.",
    )
    report.table(
        "Inputs tried per surface",
        (
            "surface",
            "inputs",
            "handled well",
            "refused",
            "refused before training",
            "max s",
            "max peak MiB",
        ),
        rows,
    )
    failures = [c for c in cases if not c["handled_well"]]
    report.values = {"cases": cases, "not_handled_well": failures}
    report.write(args.out)
    for case in failures:
        print(f"NOT HANDLED WELL: {case}", flush=True)


if __name__ == "__main__":
    main()
