"""Reading NSL-KDD records from a user's CSV file, in chunks, with clear errors."""

import numpy as np
import pandas as pd

from .datasets import (
    CATEGORY_NAMES,
    CATEGORY_VOCABULARY,
    FEATURE_NAMES,
    NUMERIC_FEATURES,
    attack_to_category,
)

__all__ = ["read_flow_chunks", "labels_to_categories"]

_LABEL_COLUMNS = ("attack", "difficulty")
_OPTIONAL_COLUMNS = {"attack", "label", "target", "difficulty"}


def _has_header(path):
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    if not first.strip():
        raise ValueError(f"{path} is empty: expected NSL-KDD records, 41 columns each.")
    return first.split(",")[0].strip().lower() == "duration"


def _column_names(path, header):
    if header:
        names = pd.read_csv(path, nrows=0).columns.str.strip().tolist()
        missing = [c for c in FEATURE_NAMES if c not in names]
        extra = [
            c for c in names if c not in FEATURE_NAMES and c not in _OPTIONAL_COLUMNS
        ]
        if missing or extra:
            raise ValueError(
                f"{path}: header must name the 41 NSL-KDD features (optionally "
                f"attack/label/target and difficulty); missing {missing}, "
                f"unexpected {extra}."
            )
        return None
    width = len(pd.read_csv(path, header=None, nrows=1).columns)
    if width not in (41, 42, 43):
        raise ValueError(
            f"{path}: expected 41 feature columns (optionally followed by the attack "
            f"name and the difficulty), got {width} columns."
        )
    return list(FEATURE_NAMES) + list(_LABEL_COLUMNS[: width - 41])


def _check_chunk(chunk, path, first_line):
    for column in NUMERIC_FEATURES:
        values = chunk[column]
        if not pd.api.types.is_numeric_dtype(values):
            bad = pd.to_numeric(values, errors="coerce").isna() & values.notna()
            bad |= values.isna()
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{path}, line {first_line + row}: column {column!r} holds the "
                f"non-numeric value {values.iloc[row]!r}."
            )
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise ValueError(
                f"{path}, line {first_line + row}: column {column!r} is empty."
            )


def _count_unseen(chunk, counter):
    for column, vocabulary in CATEGORY_VOCABULARY.items():
        unseen = ~chunk[column].astype(str).isin(vocabulary)
        counter[column] = counter.get(column, 0) + int(unseen.sum())


def read_flow_chunks(path, *, chunksize=50_000, unseen_counter=None):
    """Yield ``(features, labels)`` DataFrame/Series chunks of an NSL-KDD CSV.

    The file has the 41 feature columns, with or without a header line, and
    optionally label columns (attack name or category, difficulty). ``labels``
    is None when the file has none. Text values outside the NSL-KDD vocabulary
    are counted per column into ``unseen_counter`` (a dict).
    """
    header = _has_header(path)
    names = _column_names(path, header)
    reader = pd.read_csv(
        path,
        header=0 if header else None,
        names=names,
        chunksize=chunksize,
        skipinitialspace=True,
        dtype={c: str for c in (*CATEGORY_VOCABULARY, "attack", "label", "target")},
    )
    first_line = 2 if header else 1
    rows = 0
    for chunk in reader:
        chunk.columns = chunk.columns.str.strip()
        _check_chunk(chunk, path, first_line + rows)
        if unseen_counter is not None:
            _count_unseen(chunk, unseen_counter)
        label_column = next(
            (c for c in ("attack", "label", "target") if c in chunk.columns), None
        )
        labels = None if label_column is None else chunk[label_column].str.strip()
        yield chunk[list(FEATURE_NAMES)], labels
        rows += len(chunk)
    if rows == 0:
        raise ValueError(f"{path} holds no records.")


def labels_to_categories(labels):
    """Category names as they are, attack names mapped to their category."""
    labels = np.asarray(labels, dtype=str)
    if np.isin(np.char.lower(labels), CATEGORY_NAMES).all():
        return np.char.lower(labels)
    return attack_to_category(labels)
