"""Which rows ``awdids reproduce`` trains on and scores, dataset by dataset.

A protocol loads the training and test rows of one dataset and says, in words
the report prints, how they were chosen:

- ``nsl-kdd``: KDDTrain+ → KDDTest+ (and KDDTest-21), the paper's.
- ``kddcup99``: the 10% file, each distinct record once (494,021 rows hold
  145,586; NSL-KDD was made the same way), → ``corrected`` as published, whose
  17 attack types never seen in training are the zero-day rows.
- ``unsw-nb15``: the official training → testing partitions when both are
  there; with the testing partition alone (as here), a seeded, stratified
  70/30 split of it. Its partitions share every attack category, so its zero-day
  measure holds one category out of training at a time.
- a user's schema: ``--data`` → ``--test``, or a stratified 70/30 split of
  ``--data``.
"""

import numpy as np
from sklearn.model_selection import train_test_split

from ..datasets import BUILTIN_SCHEMAS, fetch_flows, get_schema, load_flows
from ..datasets._fetch import without_duplicates

__all__ = ["load_protocol_data", "QUICK_ROWS"]

#: Training and test rows of a ``--quick`` run.
QUICK_ROWS = (4_000, 2_000)
#: A rare class smaller than this keeps all its rows in a ``--quick`` run, so
#: that SMOTE (5 neighbours) and the GAN have some.
_KEEP_ALL_BELOW = 500
_SPLIT_SEED, _TEST_SHARE = 0, 0.3
_KDD99_DUPLICATES = (
    "Training rows: kddcup.data_10_percent, each distinct record (41 features and "
    "label) once: {n_raw:,} rows hold {n_train:,} distinct ones, as NSL-KDD was "
    "made from it. Test rows: corrected, as published ({n_test:,} rows)."
)
_SPLIT_NOTE = (
    "Only {source} is here: its rows are split once, stratified by class and "
    "seeded (seed 0), into {train_share:.0%} training and {test_share:.0%} "
    "test rows; the seeds vary the models, not the split. This is not the "
    "official train→test protocol."
)


def _subsample_rows(y, n, seed, keep_all=()):
    """Stratified sample of ``n`` row indices plus every row of ``keep_all``."""
    index = np.arange(len(y))
    if n >= len(y):
        return index
    chosen, _ = train_test_split(index, train_size=n, stratify=y, random_state=seed)
    return np.union1d(chosen, index[np.isin(np.asarray(y), keep_all)])


def _take(values, rows):
    return values.iloc[rows] if hasattr(values, "iloc") else np.asarray(values)[rows]


def _attack_types(bunch, schema):
    """Each row's attack type, with normal rows named by the normal class."""
    types = schema.attack_types(bunch.attack)
    types[np.asarray(bunch.target) == schema.normal_label] = schema.normal_label
    return types


def _split(bunch, seed=_SPLIT_SEED):
    rows = np.arange(len(bunch.target))
    train, test = train_test_split(
        rows, test_size=_TEST_SHARE, stratify=bunch.target, random_state=seed
    )
    return np.sort(train), np.sort(test)


def _files(dataset, data_home):
    """The training and test bunches, and the protocol's note."""
    if dataset == "nsl-kdd":
        train = fetch_flows("nsl-kdd", "train", data_home=data_home)
        test = fetch_flows("nsl-kdd", "test", data_home=data_home)
        return train, test, None, "KDDTrain+ → KDDTest+, the paper's split."
    if dataset == "kddcup99":
        train = fetch_flows("kddcup99", "train", data_home=data_home)
        n_raw = len(train.target)
        train = without_duplicates(train)  # the file is read once
        test = fetch_flows("kddcup99", "test", data_home=data_home)
        note = _KDD99_DUPLICATES.format(
            n_raw=n_raw, n_train=len(train.target), n_test=len(test.target)
        )
        return train, test, None, note
    if dataset == "unsw-nb15":
        test = fetch_flows("unsw-nb15", "test", data_home=data_home)
        try:
            train = fetch_flows(
                "unsw-nb15", "train", data_home=data_home, download_if_missing=False
            )
        except OSError:
            note = _SPLIT_NOTE.format(
                source="the UNSW-NB15 testing partition",
                train_share=1 - _TEST_SHARE,
                test_share=_TEST_SHARE,
            )
            return test, None, _split(test), note
        return train, test, None, "The official training → testing partitions."
    raise AssertionError(f"no protocol for {dataset}")


def _user_files(schema, data, test):
    if data is None:
        raise ValueError("reproduce with --schema needs --data FILE (and --test FILE).")
    train = load_flows(data, schema)
    if test is not None:
        return train, load_flows(test, schema), None, f"{data} → {test}."
    note = _SPLIT_NOTE.format(
        source=str(data), train_share=1 - _TEST_SHARE, test_share=_TEST_SHARE
    )
    return train, None, _split(train), note


def _counts(y, classes):
    y = np.asarray(y)
    return [int(np.sum(y == c)) for c in classes]


def load_protocol_data(
    schema="nsl-kdd", *, quick=False, data_home=None, data=None, test=None
):
    """The training and test rows of a dataset's protocol, as a dict of arrays.

    Parameters
    ----------
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        A built-in dataset's name or a user's schema (then ``data``).
    quick : bool, default=False
        A stratified subset: 4,000 training rows (plus every row of a rare
        class under 500 rows) and 2,000 test rows.
    data_home : str, default=None
        Folder of the built-in datasets' files.
    data, test : path-like, default=None
        A user's labelled training and test files (``test`` optional).

    Returns
    -------
    data : dict
        ``X_train``, ``y_train``, ``X_test``, ``y_test``, ``attack_test`` (each
        test row's attack type), ``test_subsets`` (name -> row mask; NSL-KDD's
        KDDTest-21), ``seen_attacks`` (the training rows' attack types),
        ``counts`` (class counts of the full training and test rows),
        ``schema`` (with its vocabulary fixed on the training rows),
        ``train_name``, ``test_name`` and ``protocol`` (the words above).
    """
    builtin = isinstance(schema, str) and schema in BUILTIN_SCHEMAS
    schema = get_schema(schema)
    if schema.oversample is None:
        raise ValueError(
            f"reproduce compares over-samplers of the rare classes; schema "
            f"{schema.name!r} names none (awdids.oversample)."
        )
    if builtin:
        if data is not None or test is not None:
            raise ValueError(
                f"data= and test= are a user's files, for a user's schema; "
                f"{schema.name} reads its own files."
            )
        train, test_bunch, split, note = _files(schema.name, data_home)
    else:
        train, test_bunch, split, note = _user_files(schema, data, test)
    if split is not None:  # one file, split into training and test rows
        whole, (train_rows, test_rows) = train, split
    else:
        whole, train_rows, test_rows = None, np.arange(len(train.target)), None
    names = _names(schema, split is not None)
    return _assemble(
        schema, train, test_bunch, whole, train_rows, test_rows, quick, note, names
    )


def _names(schema, split):
    if schema.name == "nsl-kdd":
        return "KDDTrain+", "KDDTest+"
    if schema.name == "kddcup99":
        return "kddcup.data_10_percent", "corrected"
    if split:
        return f"{schema.name} (70% split)", f"{schema.name} (30% split)"
    return f"{schema.name} training", f"{schema.name} test"


def _assemble(schema, train, test, whole, train_rows, test_rows, quick, note, names):
    if whole is not None:
        test = whole  # one file: the test rows are the split's
    else:
        test_rows = np.arange(len(test.target))
    classes = list(schema.class_names)
    counts = {
        "train": _counts(_take(train.target, train_rows), classes),
        "test": _counts(_take(test.target, test_rows), classes),
    }
    if quick:
        y_train, y_test = _take(train.target, train_rows), _take(test.target, test_rows)
        rare = [
            c
            for c in schema.oversample["classes"]
            if np.sum(np.asarray(y_train) == c) < _KEEP_ALL_BELOW
        ]
        train_rows = train_rows[_subsample_rows(y_train, QUICK_ROWS[0], 0, rare)]
        test_rows = test_rows[_subsample_rows(y_test, QUICK_ROWS[1], 0)]
    attack_train = _take(_attack_types(train, schema), train_rows)
    attack_test = np.asarray(
        _take(_attack_types(test, schema), test_rows), dtype=object
    )
    X_train = _take(train.data, train_rows)
    subsets = {names[1]: np.ones(len(test_rows), dtype=bool)}
    if "difficulty" in test:  # NSL-KDD's KDDTest-21: rows fewer learners got right
        difficulty = np.asarray(_take(test.difficulty, test_rows))
        subsets["KDDTest-21"] = difficulty < 21
    return dict(
        X_train=X_train,
        y_train=np.asarray(_take(train.target, train_rows), dtype=object),
        X_test=_take(test.data, test_rows),
        y_test=np.asarray(_take(test.target, test_rows), dtype=object),
        attack_test=attack_test,
        test_subsets=subsets,
        seen_attacks=sorted(
            set(np.asarray(attack_train).tolist()) - {schema.normal_label}
        ),
        counts=counts,
        schema=schema.with_vocabulary(X_train) if schema.open_vocabulary else schema,
        train_name=names[0],
        test_name=names[1],
        protocol=note,
    )
