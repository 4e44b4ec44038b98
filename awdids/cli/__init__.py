"""The ``awdids`` command line."""

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from pathlib import Path

__all__ = ["main"]


def _log(message):
    print(f"[awdids {time.strftime('%H:%M:%S')}] {message}", flush=True)


#: The built-in datasets a command can name with --dataset.
_DATASETS = ("nsl-kdd", "kddcup99", "unsw-nb15")


def _schema_of(args):
    """The schema a command works with: --schema FILE, else --dataset's."""
    from .datasets import get_schema, read_schema

    if getattr(args, "schema", None) is not None:
        return read_schema(args.schema)
    return get_schema(getattr(args, "dataset", None) or "nsl-kdd")


def _training_data(args, schema):
    """``(X, y, attack)`` of the labelled records a command trains on.

    --data FILE in the schema's layout, else the built-in dataset's training
    file (KDD Cup 99's with its duplicates dropped when --drop-duplicates).
    """
    from .datasets import fetch_flows, load_flows

    if args.data is not None:
        bunch = load_flows(args.data, schema)
    elif args.schema is not None:
        raise ValueError(f"--schema {args.schema} needs --data FILE, the records.")
    else:
        bunch = fetch_flows(
            schema.name,
            "train",
            data_home=args.data_home,
            drop_duplicates=getattr(args, "drop_duplicates", False),
        )
    target = bunch.target.to_numpy()
    return bunch.data, target, schema.attack_types(bunch.attack)


def _test_data(args, schema):
    """``(X, y)`` of the labelled records a command scores once, at the end."""
    from .datasets import fetch_flows, load_flows

    if args.test is not None:
        bunch = load_flows(args.test, schema)
    elif args.schema is not None:
        raise ValueError(f"--schema {args.schema} needs --test FILE, the records.")
    else:
        bunch = fetch_flows(schema.name, "test", data_home=args.data_home)
    return bunch.data, bunch.target.to_numpy()


def _cmd_baselines(args):
    from ._io import prepare_out_dir, write_json_atomic, write_text_atomic
    from .evaluation import evaluate_models, format_results_table, make_baselines

    out = prepare_out_dir(args.out)
    schema = _schema_of(args)
    X_train, y_train, _ = _training_data(args, schema)
    X_test, y_test = _test_data(args, schema)
    if schema.open_vocabulary:
        schema = schema.with_vocabulary(X_train)
    classes = schema.class_names or sorted(set(y_train))
    results = evaluate_models(
        make_baselines(schema=schema, random_state=args.random_state),
        X_train,
        y_train,
        X_test,
        y_test,
        labels=classes,
        log=_log,
    )
    rare = schema.oversample["classes"] if schema.oversample else ()
    table = format_results_table(results, classes=tuple(rare))
    print(table)
    write_json_atomic(out / "baselines.json", results)
    write_text_atomic(out / "baselines.md", table + "\n")
    _log(f"wrote {out / 'baselines.json'} and {out / 'baselines.md'}")
    return 0


def _cmd_fetch(args):
    from .datasets import fetch_flows, get_data_home

    home = get_data_home(args.data_home)
    dataset = args.dataset or "nsl-kdd"
    for subset in args.subsets:
        bunch = fetch_flows(dataset, subset, data_home=home)
        counts = bunch.target.value_counts().to_dict()
        print(f"{dataset} {subset}: {len(bunch.target)} records {counts}")
    print(f"{dataset} files are in {home} (or its {dataset}/ folder)")
    return 0


def _cmd_reproduce(args):
    from .experiments import reproduce

    reproduce(
        args.out,
        dataset=_schema_of(args) if args.schema else (args.dataset or "nsl-kdd"),
        data=args.data,
        test=args.test,
        quick=args.quick,
        seeds=args.seeds,
        data_home=args.data_home,
        resume=args.resume,
        log=_log,
    )
    return 0


def _parse_value(text):
    """'0.2' -> 0.2, '80' -> 80, 'none' -> None, 'true' -> True, else the text.

    JSON is read as given, so strings and dict keys keep their case
    (``{"U2R": 5}``); only the words none, null, true and false are taken in
    any case.
    """
    import json

    stripped = text.strip()
    words = {"none": None, "null": None, "true": True, "false": False}
    if stripped.lower() in words:
        return words[stripped.lower()]
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        return stripped


def _split_values(text):
    """Split on the commas outside brackets, braces and quotes.

    ``'[64,32],[8,8]'`` -> ``['[64,32]', '[8,8]']``.
    """
    parts, depth, quote, start = [], 0, None, 0
    for position, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{(":
            depth += 1
        elif char in "]})":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    if depth != 0 or quote:
        raise ValueError(f"unbalanced brackets or quotes in {text!r}.")
    return parts


def _parse_assignments(items, *, many):
    """['clf__lr=1e-3,1e-4'] -> {'clf__lr': [0.001, 0.0001]} (one value if not many)."""
    parsed = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name.strip() or not values.strip():
            raise ValueError(f"expected NAME=VALUE[,VALUE...], got {item!r}.")
        if many:
            parsed[name.strip()] = [_parse_value(v) for v in _split_values(values)]
        else:
            parsed[name.strip()] = _parse_value(values)
    return parsed


def _cmd_search(args):
    from sklearn.model_selection import train_test_split

    from ._io import check_writable, write_json_atomic, write_text_atomic
    from .model_selection import NovelAttackKFold, search_pipeline, summarise_search

    grid = _parse_assignments(args.param, many=True) or {
        "clf__weight_drop": [0.0, 0.2, 0.4]
    }
    fixed = _parse_assignments(args.set, many=False)
    out = Path(args.out)
    check_writable(out / "search.json")  # the folder is made when results exist
    schema = _schema_of(args)
    X, y, attack = _training_data(args, schema)
    if args.train_rows is not None and args.train_rows < len(y):
        X, _, y, _, attack, _ = train_test_split(
            X,
            y,
            attack,
            train_size=args.train_rows,
            stratify=y,
            random_state=args.random_state,
        )
    where = args.scheduler or f"this machine (n_jobs={args.n_jobs})"
    if args.novel_attacks:
        cv = NovelAttackKFold(args.cv, normal_label=schema.normal_label)
        folds = f"{args.cv} novel-attack folds"
    else:
        cv, folds = args.cv, f"{args.cv} stratified folds"
    if schema.open_vocabulary:
        schema = schema.with_vocabulary(X)
    _log(f"searching {grid} on {len(y)} {schema.name} records, {folds}, {where}")
    search = search_pipeline(
        X,
        y,
        grid,
        schema=schema,
        cv=cv,
        groups=attack if args.novel_attacks else None,
        scoring=args.scoring,
        scheduler=args.scheduler,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        verbose=2,
        **fixed,
    )
    summary, table = summarise_search(
        search, scoring=args.scoring, n_train=len(y), fixed=fixed
    )
    print(table)
    write_json_atomic(out / "search.json", summary)
    write_text_atomic(out / "search.md", table + "\n")
    _log(f"best {search.best_params_} ({args.scoring} {search.best_score_:.4f})")
    _log(f"wrote {out / 'search.json'} and {out / 'search.md'}")
    return 0


def _novelty_options(args):
    """OpenSetClassifier parameters given on the command line."""
    given = {
        "false_alarm_rate": args.false_alarm_rate,
        "policy": args.policy,
        "cv": args.cv,
    }
    given = {name: value for name, value in given.items() if value is not None}
    if given and not args.novelty:
        flags = ", ".join("--" + name.replace("_", "-") for name in given)
        raise ValueError(f"{flags} only apply with --novelty.")
    return given


def _cmd_train(args):
    from ._io import check_writable
    from .model_file import save_model
    from .novelty import OpenSetClassifier
    from .pipeline import make_awdids_pipeline

    novelty = _novelty_options(args)
    fixed = _parse_assignments(args.set, many=False)
    check_writable(args.out)  # before hours of training, not at save_model
    schema = _schema_of(args)
    X, y, _ = _training_data(args, schema)
    if schema.open_vocabulary:
        schema = schema.with_vocabulary(X)
    progress = {"clf__verbose": 1}
    if schema.oversample is not None:
        progress["oversample__verbose"] = 1
    model = make_awdids_pipeline(
        schema=schema,
        random_state=args.random_state,
        verbose=True,
        **{**progress, **fixed},
    )
    if args.novelty:
        model = OpenSetClassifier(
            model,
            normal_label=schema.normal_label,
            random_state=args.random_state,
            verbose=1,
            **novelty,
        )
        _log(
            f"training the pipeline {model.cv} times on calibration folds, then "
            f"once on all {len(y)} records ..."
        )
    else:
        _log(
            f"training the AWD-CNN-LSTM + GP-GAN pipeline on {len(y)} "
            f"{schema.name} records ..."
        )
    model.fit(X, y)
    save_model(model, args.out, schema=schema)
    _log(f"wrote {args.out}")
    return 0


def _prediction_lines(model, features, open_set):
    """Predicted labels and their CSV lines (with normal_score for an open set)."""
    if not open_set:
        pred = model.predict(features)
        return pred, pred.tolist()
    pred, scores = model.predict_with_scores(features)
    return pred, [f"{label},{score:.6f}" for label, score in zip(pred, scores)]


#: The category of a label outside the taxonomy: predicted, not scored.
_UNSCORED = "\0unscored"


class _UnknownNames:
    """Rows whose label names no known attack: a count, and the first few names."""

    shown = 10

    def __init__(self, schema_name):
        self.schema_name = schema_name
        self.rows, self.names = 0, []

    def add(self, labels):
        self.rows += len(labels)
        for name in dict.fromkeys(labels):
            if len(self.names) < self.shown and name not in self.names:
                self.names.append(name)

    def describe(self):
        names = ", ".join(repr(n[:40]) for n in self.names)
        more = "" if len(self.names) < self.shown else ", ..."
        return (
            f"{self.rows} record(s) carry attack names outside the "
            f"{self.schema_name} schema's categories ({names}{more}); they are "
            "predicted, and left out of the classification report."
        )


def _refuse_output_over_input(out, inputs):
    """Refuse an output path that is (resolves to) one of the ``inputs``."""
    for role, path in inputs.items():
        same = os.path.realpath(out) == os.path.realpath(path)
        if not same and os.path.exists(out) and os.path.exists(path):
            same = os.path.samefile(out, path)
        if same:
            raise ValueError(f"--out {out} is {role}; it would be overwritten.")


def _predict_schema(args, stored):
    """The model file's schema; --dataset/--schema only for a file without one."""
    given = args.schema is not None or args.dataset is not None
    if stored is None:
        return _schema_of(args)
    if given and (named := _schema_of(args)).name != stored.name:
        raise ValueError(
            f"{args.model} was trained on {stored.name!r} records, not "
            f"{named.name!r}; predict reads the model's own schema."
        )
    return stored


def _cmd_predict(args):
    import collections
    import itertools
    import warnings

    import numpy as np
    from tqdm.auto import tqdm

    from ._io import atomic_path, check_writable
    from .datasets._flows import read_flow_chunks
    from .evaluation import report_from_counts
    from .model_file import load_model

    if args.out is not None:
        check_writable(args.out)
    model, schema = load_model(args.model, return_schema=True)
    schema = _predict_schema(args, schema)
    open_set = hasattr(model, "predict_with_scores")
    if open_set:
        _log(
            f"rows whose normal_score is below {model.offset_:.6f} are flagged "
            f"(false_alarm_rate={model.false_alarm_rate} of held-out normal "
            f"training rows); flagged rows called normal become "
            f"{model.unknown_label if model.policy == 'unknown' else 'an attack'}"
        )
    # Counts, not rows, so that memory stays flat however large the file.
    unseen, out_of_range, pair_counts = {}, {}, collections.Counter()
    unknown_names = _UnknownNames(schema.name)
    out = args.out or args.flows.with_suffix(".predictions.csv")
    _refuse_output_over_input(out, {"the model": args.model, "FLOWS": args.flows})
    chunks = read_flow_chunks(
        args.flows,
        schema=schema,
        chunksize=args.chunksize,
        unseen_counter=unseen,
        out_of_range_counter=out_of_range,
    )
    # The first chunk is read and checked before the output is created, so a
    # file refused at once leaves nothing behind.
    first = next(chunks, None)
    with (
        atomic_path(out) as tmp,
        open(tmp, "w", encoding="utf-8") as sink,
        tqdm(desc="predict", unit=" records", unit_scale=True) as progress,
    ):
        sink.write("prediction,normal_score\n" if open_set else "prediction\n")
        for features, labels in itertools.chain([first] if first else [], chunks):
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Found unknown categories")
                pred, lines = _prediction_lines(model, features, open_set)
            sink.write("\n".join(lines) + "\n")
            if labels is not None:
                categories = schema.targets(labels, unknown=_UNSCORED)
                known = categories != _UNSCORED
                unknown_names.add(np.asarray(labels, dtype=str)[~known])
                pair_counts.update(zip(categories[known], pred[known]))
            progress.update(len(pred))
    for column, count in unseen.items():
        if count:
            print(
                f"warning: {count} record(s) have a {column} value outside the "
                f"model's vocabulary ({schema.name}); encoded as all zeros.",
                file=sys.stderr,
            )
    outside = {column: n for column, n in out_of_range.items() if n}
    if outside:
        print(
            f"warning: {sum(outside.values())} value(s) lie outside their column's "
            f"range (negative counts, rates above 1): {outside}; they are "
            "classified as they are.",
            file=sys.stderr,
        )
    _log(f"wrote {out}")
    if unknown_names.rows:
        print(f"warning: {unknown_names.describe()}", file=sys.stderr)
    if pair_counts:
        n_scored = sum(pair_counts.values())
        print(f"classification report of the {n_scored} record(s) with known labels:")
        print(report_from_counts(pair_counts))
    return 0


def _add_data_options(parser, *, data=True, test=False, duplicates=True):
    """--dataset or --schema, and the files of labelled records a command reads."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--dataset",
        choices=_DATASETS,
        default=None,
        help="a built-in dataset (default nsl-kdd)",
    )
    which.add_argument(
        "--schema",
        type=Path,
        default=None,
        metavar="FILE",
        help="JSON schema of your own records (Frictionless descriptor with an "
        "awdids section; see the Data guide)",
    )
    if data:
        parser.add_argument(
            "--data",
            type=Path,
            default=None,
            metavar="FILE",
            help="labelled records to train on (default: the dataset's training "
            "file; needed with --schema)",
        )
    if data and duplicates:
        parser.add_argument(
            "--drop-duplicates",
            action="store_true",
            help="train on each distinct record once (KDD Cup 99's 10%% file: "
            "494,021 rows, 145,586 distinct)",
        )
    if test:
        parser.add_argument(
            "--test",
            type=Path,
            default=None,
            metavar="FILE",
            help="labelled records scored once (default: the dataset's test "
            "file; needed with --schema)",
        )


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="awdids",
        description=(
            "Network intrusion detection on flow records (NSL-KDD, KDD Cup 99, "
            "UNSW-NB15 or a schema of your own) with the AWD-CNN-LSTM + GP-GAN "
            "method and its baselines."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    baselines = sub.add_parser(
        "baselines",
        help="train LinearSVC, RandomForest, KNN, HistGradientBoosting on a "
        "dataset's training rows (KDDTrain+) and score them on its test rows",
    )
    baselines.add_argument("--out", default="results", help="output folder")
    baselines.add_argument(
        "--data-home", default=None, help="folder with the datasets' files"
    )
    baselines.add_argument("--random-state", type=int, default=0)
    _add_data_options(baselines, test=True)
    baselines.set_defaults(handler=_cmd_baselines)

    fetch = sub.add_parser(
        "fetch",
        help="put a dataset's files into the data folder (download with checksum, "
        "or say where to put them)",
    )
    fetch.add_argument(
        "--dataset",
        choices=_DATASETS,
        default=None,
        help="a built-in dataset (default nsl-kdd)",
    )
    fetch.add_argument(
        "--data-home",
        default=None,
        help="data folder (default: $AWDIDS_DATA, else ~/awdids_data)",
    )
    fetch.add_argument(
        "--subsets",
        nargs="+",
        default=["train", "test"],
        choices=["train", "test", "test-21", "train-20"],
        help="subsets to fetch (default train test; test-21 and train-20 are "
        "NSL-KDD's)",
    )
    fetch.set_defaults(handler=_cmd_fetch)

    reproduce = sub.add_parser(
        "reproduce",
        help="regenerate the paper's tables and figures (report.md, metrics.json, "
        "PNGs) with every model compared in one run",
    )
    reproduce.add_argument("--out", default="results", help="output folder")
    reproduce.add_argument(
        "--quick",
        action="store_true",
        help="smoke run on a small subset with tiny budgets",
    )
    reproduce.add_argument(
        "--seeds",
        type=int,
        default=3,
        help="seeds per model (mean and std are reported)",
    )
    reproduce.add_argument("--data-home", default=None)
    reproduce.add_argument(
        "--resume",
        action="store_true",
        help="keep the fits an earlier run left in OUT/stages instead of refitting",
    )
    _add_data_options(reproduce, test=True, duplicates=False)
    reproduce.set_defaults(handler=_cmd_reproduce)

    search = sub.add_parser(
        "search",
        help="grid-search the pipeline's hyperparameters on training rows "
        "(KDDTrain+, or --dataset/--data) by "
        "stratified cross-validation, here or on a Dask cluster",
        description="Grid-search the pipeline on training rows only (stratified, "
        "seeded folds). Example: awdids search --param clf__weight_drop=0,0.2,0.4 "
        "--param pca__n_components=60,80 --set clf__max_epochs=10 "
        "--scheduler tcp://scheduler:8786",
    )
    search.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="a grid axis (repeatable; default clf__weight_drop=0,0.2,0.4)",
    )
    search.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a fixed pipeline parameter (repeatable)",
    )
    search.add_argument("--cv", type=int, default=3, help="folds (default 3)")
    search.add_argument(
        "--novel-attacks",
        action="store_true",
        help="validate each fold on attack types held out of its training rows "
        "(NovelAttackKFold), as a test set's new attacks are",
    )
    search.add_argument("--scoring", default="f1_macro")
    search.add_argument(
        "--train-rows",
        type=int,
        default=None,
        help="search on a stratified subsample of this many records",
    )
    search.add_argument(
        "--scheduler",
        default=None,
        help="Dask scheduler address (tcp://host:8786); needs awdids[distributed]",
    )
    search.add_argument(
        "--n-jobs", type=int, default=None, help="parallel fits (-1: all)"
    )
    search.add_argument("--random-state", type=int, default=0)
    search.add_argument("--out", default="search-results", help="output folder")
    search.add_argument("--data-home", default=None)
    _add_data_options(search)
    search.set_defaults(handler=_cmd_search)

    train = sub.add_parser(
        "train",
        help="train the default pipeline on training rows (KDDTrain+, or "
        "--dataset/--data) and save it with its schema (with --novelty, "
        "wrapped in an OpenSetClassifier that flags unknown attacks)",
    )
    train.add_argument(
        "--out",
        type=Path,
        default=Path("awdids-model.awdids"),
        help="model file to write",
    )
    train.add_argument("--data-home", default=None)
    train.add_argument("--random-state", type=int, default=0)
    train.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a pipeline parameter (repeatable), e.g. --set clf__max_epochs=10",
    )
    train.add_argument(
        "--novelty",
        action="store_true",
        help="flag records unlike any normal training traffic (OpenSetClassifier); "
        "'awdids predict' then writes unknown and a normal_score column. Trains "
        "the pipeline once per calibration fold and once on all records",
    )
    train.add_argument(
        "--false-alarm-rate",
        type=float,
        default=None,
        help="with --novelty: share of held-out normal records flagged (default 0.01)",
    )
    train.add_argument(
        "--policy",
        choices=["unknown", "attack"],
        default=None,
        help="with --novelty: what a flagged record called normal becomes "
        "(default unknown)",
    )
    train.add_argument(
        "--cv",
        type=int,
        default=None,
        help="with --novelty: calibration folds (default 3)",
    )
    _add_data_options(train)
    train.set_defaults(handler=_cmd_train)

    predict = sub.add_parser(
        "predict",
        help="classify the records of a CSV file in the model's schema (NSL-KDD: "
        "41 columns; header or "
        "not; with label columns a classification report is printed)",
    )
    predict.add_argument("model", type=Path, help="a file written by 'awdids train'")
    predict.add_argument(
        "flows", type=Path, help="CSV file of records in the model's schema"
    )
    predict.add_argument(
        "--out",
        type=Path,
        default=None,
        help="predictions CSV (default: FLOWS.predictions.csv)",
    )
    predict.add_argument(
        "--chunksize",
        type=int,
        default=50_000,
        help="records read and classified at a time",
    )
    _add_data_options(predict, data=False)
    predict.set_defaults(handler=_cmd_predict)
    return parser


def main(argv=None):
    """Run the ``awdids`` command; return its exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    with _sigterm_as_exit():
        try:
            return args.handler(args)
        except (ImportError, OSError, ValueError) as error:
            message = " ".join(str(error).split())  # one line, whatever it quotes
            print(f"awdids {args.command}: error: {message}", file=sys.stderr)
            return 2


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _sigterm_as_exit():
    """SIGTERM raises SystemExit, so that writers remove their temporary files."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
