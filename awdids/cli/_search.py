"""``awdids search``: grid-search the pipeline on training rows, here or on Dask."""

from ._common import (
    add_data_options,
    add_out_folder,
    add_random_state,
    log,
    schema_of,
    training_data,
)
from ._durations import duration_sentence
from ._params import parse_assignments

__all__ = ["add_parser", "run"]

_DEFAULT_GRID = {"clf__weight_drop": [0.0, 0.2, 0.4]}

_EXAMPLES = """\
examples:
  awdids search --param clf__weight_drop=0,0.2,0.4 --set clf__max_epochs=10
  awdids search --novel-attacks --train-rows 20000 --param pca__n_components=60,80
  awdids search --scheduler tcp://scheduler:8786 --n-jobs -1
  awdids train --params search-results/search.json --out model.awdids
"""


def add_parser(sub):
    parser = sub.add_parser(
        "search",
        help="grid-search the pipeline's parameters by cross-validation on "
        "training rows, here or on a Dask cluster",
        description="Grid-search the pipeline on training rows only (seeded "
        "folds; the test set is never read). Writes search.json, which "
        "'awdids train --params' reads, and search.md. The folds are checked "
        "before any fit: each must hold enough rows of every class the "
        "over-sampler grows. " + duration_sentence("search"),
        epilog=_EXAMPLES,
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="a grid axis (repeatable; default clf__weight_drop=0,0.2,0.4)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a fixed pipeline parameter (repeatable)",
    )
    parser.add_argument(
        "--cv", type=int, default=3, metavar="K", help="folds (default 3)"
    )
    parser.add_argument(
        "--novel-attacks",
        action="store_true",
        help="validate each fold on attack types held out of its training rows "
        "(NovelAttackKFold), as a test set's new attacks are",
    )
    parser.add_argument(
        "--scoring",
        default="f1_macro",
        metavar="NAME",
        help="scikit-learn scorer that ranks the candidates (default f1_macro; "
        "e.g. accuracy, balanced_accuracy, recall_macro)",
    )
    parser.add_argument(
        "--train-rows",
        type=int,
        default=None,
        metavar="N",
        help="search on a stratified subsample of N records (seeded)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786); needs awdids[distributed]",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        metavar="N",
        help="parallel fits (-1: one per core, or every Dask worker thread)",
    )
    add_random_state(parser, "the subsample, the folds and every fit")
    add_out_folder(parser, "search-results")
    add_data_options(parser)
    parser.set_defaults(handler=run)
    return parser


def _subsample_rows(y, n_rows, random_state):
    """Indices of the seeded, stratified subsample of ``n_rows`` (all if None)."""
    from ..experiments._protocols import _subsample_rows as stratified_rows

    return stratified_rows(y, len(y) if n_rows is None else n_rows, random_state)


def _splitter(args, schema, n_folds):
    from ..model_selection import NovelAttackKFold
    from ..model_selection._search import make_splitter

    if args.novel_attacks:
        return NovelAttackKFold(n_folds, normal_label=schema.normal_label)
    return make_splitter(n_folds, args.random_state)


class _FoldCheck:
    """Whether a row budget and a number of folds give every fold enough rows."""

    def __init__(self, args, schema, pipeline, grid, y, attack):
        import numpy as np

        self.args, self.schema, self.pipeline, self.grid = args, schema, pipeline, grid
        self.y, self.attack = np.asarray(y), np.asarray(attack)

    def shortfalls(self, n_rows, n_folds):
        import numpy as np

        from ..model_selection import fold_class_shortfalls

        rows = _subsample_rows(self.y, n_rows, self.args.random_state)
        y = self.y[rows]
        groups = self.attack[rows] if self.args.novel_attacks else None
        cv = _splitter(self.args, self.schema, n_folds)
        return fold_class_shortfalls(
            self.pipeline, cv, np.zeros((len(y), 1)), y, groups, self.grid
        )

    def works(self, n_rows, n_folds):
        try:
            return not self.shortfalls(n_rows, n_folds)
        except ValueError:  # too few rows to split, or more folds than groups
            return False

    def smallest_rows(self, n_rows, n_folds):
        """The smallest working budget above ``n_rows``, or None."""
        low, high = n_rows, len(self.y)
        if not self.works(high, n_folds):
            return None
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if self.works(middle, n_folds) else (middle, high)
        return high

    def fewest_folds(self, n_rows, n_folds, most=10):
        """The fewest folds above ``n_folds`` that work, or None."""
        return next(
            (k for k in range(n_folds + 1, most + 1) if self.works(n_rows, k)), None
        )


def check_folds(args, schema, pipeline, grid, y, attack):
    """Refuse a budget whose folds starve the over-sampler, naming one that works."""
    from ..model_selection._class_counts import describe_shortfall

    check = _FoldCheck(args, schema, pipeline, grid, y, attack)
    shortfalls = check.shortfalls(args.train_rows, args.cv)
    if not shortfalls:
        return
    remedies = []
    if args.train_rows is not None and args.train_rows < len(y):
        if (rows := check.smallest_rows(args.train_rows, args.cv)) is not None:
            remedies.append(f"--train-rows {rows}")
    if (folds := check.fewest_folds(args.train_rows, args.cv)) is not None:
        remedies.append(f"--cv {folds}")
    remedy = (
        f"{' or '.join(remedies)} works"
        if remedies
        else "no row budget or number of folds up to 10 gives every fold enough; "
        "over-sample fewer classes (--set oversample__sampling_strategy=...)"
    )
    raise ValueError(
        f"{describe_shortfall(shortfalls[0], len(shortfalls) - 1)}; {remedy}. "
        "Nothing was fitted."
    )


def run(args):
    from .._io import check_writable, write_json_atomic, write_text_atomic
    from ..model_selection import search_pipeline, summarise_search
    from ..pipeline import make_awdids_pipeline

    grid = parse_assignments(args.param, many=True) or _DEFAULT_GRID
    fixed = parse_assignments(args.set, many=False)
    check_writable(args.out / "search.json")  # the folder is made when results exist
    schema = schema_of(args)
    X, y, attack = training_data(args, schema)
    if schema.open_vocabulary:
        schema = schema.with_vocabulary(X)
    check_folds(
        args,
        schema,
        make_awdids_pipeline(schema=schema, **fixed),
        grid,
        y,
        attack,
    )
    rows = _subsample_rows(y, args.train_rows, args.random_state)
    X, y, attack = X.iloc[rows], y[rows], attack[rows]
    where = args.scheduler or f"this machine (n_jobs={args.n_jobs})"
    kind = "novel-attack" if args.novel_attacks else "stratified"
    log(
        f"searching {grid} on {len(y)} {schema.name} records, {args.cv} {kind} "
        f"folds, {where}"
    )
    search = search_pipeline(
        X,
        y,
        grid,
        schema=schema,
        cv=_splitter(args, schema, args.cv),
        groups=attack if args.novel_attacks else None,
        scoring=args.scoring,
        scheduler=args.scheduler,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        verbose=2,
        **fixed,
    )
    summary, table = summarise_search(
        search, scoring=args.scoring, n_train=len(y), fixed=fixed, dataset=schema.name
    )
    print(table)
    write_json_atomic(args.out / "search.json", summary)
    write_text_atomic(args.out / "search.md", table + "\n")
    log(f"best {search.best_params_} ({args.scoring} {search.best_score_:.4f})")
    log(
        f"wrote {args.out / 'search.json'} and {args.out / 'search.md'}; train "
        f"with them: awdids train --params {args.out / 'search.json'}"
    )
    return 0
