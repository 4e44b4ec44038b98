"""The ``awdids`` command line."""

import argparse
import sys
import time
from pathlib import Path

__all__ = ["main"]


def _log(message):
    print(f"[awdids {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _cmd_baselines(args):
    from ._io import prepare_out_dir, write_json_atomic, write_text_atomic
    from .datasets import CATEGORY_NAMES, fetch_nsl_kdd
    from .evaluation import evaluate_models, format_results_table, make_baselines

    out = prepare_out_dir(args.out)
    X_train, y_train = fetch_nsl_kdd("train", data_home=args.data_home, return_X_y=True)
    X_test, y_test = fetch_nsl_kdd("test", data_home=args.data_home, return_X_y=True)
    results = evaluate_models(
        make_baselines(random_state=args.random_state),
        X_train,
        y_train,
        X_test,
        y_test,
        labels=CATEGORY_NAMES,
        log=_log,
    )
    table = format_results_table(results, classes=("r2l", "u2r"))
    print(table)
    write_json_atomic(out / "baselines.json", results)
    write_text_atomic(out / "baselines.md", table + "\n")
    _log(f"wrote {out / 'baselines.json'} and {out / 'baselines.md'}")
    return 0


def _cmd_fetch(args):
    from .datasets import SUBSETS, fetch_nsl_kdd, get_data_home

    home = get_data_home(args.data_home)
    for subset in args.subsets:
        bunch = fetch_nsl_kdd(subset, data_home=home)
        counts = bunch.target.value_counts().to_dict()
        print(f"{SUBSETS[subset][0]}: {len(bunch.target)} records {counts}")
    print(f"NSL-KDD files are in {home}")
    return 0


def _cmd_reproduce(args):
    from .experiments import reproduce

    reproduce(
        args.out,
        quick=args.quick,
        seeds=args.seeds,
        data_home=args.data_home,
        log=_log,
    )
    return 0


def _cmd_train(args):
    from ._io import prepare_out_dir
    from ._model_file import save_model
    from .datasets import fetch_nsl_kdd
    from .pipeline import make_awdids_pipeline

    if args.out.is_dir():
        raise ValueError(f"--out must be a file path, but {args.out} is a folder.")
    prepare_out_dir(args.out.parent)
    X, y = fetch_nsl_kdd("train", data_home=args.data_home, return_X_y=True)
    _log(f"training the AWD-CNN-LSTM + GP-GAN pipeline on {len(y)} records ...")
    pipeline = make_awdids_pipeline(
        random_state=args.random_state,
        verbose=True,
        oversample__verbose=1,
        clf__verbose=1,
    )
    pipeline.fit(X, y.to_numpy())
    save_model(pipeline, args.out)
    _log(f"wrote {args.out}")
    return 0


def _cmd_predict(args):
    import warnings

    import numpy as np
    from sklearn.metrics import classification_report
    from tqdm.auto import tqdm

    from ._flows_csv import labels_to_categories, read_flow_chunks
    from ._io import atomic_path
    from ._model_file import load_model

    if args.out is not None and args.out.is_dir():
        raise ValueError(f"--out must be a file path, but {args.out} is a folder.")
    pipeline = load_model(args.model)
    unseen, truth, predicted = {}, [], []
    out = args.out or args.flows.with_suffix(".predictions.csv")
    with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8") as sink:
        sink.write("prediction\n")
        chunks = read_flow_chunks(
            args.flows, chunksize=args.chunksize, unseen_counter=unseen
        )
        for features, labels in tqdm(chunks, desc="predict", unit="chunk"):
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Found unknown categories")
                pred = pipeline.predict(features)
            sink.write("\n".join(pred.tolist()) + "\n")
            if labels is not None:
                truth.append(labels_to_categories(labels))
                predicted.append(pred)
    for column, count in unseen.items():
        if count:
            print(
                f"warning: {count} record(s) have a {column} value outside the "
                "NSL-KDD vocabulary; encoded as all zeros.",
                file=sys.stderr,
            )
    _log(f"wrote {out}")
    if truth:
        print(
            classification_report(
                np.concatenate(truth),
                np.concatenate(predicted),
                digits=4,
                zero_division=0,
            )
        )
    return 0


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="awdids",
        description=(
            "Network intrusion detection on NSL-KDD with the AWD-CNN-LSTM + GP-GAN "
            "method and its baselines."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    baselines = sub.add_parser(
        "baselines",
        help="train LinearSVC, RandomForest, KNN, HistGradientBoosting on KDDTrain+ "
        "and score them on KDDTest+",
    )
    baselines.add_argument("--out", default="results", help="output folder")
    baselines.add_argument(
        "--data-home", default=None, help="folder with the NSL-KDD files"
    )
    baselines.add_argument("--random-state", type=int, default=0)
    baselines.set_defaults(handler=_cmd_baselines)

    fetch = sub.add_parser(
        "fetch",
        help="put NSL-KDD into the data folder (download with checksum, or say "
        "where to put the files)",
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
    reproduce.set_defaults(handler=_cmd_reproduce)

    train = sub.add_parser(
        "train", help="train the default pipeline on KDDTrain+ and save it"
    )
    train.add_argument(
        "--out",
        type=Path,
        default=Path("awdids-model.awdids"),
        help="model file to write",
    )
    train.add_argument("--data-home", default=None)
    train.add_argument("--random-state", type=int, default=0)
    train.set_defaults(handler=_cmd_train)

    predict = sub.add_parser(
        "predict",
        help="classify the records of a CSV file (41 NSL-KDD columns, header or "
        "not; with label columns a classification report is printed)",
    )
    predict.add_argument("model", type=Path, help="a file written by 'awdids train'")
    predict.add_argument("flows", type=Path, help="CSV file of NSL-KDD records")
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
    predict.set_defaults(handler=_cmd_predict)
    return parser


def main(argv=None):
    """Run the ``awdids`` command; return its exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (OSError, ValueError) as error:
        print(f"awdids {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
