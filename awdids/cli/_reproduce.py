"""``awdids reproduce``: every model of the comparison, in one run, to files."""

from ._common import add_data_options, add_out_folder, log, schema_of
from ._durations import duration_sentence

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  awdids reproduce --quick --out smoke
  awdids reproduce --out results
  awdids reproduce --dataset unsw-nb15 --seeds 3 --out results-unsw
  awdids reproduce --out results --resume      # after an interruption
"""


def add_parser(sub):
    parser = sub.add_parser(
        "reproduce",
        help="regenerate the paper's tables and figures with every model of the "
        "comparison in one run (report.md, metrics.json, PNGs)",
        description="Fit every model of the comparison (the paper's pipeline, "
        "its ablations, SMOTE, the scikit-learn baselines and the unknown-attack "
        "flag) once per seed on the training rows, score each once on the test "
        "rows, and write report.md, metrics.json and the figures. "
        + duration_sentence("reproduce"),
        epilog=_EXAMPLES,
    )
    add_out_folder(parser, "results")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: one seed, a small subset, tiny budgets (checks that "
        "everything runs; its numbers are not results). "
        + duration_sentence("reproduce --quick"),
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        metavar="N",
        help="seeds per model, reported as mean and std (default 3; 1 with --quick)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the fits an earlier run left in OUT/stages instead of refitting",
    )
    add_data_options(parser, test=True, duplicates=False)
    parser.set_defaults(handler=run)
    return parser


def run(args):
    from ..experiments import reproduce

    reproduce(
        args.out,
        dataset=schema_of(args) if args.schema else (args.dataset or "nsl-kdd"),
        data=args.data,
        test=args.test,
        quick=args.quick,
        seeds=args.seeds,
        data_home=args.data_home,
        resume=args.resume,
        log=log,
    )
    return 0
