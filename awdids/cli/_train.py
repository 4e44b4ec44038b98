"""``awdids train``: fit the paper's pipeline on labelled records and save it."""

from pathlib import Path

from ._common import add_data_options, add_random_state, log, schema_of, training_data
from ._durations import duration_sentence
from ._params import parse_assignments, read_params_file

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  awdids train --out model.awdids
  awdids train --dataset unsw-nb15 --set clf__max_epochs=10 --out unsw.awdids
  awdids train --schema site.json --data site-flows.csv \\
      --params search-results/search.json --out site.awdids
  awdids train --novelty --false-alarm-rate 0.01 --out detector.awdids
"""


def add_parser(sub):
    parser = sub.add_parser(
        "train",
        help="train the pipeline on labelled records and save it with its schema",
        description="Train the paper's pipeline (one-hot + Min-Max, GP-GAN "
        "over-sampling of the rare classes, PCA, weight-dropped ConvLSTM) on "
        "labelled records, and save it as a data-only model file with the "
        "records' schema. Parameters come from the defaults, then --params "
        "(a search's best), then --set. " + duration_sentence("train"),
        epilog=_EXAMPLES,
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("awdids-model.awdids"),
        metavar="FILE",
        help="model file to write, whole or not at all (default awdids-model.awdids)",
    )
    parser.add_argument(
        "--params",
        type=Path,
        default=None,
        metavar="FILE",
        help="the search.json of 'awdids search': train with its best parameters "
        "and the ones it held fixed (or a JSON object of NAME: VALUE)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a pipeline parameter (repeatable; over --params), e.g. "
        "--set clf__max_epochs=10",
    )
    add_random_state(parser)
    novelty = parser.add_argument_group("unknown-attack flag")
    novelty.add_argument(
        "--novelty",
        action="store_true",
        help="flag records unlike any normal training traffic (OpenSetClassifier); "
        "'awdids predict' then writes unknown and a normal_score column. Trains "
        "the pipeline once per calibration fold and once on all records",
    )
    novelty.add_argument(
        "--false-alarm-rate",
        type=float,
        default=None,
        metavar="RATE",
        help="share of held-out normal records flagged (default 0.01)",
    )
    novelty.add_argument(
        "--policy",
        choices=["unknown", "attack"],
        default=None,
        help="what a flagged record called normal becomes (default unknown)",
    )
    novelty.add_argument(
        "--cv",
        type=int,
        default=None,
        metavar="K",
        help="calibration folds (default 3)",
    )
    add_data_options(parser)
    parser.set_defaults(handler=run)
    return parser


def novelty_options(args):
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


def pipeline_params(args, schema):
    """The parameters given: --params's, then --set's over them."""
    params = {}
    if args.params is not None:
        params = read_params_file(args.params, dataset=schema.name)
        log(f"parameters from {args.params}: {params}")
    return {**params, **parse_assignments(args.set, many=False)}


def run(args):
    from .._io import check_writable
    from ..model_file import save_model
    from ..novelty import OpenSetClassifier
    from ..pipeline import check_pipeline_params, make_awdids_pipeline

    novelty = novelty_options(args)
    check_writable(args.out)  # before hours of training, not at save_model
    schema = schema_of(args)
    fixed = pipeline_params(args, schema)
    X, y, _ = training_data(args, schema)
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
    check_pipeline_params(model, X)  # a bad --set fails now, not after the GAN
    if args.novelty:
        model = OpenSetClassifier(
            model,
            normal_label=schema.normal_label,
            random_state=args.random_state,
            verbose=1,
            **novelty,
        )
        log(
            f"training the pipeline {model.cv} times on calibration folds, then "
            f"once on all {len(y)} records ..."
        )
    else:
        log(
            f"training the AWD-CNN-LSTM + GP-GAN pipeline on {len(y)} "
            f"{schema.name} records ..."
        )
    model.fit(X, y)
    save_model(model, args.out, schema=schema)
    log(f"wrote {args.out}")
    return 0
