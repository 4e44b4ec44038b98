"""Loader of the NSL-KDD intrusion detection data set."""

import os
from pathlib import Path

import pandas as pd
from sklearn.utils import Bunch

from ._download import check_retry_params
from ._fetch import locate_file
from ._records import LABEL_COLUMNS, read_records
from ._schema import FEATURE_NAMES
from ._taxonomy import CATEGORY_NAMES, attack_to_category

__all__ = ["fetch_nsl_kdd", "get_data_home", "DEFAULT_MIRRORS", "SUBSETS"]

#: Subset name -> (file name, sha256 of the official file).
SUBSETS = {
    "train": (
        "KDDTrain+.txt",
        "1b86d2f957b33082081bba410fe129b475efebcc13c9014c3f447c8271aadf95",
    ),
    "test": (
        "KDDTest+.txt",
        "fa46b0935342616aa83b7c2578db355b6a7aaabbc492248172c7a1e8b7ab8f84",
    ),
    "test-21": (
        "KDDTest-21.txt",
        "746993ac9e25868827cacf09eab450050a2a1056e1ce48a1ad39f5dc801d531d",
    ),
    "train-20": (
        "KDDTrain+_20Percent.txt",
        "7ea86479faab5ca2190b7f18b4982fb058ce5bf2b46e0e1017d0d9ef90f9c16e",
    ),
}

#: Public copies of the official files, tried in order. Overridden by the
#: ``mirrors`` argument or the ``AWDIDS_MIRRORS`` environment variable
#: (white-space separated URLs).
DEFAULT_MIRRORS = (
    "https://raw.githubusercontent.com/jmnwong/NSL-KDD-Dataset/master/",
    "https://raw.githubusercontent.com/defcom17/NSL_KDD/master/",
)

_COLUMNS = (*FEATURE_NAMES, *LABEL_COLUMNS)

_DESCR = """\
NSL-KDD network intrusion detection data set
--------------------------------------------

NSL-KDD (Tavallaee et al., 2009) is a revised KDD Cup 1999 data set without
duplicate records. Each record is one network connection described by 41
features (38 numeric, 3 text: protocol_type, service, flag), the name of the
attack (or ``normal``) and a difficulty level (0-21, the number of 21 learners
that classified the record correctly).

``target`` holds one of five categories: normal, dos, probe, r2l, u2r, mapped
from the attack name by :data:`awdids.datasets.ATTACK_CATEGORIES`.

=============  ======  =====  =====  ====  ===
subset         normal  dos    probe  r2l   u2r
=============  ======  =====  =====  ====  ===
train          67343   45927  11656  995   52
test           9711    7458   2421   2754  200
=============  ======  =====  =====  ====  ===

Files: KDDTrain+.txt, KDDTest+.txt, KDDTest-21.txt, KDDTrain+_20Percent.txt
(University of New Brunswick, https://www.unb.ca/cic/datasets/nsl.html).
"""


def get_data_home(data_home=None):
    """Return the folder that holds the datasets' files.

    The first of: the ``data_home`` argument, the ``AWDIDS_DATA`` environment
    variable, ``~/awdids_data``. The folder is not created. Each dataset's
    files are looked up in its subfolder (``nsl-kdd/``, ``kddcup99/``,
    ``unsw-nb15/``) and then in the folder itself.

    Parameters
    ----------
    data_home : str or path-like, default=None
        An explicit folder.

    Returns
    -------
    data_home : pathlib.Path

    Examples
    --------
    >>> from awdids.datasets import get_data_home
    >>> str(get_data_home("/tmp/nsl"))
    '/tmp/nsl'
    """
    if data_home is None:
        data_home = os.environ.get("AWDIDS_DATA") or os.path.join("~", "awdids_data")
    return Path(data_home).expanduser()


def _mirrors_from(mirrors, default=DEFAULT_MIRRORS):
    """The base URLs to try: ``mirrors``, else ``$AWDIDS_MIRRORS``, else ``default``.

    A ``default`` may be empty (a publisher without direct links); mirrors a
    user gives may not.
    """
    if mirrors is not None:
        mirrors = [mirrors] if isinstance(mirrors, str) else list(mirrors)
    elif os.environ.get("AWDIDS_MIRRORS"):
        mirrors = os.environ["AWDIDS_MIRRORS"].split()
    else:
        return list(default)
    if not mirrors:
        raise ValueError("mirrors must name at least one URL, got an empty list.")
    return mirrors


def _locate(subset, data_home, download_if_missing, mirrors, n_retries, delay):
    filename, sha256 = SUBSETS[subset]
    return locate_file(
        filename,
        data_home,
        folder="nsl-kdd",
        checksum=("sha256", sha256),
        page="https://www.unb.ca/cic/datasets/nsl.html",
        mirrors=_mirrors_from(mirrors) if download_if_missing else [],
        download_if_missing=download_if_missing,
        n_retries=n_retries,
        delay=delay,
    )


def parse_nsl_kdd(path):
    """Read one NSL-KDD file into a DataFrame with named, validated columns.

    Parameters
    ----------
    path : str or path-like
        A comma-separated NSL-KDD file without header (43 fields a line).

    Returns
    -------
    frame : DataFrame
        The 41 features, ``attack`` and ``difficulty``.

    Raises
    ------
    ValueError
        A line with the wrong number of fields, or an empty, non-numeric or
        infinite value in a numeric column; the message names the file, the line
        and the column.

    Examples
    --------
    >>> import os, tempfile
    >>> from awdids.datasets import parse_nsl_kdd
    >>> path = os.path.join(tempfile.mkdtemp(), "records.txt")
    >>> with open(path, "w") as file:
    ...     _ = file.write("0,tcp,http,SF,215,45076" + ",0" * 35 + ",normal,21")
    >>> frame = parse_nsl_kdd(path)
    >>> frame.shape, frame.loc[0, "service"], frame.loc[0, "attack"]
    ((1, 43), 'http', 'normal')
    """
    (frame,) = read_records(Path(path))
    missing = [c for c in LABEL_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path}: an NSL-KDD file needs the label columns {list(LABEL_COLUMNS)} "
            f"after the 41 features; its header lacks {missing}."
        )
    return frame


def fetch_nsl_kdd(
    subset="train",
    *,
    data_home=None,
    download_if_missing=True,
    return_X_y=False,
    as_frame=True,
    n_retries=3,
    delay=1.0,
    mirrors=None,
):
    """Load one subset of the NSL-KDD data set (classification, 5 classes).

    ===============  ====================================
    Classes          5 (normal, dos, probe, r2l, u2r)
    Features         41 (38 numeric, 3 text)
    Samples (train)  125,973
    Samples (test)   22,544
    ===============  ====================================

    Parameters
    ----------
    subset : {"train", "test", "test-21", "train-20"}, default="train"
        ``"train"`` is KDDTrain+.txt, ``"test"`` KDDTest+.txt, ``"test-21"``
        KDDTest-21.txt and ``"train-20"`` KDDTrain+_20Percent.txt.
    data_home : str or path-like, default=None
        Folder holding the files under their original names. Defaults to the
        ``AWDIDS_DATA`` environment variable, else ``~/awdids_data``.
    download_if_missing : bool, default=True
        Download a missing file from the mirrors (sha256 checked) instead of
        raising an ``OSError``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=True
        ``data`` as a pandas DataFrame (text columns as strings) and ``target``
        as a Series; otherwise as numpy object arrays.
    n_retries : int, default=3
        Retries per mirror on transient download errors.
    delay : float, default=1.0
        Seconds between retries.
    mirrors : str or list of str, default=None
        Base URLs to download from, in order. Defaults to the
        ``AWDIDS_MIRRORS`` environment variable, else :data:`DEFAULT_MIRRORS`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (41 features), ``target`` (category), ``attack`` (attack
        name), ``difficulty``, ``frame`` (all columns, when ``as_frame``),
        ``feature_names``, ``target_names`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from awdids.datasets import fetch_nsl_kdd
    >>> bunch = fetch_nsl_kdd("test")  # doctest: +SKIP
    >>> bunch.data.shape, bunch.target.value_counts()["u2r"]  # doctest: +SKIP
    ((22544, 41), 200)
    """
    if subset not in SUBSETS:
        raise ValueError(
            f"Unknown subset {subset!r}; valid subsets are {sorted(SUBSETS)}."
        )
    check_retry_params(n_retries, delay)
    path = _locate(
        subset,
        get_data_home(data_home),
        download_if_missing,
        mirrors,
        n_retries,
        delay,
    )
    frame = parse_nsl_kdd(path)
    target = pd.Series(
        attack_to_category(frame["attack"]), name="target", index=frame.index
    )
    data = frame[list(FEATURE_NAMES)]
    attack, difficulty = frame["attack"], frame["difficulty"]
    if not as_frame:
        data = data.to_numpy(dtype=object)
        target, attack = target.to_numpy(dtype=object), attack.to_numpy(dtype=object)
        difficulty = difficulty.to_numpy()
    if return_X_y:
        return data, target
    bunch = Bunch(
        data=data,
        target=target,
        attack=attack,
        difficulty=difficulty,
        feature_names=list(FEATURE_NAMES),
        target_names=list(CATEGORY_NAMES),
        DESCR=_DESCR,
    )
    if as_frame:
        bunch.frame = pd.concat([frame, target], axis=1)
    return bunch
