"""``awdids train``: fit the paper's pipeline, or another model, and save it."""

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
  awdids train --model "HistGradientBoosting + novelty flag" --out flag.awdids
  awdids train --model random-forest --dataset kddcup99 --out rf.awdids

--model takes a name of the comparison of 'awdids reproduce', in any case,
with or without dashes and spaces: LinearSVC, RBF SVM (fitted on a stratified 10,000
records, as in the comparison), RandomForest, KNN, HistGradientBoosting, MLP,
CNN-LSTM, AWD-CNN-LSTM, AWD-CNN-LSTM + SMOTE, AWD-CNN-LSTM + GP-GAN (the
default), HistGradientBoosting + novelty flag.
"""


def add_parser(sub):
    parser = sub.add_parser(
        "train",
        help="train the pipeline (or any model of the comparison) on labelled "
        "records and save it with its schema",
        description="Train the paper's pipeline (one-hot + Min-Max, GP-GAN "
        "over-sampling of the rare classes, PCA, weight-dropped ConvLSTM), or "
        "another model of the comparison (--model), on labelled records, and "
        "save it as a data-only model file with the records' schema. "
        "Parameters come from the defaults, then --params (a search's best), "
        "then --set. " + duration_sentence("train"),
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
        "--model",
        default=None,
        metavar="NAME",
        help="a model of the comparison (see below; default the paper's "
        "AWD-CNN-LSTM + GP-GAN)",
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


def novelty_options(args, flagged=False):
    """OpenSetClassifier parameters given on the command line.

    They apply with --novelty, or to a ``flagged`` model (one with the flag).
    """
    given = {
        "false_alarm_rate": args.false_alarm_rate,
        "policy": args.policy,
        "cv": args.cv,
    }
    given = {name: value for name, value in given.items() if value is not None}
    if given and not (args.novelty or flagged):
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


def pick_model(name, names):
    """The comparison's name that ``name`` gives, exactly or in any case and dashes.

    Examples
    --------
    >>> from awdids.cli._train import pick_model
    >>> pick_model("random-forest", ["RandomForest", "KNN"])
    'RandomForest'
    """
    import re

    def plain(text):
        return re.sub(r"[^a-z0-9]+", "", text.lower())

    by_plain = {plain(n): n for n in names}
    if name in names:
        return name
    if plain(name) in by_plain:
        return by_plain[plain(name)]
    raise ValueError(
        f"--model {name!r} is not a model of the comparison; choose one of "
        + ", ".join(repr(n) for n in names)
        + "."
    )


def _paper_pipeline(args, schema, fixed):
    from ..pipeline import make_awdids_pipeline

    progress = {"clf__verbose": 1}
    if schema.oversample is not None:
        progress["oversample__verbose"] = 1
    return make_awdids_pipeline(
        schema=schema,
        random_state=args.random_state,
        verbose=True,
        **{**progress, **fixed},
    )


def _comparison_model(args, schema, fixed):
    """The ``--model`` of the comparison, its name, and whether it has the flag."""
    from ..experiments import PAPER_PIPELINE, make_models

    models = make_models(args.random_state, schema=schema)
    name = pick_model(args.model or PAPER_PIPELINE, list(models))
    if name == PAPER_PIPELINE:
        return _paper_pipeline(args, schema, fixed), name
    model = models[name]
    if hasattr(model, "calibrate") and args.novelty:
        raise ValueError(f"--novelty: --model {name!r} already has the flag.")
    return model.set_params(**fixed), name


def _rows_of(model_name, X, y, random_state):
    """The comparison fits its kernel SVM on a stratified 10,000 records."""
    from ..experiments._models import FULL_BUDGET
    from ..experiments._protocols import _subsample_rows, _take

    if model_name != "RBF SVM" or len(y) <= FULL_BUDGET.svm_rows:
        return X, y
    rows = _subsample_rows(y, FULL_BUDGET.svm_rows, random_state)
    log(f"RBF SVM: a stratified {len(rows)} of the {len(y)} records, as compared")
    return _take(X, rows), _take(y, rows)


def run(args):
    from .._io import check_writable
    from ..model_file import save_model
    from ..novelty import OpenSetClassifier
    from ..pipeline import check_pipeline_params

    novelty_options(args, flagged=args.model is not None)  # before reading data
    check_writable(args.out)  # before hours of training, not at save_model
    schema = schema_of(args)
    fixed = pipeline_params(args, schema)
    X, y, _ = training_data(args, schema)
    if schema.open_vocabulary:
        schema = schema.with_vocabulary(X)
    model, name = _comparison_model(args, schema, fixed)
    flagged = hasattr(model, "calibrate")
    novelty = novelty_options(args, flagged)
    if flagged:
        model.set_params(**novelty)
    check_pipeline_params(getattr(model, "estimator", model), X)  # before any fit
    X, y = _rows_of(name, X, y, args.random_state)
    if args.novelty:
        model = OpenSetClassifier(
            model,
            normal_label=schema.normal_label,
            random_state=args.random_state,
            verbose=1,
            **novelty,
        )
        log(
            f"training {name} {model.cv} times on calibration folds, then "
            f"once on all {len(y)} records ..."
        )
    else:
        log(f"training {name} on {len(y)} {schema.name} records ...")
    model.fit(X, y)
    save_model(model, args.out, schema=schema)
    log(f"wrote {args.out}")
    return 0
