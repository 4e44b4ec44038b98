"""``awdids calibrate``: re-set a model's unknown-attack flag on a site's traffic."""

from pathlib import Path

from ._common import add_data_options, log

__all__ = ["add_parser", "describe_calibration", "read_capture", "run"]

_EXAMPLES = """\
examples:
  awdids calibrate detector.awdids site-normal.csv --out site-detector.awdids
  awdids calibrate detector.awdids capture.csv.gz --false-alarm-rate 0.05 \\
      --out site-detector.awdids

The capture is the protected network's own traffic, believed normal (a few
minutes to hours of it: at least 1/RATE records). Records the model calls an
attack are left out (--trim none keeps them); a labelled capture's records
labelled as attacks are left out too. The classifier is not retrained.
"""

#: The most capture records read: the capture joins the model file.
MOST_CAPTURE_ROWS = 200_000


def add_parser(sub):
    parser = sub.add_parser(
        "calibrate",
        help="re-set a --novelty model's false-alarm threshold on a capture of "
        "the site's own normal traffic, and save it as a new model file",
        description="Cross-fit the unknown-attack flag of a model trained with "
        "--novelty on a capture of the protected network's normal traffic "
        "(OpenSetClassifier.calibrate), so that its false-alarm rate holds on "
        "that network's traffic rather than on the training records'. The "
        "capture joins the flag's reference of normal traffic.",
        epilog=_EXAMPLES,
    )
    parser.add_argument("model", type=Path, help="a file written by 'awdids train'")
    parser.add_argument(
        "capture", type=Path, help="CSV file of the site's records, in its schema"
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the calibrated model file, written whole or not at all; never MODEL "
        "or CAPTURE",
    )
    parser.add_argument(
        "--false-alarm-rate",
        type=float,
        default=None,
        metavar="RATE",
        help="share of the site's normal records flagged (default: the model's)",
    )
    parser.add_argument(
        "--cv",
        type=int,
        default=10,
        metavar="K",
        help="folds of the capture (default 10)",
    )
    parser.add_argument(
        "--trim",
        choices=["attack", "none"],
        default="attack",
        help="leave out the capture records the model calls an attack (default) "
        "or keep them all",
    )
    add_data_options(parser, data=False, home=False)
    parser.set_defaults(handler=run)
    return parser


def read_capture(path, schema, most=None):
    """The capture's feature rows, without those labelled as attacks.

    Reads at most ``most`` records (default :data:`MOST_CAPTURE_ROWS`): a
    larger file is refused once its first chunk past them is read, so that
    time and memory stay bounded.
    """
    import numpy as np
    import pandas as pd

    from ..datasets._flows import read_flow_chunks

    most = MOST_CAPTURE_ROWS if most is None else most
    frames, labelled_attacks, rows = [], 0, 0
    for features, labels, _ in read_flow_chunks(path, schema=schema):
        rows += len(features)
        if rows > most:
            raise ValueError(
                f"{path} holds more than {most:,} records; a capture joins the "
                "model file, so give a sample of it (a few minutes of traffic)."
            )
        if labels is not None:
            normal = schema.targets(labels, unknown="") == schema.normal_label
            labelled_attacks += int(np.sum(~normal))
            features = features[normal]
        frames.append(features)
    if labelled_attacks:
        log(
            f"{labelled_attacks} capture record(s) labelled other than "
            f"{schema.normal_label!r} are left out"
        )
    return pd.concat(frames) if frames else None


def describe_calibration(record):
    """One line of what ``site_calibration_`` records."""
    return (
        f"capture: {record['rows']} records, {record['rows_used']} used "
        f"(trim={record['trim']}); the threshold before flagged "
        f"{record['flagged_before']:.2%} of them; cross-fitted on the capture, "
        f"the flag hits {record['held_out_false_alarm_rate']:.2%} for its "
        f"{record['false_alarm_rate']:.2%} target"
    )


def run(args):
    from .._io import check_writable
    from ..model_file import load_model, save_model
    from ._predict import _predict_schema, _refuse_output_over_input

    _refuse_output_over_input(args.out, {"MODEL": args.model, "CAPTURE": args.capture})
    check_writable(args.out)
    model, schema = load_model(args.model, return_schema=True)
    if not hasattr(model, "calibrate"):
        raise ValueError(
            f"{args.model} has no unknown-attack flag to calibrate; train it with "
            "'awdids train --novelty'."
        )
    schema = _predict_schema(args, schema)
    if args.false_alarm_rate is not None:
        model.set_params(false_alarm_rate=args.false_alarm_rate)
        model._validate_params()  # a bad rate is refused before the capture is read
    X = read_capture(args.capture, schema)
    if X is None or not len(X):
        raise ValueError(f"{args.capture} holds no normal record to calibrate on.")
    trim = None if args.trim == "none" else args.trim
    model.calibrate(X, cv=args.cv, trim=trim)
    log(describe_calibration(model.site_calibration_))
    save_model(model, args.out, schema=schema)
    log(f"wrote {args.out}")
    return 0
