"""``awdids predict``: classify a file of records with a saved model, in chunks."""

import sys
from pathlib import Path

from ._common import add_data_options, log, schema_of
from ._durations import duration_sentence

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  awdids predict model.awdids flows.csv
  awdids predict model.awdids flows.csv --keep-columns id,srcip,stime --proba
  awdids predict detector.awdids flows.csv.gz --out flagged.csv

output columns: row (the record's 0-based position, or the file's own index
column), the --keep-columns, prediction, normal_score (a model trained with
--novelty; flagged below its offset), proba_<class> (with --proba).
"""

#: The output's own columns; a kept column may not take one of these names.
_OWN_COLUMNS = ("row", "prediction", "normal_score")


def add_parser(sub):
    parser = sub.add_parser(
        "predict",
        help="classify the records of a CSV file with a saved model (ids, "
        "scores and probabilities to a CSV; a report when labels are present)",
        description="Classify the records of a delimited file (gzip or zip too) "
        "in the model's schema, read in chunks so that memory stays flat. A "
        "header is matched by name, in any order; without one, the columns are "
        "read in the schema's order. With the schema's label column a "
        "classification report is printed. " + duration_sentence("predict"),
        epilog=_EXAMPLES,
    )
    parser.add_argument("model", type=Path, help="a file written by 'awdids train'")
    parser.add_argument(
        "flows", type=Path, help="CSV file of records in the model's schema"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="predictions CSV (default: FLOWS.predictions.csv); written whole or not "
        "at all, and never one of the inputs",
    )
    parser.add_argument(
        "--keep-columns",
        type=_column_list,
        default=[],
        metavar="A,B",
        help="columns copied to the output as they are (ids, addresses, "
        "timestamps: any column the header names, or a schema column)",
    )
    parser.add_argument(
        "--proba",
        action="store_true",
        help="add a proba_<class> column per class (with --novelty models, the "
        "classifier's probabilities before the flag)",
    )
    parser.add_argument(
        "--chunksize",
        type=int,
        default=50_000,
        metavar="N",
        help="records read and classified at a time (default 50000)",
    )
    add_data_options(parser, data=False, home=False)
    parser.set_defaults(handler=run)
    return parser


def _column_list(text):
    import argparse

    names = [name.strip() for name in text.split(",")]
    if not all(names) or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(
            f"expected distinct names A,B,..., got {text!r}"
        )
    return names


def _check_kept_names(keep, proba_classes):
    own = {*_OWN_COLUMNS, *(f"proba_{c}" for c in proba_classes)}
    if taken := [name for name in keep if name in own]:
        raise ValueError(
            f"--keep-columns {taken[0]!r} is a name the output gives its own "
            "column; rename it in the file."
        )


def _probability_source(model, open_set):
    """The estimator whose predict_proba --proba writes, and its classes."""
    source = model.estimator_ if open_set else model
    if not hasattr(source, "predict_proba"):
        final = source.steps[-1][1] if hasattr(source, "steps") else source
        raise ValueError(
            f"--proba: the model's final step ({type(final).__name__}) gives no "
            "probabilities."
        )
    return source, [str(c) for c in source.classes_]


def _predictions(model, features, kept, open_set, proba_source):
    """One chunk's output table, and its predicted labels."""
    import numpy as np
    import pandas as pd

    table = {"row": features.index}
    table.update({name: kept[name].to_numpy() for name in kept.columns})
    if open_set:
        pred, scores = model.predict_with_scores(features)
        table.update(prediction=pred, normal_score=np.char.mod("%.6f", scores))
    else:
        pred = model.predict(features)
        table["prediction"] = pred
    if proba_source is not None:
        source, classes = proba_source
        probabilities = np.char.mod("%.6f", source.predict_proba(features))
        table.update({f"proba_{c}": probabilities[:, k] for k, c in enumerate(classes)})
    return pd.DataFrame(table), np.asarray(pred)


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
    import os

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
        return schema_of(args)
    if given and (named := schema_of(args)).name != stored.name:
        raise ValueError(
            f"{args.model} was trained on {stored.name!r} records, not "
            f"{named.name!r}; predict reads the model's own schema."
        )
    return stored


def _log_flag(model):
    site = getattr(model, "site_calibration_", None)
    where = (
        "training rows"
        if site is None
        else f"the site's capture of {site['rows_used']} records"
    )
    log(
        f"rows whose normal_score is below {model.offset_:.6f} are flagged "
        f"(false_alarm_rate={model.false_alarm_rate} of held-out normal "
        f"{where}); flagged rows called normal become "
        f"{model.unknown_label if model.policy == 'unknown' else 'an attack'}"
    )
    if site is not None:
        from ._calibrate import describe_calibration

        log(f"site calibration: {describe_calibration(site)}")


def _warn_about_values(unseen, out_of_range, schema):
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


def run(args):
    import collections
    import itertools
    import warnings

    import numpy as np

    from .._io import atomic_path, check_writable
    from .._progress import progress_bar
    from ..datasets._flows import read_flow_chunks
    from ..evaluation import report_from_counts
    from ..model_file import load_model

    if args.out is not None:
        check_writable(args.out)
    model, schema = load_model(args.model, return_schema=True)
    schema = _predict_schema(args, schema)
    open_set = hasattr(model, "predict_with_scores")
    proba_source = _probability_source(model, open_set) if args.proba else None
    _check_kept_names(args.keep_columns, proba_source[1] if proba_source else ())
    if open_set:
        _log_flag(model)
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
        keep_columns=args.keep_columns,
    )
    # The first chunk is read and checked before the output is created, so a
    # file refused at once leaves nothing behind.
    first = next(chunks, None)
    with (
        atomic_path(out) as tmp,
        open(tmp, "w", encoding="utf-8", newline="") as sink,
        progress_bar(desc="predict", unit=" records") as progress,
    ):
        for k, (features, labels, kept) in enumerate(
            itertools.chain([first] if first else [], chunks)
        ):
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Found unknown categories")
                table, pred = _predictions(
                    model, features, kept, open_set, proba_source
                )
            table.to_csv(sink, header=k == 0, index=False, lineterminator="\n")
            if labels is not None:
                categories = schema.targets(labels, unknown=_UNSCORED)
                known = categories != _UNSCORED
                unknown_names.add(np.asarray(labels, dtype=str)[~known])
                pair_counts.update(zip(categories[known], pred[known]))
            progress.update(len(pred))
    _warn_about_values(unseen, out_of_range, schema)
    log(f"wrote {out}")
    if unknown_names.rows:
        print(f"warning: {unknown_names.describe()}", file=sys.stderr)
    if pair_counts:
        n_scored = sum(pair_counts.values())
        print(f"classification report of the {n_scored} record(s) with known labels:")
        print(report_from_counts(pair_counts))
    return 0
