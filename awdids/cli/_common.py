"""What the commands share: the log, the schema, the labelled records, options."""

import time
from pathlib import Path

__all__ = [
    "DATASETS",
    "add_data_options",
    "add_out_folder",
    "add_random_state",
    "log",
    "schema_of",
    "test_data",
    "training_data",
]

#: The built-in datasets a command can name with --dataset. Kept apart from
#: the schemas so that ``awdids --help`` imports nothing heavy; a test ties
#: the two together.
DATASETS = ("nsl-kdd", "kddcup99", "unsw-nb15")

_DATA_HOME_HELP = (
    "folder of the datasets' files (default: $AWDIDS_DATA, else ~/awdids_data)"
)


def log(message):
    """Print a timestamped progress line (flushed, so a redirected log keeps up)."""
    print(f"[awdids {time.strftime('%H:%M:%S')}] {message}", flush=True)


def schema_of(args):
    """The schema a command works with: --schema FILE, else --dataset's."""
    from ..datasets import get_schema, read_schema

    if getattr(args, "schema", None) is not None:
        return read_schema(args.schema)
    return get_schema(getattr(args, "dataset", None) or "nsl-kdd")


def training_data(args, schema):
    """``(X, y, attack)`` of the labelled records a command trains on.

    --data FILE in the schema's layout, else the built-in dataset's training
    file (KDD Cup 99's with its duplicates dropped when --drop-duplicates).
    """
    from ..datasets import fetch_flows, load_flows

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


def test_data(args, schema):
    """``(X, y)`` of the labelled records a command scores once, at the end."""
    from ..datasets import fetch_flows, load_flows

    if args.test is not None:
        bunch = load_flows(args.test, schema)
    elif args.schema is not None:
        raise ValueError(f"--schema {args.schema} needs --test FILE, the records.")
    else:
        bunch = fetch_flows(schema.name, "test", data_home=args.data_home)
    return bunch.data, bunch.target.to_numpy()


def add_out_folder(parser, default):
    """--out FOLDER, where a command writes its result files."""
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(default),
        metavar="FOLDER",
        help=f"output folder (default {default})",
    )


def add_random_state(parser, what="every model, split and sampler"):
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help=f"seed of {what} (default 0); the same seed gives the same result "
        "on a CPU",
    )


def add_data_options(parser, *, data=True, test=False, duplicates=True, home=True):
    """--dataset or --schema, and the files of labelled records a command reads."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--dataset",
        choices=DATASETS,
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
    if home:
        parser.add_argument(
            "--data-home", default=None, metavar="FOLDER", help=_DATA_HOME_HELP
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
