"""``awdids baselines``: the comparison's scikit-learn models on one dataset."""

from ._common import (
    add_data_options,
    add_out_folder,
    add_random_state,
    log,
    schema_of,
    test_data,
    training_data,
)
from ._durations import duration_sentence

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  awdids baselines --out results
  awdids baselines --dataset kddcup99 --drop-duplicates
  awdids baselines --schema site.json --data train.csv --test test.csv
"""


def add_parser(sub):
    parser = sub.add_parser(
        "baselines",
        help="train the scikit-learn baselines on a dataset's training rows and "
        "score them once on its test rows",
        description="Train LinearSVC, RandomForest, KNN and HistGradientBoosting "
        "on the training records and score them once on the test records; "
        "writes baselines.json and baselines.md. " + duration_sentence("baselines"),
        epilog=_EXAMPLES,
    )
    add_out_folder(parser, "results")
    add_random_state(parser)
    add_data_options(parser, test=True)
    parser.set_defaults(handler=run)
    return parser


def run(args):
    from .._io import prepare_out_dir, write_json_atomic, write_text_atomic
    from ..evaluation import evaluate_models, format_results_table, make_baselines

    out = prepare_out_dir(args.out)
    schema = schema_of(args)
    X_train, y_train, _ = training_data(args, schema)
    X_test, y_test = test_data(args, schema)
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
        log=log,
    )
    rare = schema.oversample["classes"] if schema.oversample else ()
    table = format_results_table(results, classes=tuple(rare))
    print(table)
    write_json_atomic(out / "baselines.json", results)
    write_text_atomic(out / "baselines.md", table + "\n")
    log(f"wrote {out / 'baselines.json'} and {out / 'baselines.md'}")
    return 0
