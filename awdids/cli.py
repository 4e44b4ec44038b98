"""The ``awdids`` command line."""

import argparse
import sys
import time

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
