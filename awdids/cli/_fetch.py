"""``awdids fetch``: put a dataset's files into the data folder."""

from ._common import DATASETS

__all__ = ["add_parser", "run"]

_EXAMPLES = """\
examples:
  awdids fetch
  awdids fetch --dataset kddcup99 --data-home ~/data
  awdids fetch --subsets test-21
"""


def add_parser(sub):
    parser = sub.add_parser(
        "fetch",
        help="put a dataset's files into the data folder (download with checksum, "
        "or say where to put them)",
        description="Download a built-in dataset's files from their mirrors and "
        "check their checksums, or, for a dataset without a public direct link "
        "(UNSW-NB15), say where to put the file. A file already in place is used "
        "as it is, never replaced. Takes seconds to a few minutes, "
        "depending on the network.",
        epilog=_EXAMPLES,
    )
    parser.add_argument(
        "--dataset",
        choices=DATASETS,
        default=None,
        help="a built-in dataset (default nsl-kdd)",
    )
    parser.add_argument(
        "--data-home",
        default=None,
        metavar="FOLDER",
        help="data folder (default: $AWDIDS_DATA, else ~/awdids_data)",
    )
    parser.add_argument(
        "--subsets",
        nargs="+",
        default=["train", "test"],
        choices=["train", "test", "test-21", "train-20"],
        help="subsets to fetch (default train test; test-21 and train-20 are "
        "NSL-KDD's)",
    )
    parser.set_defaults(handler=run)
    return parser


def run(args):
    from ..datasets import fetch_flows, get_data_home

    home = get_data_home(args.data_home)
    dataset = args.dataset or "nsl-kdd"
    for subset in args.subsets:
        bunch = fetch_flows(dataset, subset, data_home=home)
        counts = bunch.target.value_counts().to_dict()
        print(f"{dataset} {subset}: {len(bunch.target)} records {counts}")
    print(f"{dataset} files are in {home} (or its {dataset}/ folder)")
    return 0
