"""Fetchers of the built-in datasets' files: local copy, or download with checksum."""

from pathlib import Path

from ._builtin import get_schema
from ._download import check_retry_params, download_file, file_digest

__all__ = ["DATASET_FILES", "fetch_flows", "locate_file", "without_duplicates"]

#: Dataset -> subset -> (file name, checksum algorithm, hex digest). UNSW-NB15's
#: publisher gives MD5 sums only; the testing partition's sha256 is listed for
#: the copy checked here, its MD5 for identification.
DATASET_FILES = {
    "kddcup99": {
        "train": (
            "kddcup.data_10_percent.gz",
            "sha256",
            "8045aca0d84e70e622d1148d7df782496f6333bf6eb979a1b0837c42a9fd9561",
        ),
        "test": (
            "corrected.gz",
            "sha256",
            "74f0daef49b242badc09f2adbd457dea6a45b4f77177efbd11216d333651044b",
        ),
    },
    "unsw-nb15": {
        "train": (
            "UNSW_NB15_training-set.csv",
            "md5",
            "e55caabaa6cd4a8f1c06a227bcfababc",
        ),
        "test": (
            "UNSW_NB15_testing-set.csv",
            "md5",
            "e0beea40262e46168cdb81476dbc27b4",
        ),
    },
}
#: Where each dataset is published, for the message that says where to get it.
_PAGES = {
    "kddcup99": "http://kdd.ics.uci.edu/databases/kddcup99/kddcup99.html",
    "unsw-nb15": "https://research.unsw.edu.au/projects/unsw-nb15-dataset",
}
#: Base URLs that serve the files under their own names. UNSW-NB15 is
#: published behind a SharePoint page, which serves no direct links.
_MIRRORS = {
    "kddcup99": ("http://kdd.ics.uci.edu/databases/kddcup99/",),
    "unsw-nb15": (),
}
#: Rows of each UNSW-NB15 partition: copies circulate with the names swapped.
_UNSW_ROWS = {"train": 175_341, "test": 82_332}


def locate_file(
    filename,
    data_home,
    *,
    folder,
    checksum,
    page,
    mirrors,
    download_if_missing=True,
    n_retries=3,
    delay=1.0,
):
    """The path of ``filename`` in ``data_home/folder`` or ``data_home``.

    A missing file is downloaded into ``data_home/folder`` from ``mirrors``
    (base URLs), checked against ``checksum`` (``(algorithm, hex digest)``).
    Without it, or when no mirror delivers it, the ``OSError`` says where to
    put the file and where it is published.
    """
    data_home = Path(data_home)
    for candidate in (data_home / folder / filename, data_home / filename):
        if candidate.is_file():
            return candidate
    target = data_home / folder
    where = (
        f"Put {filename} into {target} or {data_home} (or point the AWDIDS_DATA "
        f"environment variable or data_home= at the folder that holds it); it is "
        f"published at {page}."
    )
    if not download_if_missing:
        raise OSError(f"{filename} not found in {target} or {data_home}. {where}")
    if not mirrors:
        raise OSError(
            f"{filename} not found in {target} or {data_home}, and no mirror is "
            f"known that serves it. {where}"
        )
    algorithm, digest = checksum
    try:
        return Path(
            download_file(
                filename,
                target,
                mirrors=mirrors,
                n_retries=n_retries,
                delay=delay,
                **{algorithm: digest},
            )
        )
    except OSError as error:
        raise OSError(f"{error}\n{where}") from error


def _check_unsw_partition(path, subset, rows):
    """Refuse the other partition under this one's name, by checksum or rows."""
    other = "test" if subset == "train" else "train"
    _, algorithm, other_digest = DATASET_FILES["unsw-nb15"][other]
    swapped = rows == _UNSW_ROWS[other] or file_digest(path, algorithm) == other_digest
    if swapped:
        raise ValueError(
            f"{path} is UNSW-NB15's {other}ing partition ({_UNSW_ROWS[other]:,} "
            f"rows) under the {subset}ing partition's name; public copies often "
            f"swap the two. Rename it {DATASET_FILES['unsw-nb15'][other][0]}."
        )


def fetch_flows(
    dataset,
    subset="train",
    *,
    data_home=None,
    download_if_missing=True,
    drop_duplicates=False,
    n_retries=3,
    delay=1.0,
    mirrors=None,
):
    """Load one file of a built-in dataset.

    =========  =====================  ===========================  ========
    dataset    subset                 file                         rows
    =========  =====================  ===========================  ========
    nsl-kdd    see fetch_nsl_kdd      KDDTrain+.txt, ...           125,973
    kddcup99   ``"train"``            kddcup.data_10_percent.gz    494,021
    kddcup99   ``"test"``             corrected.gz                 311,029
    unsw-nb15  ``"train"``            UNSW_NB15_training-set.csv   175,341
    unsw-nb15  ``"test"``             UNSW_NB15_testing-set.csv     82,332
    =========  =====================  ===========================  ========

    Files are looked up in ``data_home/<dataset>/`` and then ``data_home``,
    under their official names. A UNSW-NB15 file that is the other partition
    (by its MD5 or its row count) is refused with a message that says so.
    KDD Cup 99's files are downloaded from UCI (sha256 checked, the same
    checksum as scikit-learn's :func:`~sklearn.datasets.fetch_kddcup99` for
    the 10% file); UNSW-NB15's publisher serves no direct download, so its
    files must be put in place (or served by ``mirrors``).

    Parameters
    ----------
    dataset : {"nsl-kdd", "kddcup99", "unsw-nb15"}
    subset : str, default="train"
        ``"train"`` or ``"test"`` (NSL-KDD: also ``"test-21"``, ``"train-20"``).
    data_home : str or path-like, default=None
        See :func:`~awdids.datasets.get_data_home`.
    download_if_missing : bool, default=True
    drop_duplicates : bool, default=False
        Keep the first of identical records (features and label), as NSL-KDD
        was made from KDD Cup 99: the 10% file's 494,021 rows hold 145,586
        distinct ones.
    n_retries : int, default=3
        Retries per mirror on transient download errors.
    delay : float, default=1.0
        Seconds between retries.
    mirrors : str or list of str, default=None
        Base URLs to download from, in order; defaults to the
        ``AWDIDS_MIRRORS`` environment variable, else the publisher's.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`~awdids.datasets.load_flows` returns it.

    Examples
    --------
    >>> from awdids.datasets import fetch_flows
    >>> test = fetch_flows("unsw-nb15", "test")  # doctest: +SKIP
    >>> test.target.value_counts()["Worms"]  # doctest: +SKIP
    44
    """
    from ._flows import load_flows
    from ._nsl_kdd import _mirrors_from, get_data_home

    if dataset == "nsl-kdd":
        from ._nsl_kdd import fetch_nsl_kdd

        bunch = fetch_nsl_kdd(
            subset,
            data_home=data_home,
            download_if_missing=download_if_missing,
            n_retries=n_retries,
            delay=delay,
            mirrors=mirrors,
        )
        bunch.schema = get_schema("nsl-kdd")
        return without_duplicates(bunch) if drop_duplicates else bunch
    if dataset not in DATASET_FILES:
        raise ValueError(
            f"dataset={dataset!r} has no fetcher; choose one of "
            f"{sorted(['nsl-kdd', *DATASET_FILES])}."
        )
    if subset not in DATASET_FILES[dataset]:
        raise ValueError(
            f"Unknown subset {subset!r} of {dataset}; valid subsets are "
            f"{sorted(DATASET_FILES[dataset])}."
        )
    check_retry_params(n_retries, delay)
    filename, algorithm, digest = DATASET_FILES[dataset][subset]
    path = locate_file(
        filename,
        get_data_home(data_home),
        folder=dataset,
        checksum=(algorithm, digest),
        page=_PAGES[dataset],
        mirrors=_mirrors_from(mirrors, default=_MIRRORS[dataset]),
        download_if_missing=download_if_missing,
        n_retries=n_retries,
        delay=delay,
    )
    bunch = load_flows(path, get_schema(dataset))
    if dataset == "unsw-nb15":
        _check_unsw_partition(path, subset, len(bunch.target))
    return without_duplicates(bunch) if drop_duplicates else bunch


def without_duplicates(bunch):
    """The bunch, in place, with each distinct record (features, labels) once."""
    columns = [*bunch.feature_names, *bunch.schema.label_columns]
    frame = bunch.frame
    kept = ~frame[[c for c in columns if c in frame.columns]].duplicated().to_numpy()
    for key, value in list(bunch.items()):
        if hasattr(value, "iloc") and len(value) == len(kept):
            bunch[key] = value.iloc[kept].reset_index(drop=True)
    return bunch
