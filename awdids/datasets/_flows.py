"""A user's NSL-KDD records, in chunks: features, labels and unseen text values."""

import numpy as np

from ._records import read_records
from ._schema import CATEGORY_VOCABULARY, FEATURE_NAMES, NUMERIC_RANGES
from ._taxonomy import CATEGORY_NAMES, attack_to_category

__all__ = ["read_flow_chunks", "labels_to_categories"]


def _count_unseen(chunk, counter):
    for column, vocabulary in CATEGORY_VOCABULARY.items():
        unseen = ~chunk[column].astype(str).isin(vocabulary)
        counter[column] = counter.get(column, 0) + int(unseen.sum())


_RANGE_COLUMNS = list(NUMERIC_RANGES)
_LOW, _HIGH = np.array(list(NUMERIC_RANGES.values())).T


def _count_out_of_range(chunk, counter):
    # the reader has checked these columns: they hold finite numbers
    values = chunk[_RANGE_COLUMNS].to_numpy(dtype=float)
    outside = ((values < _LOW) | (values > _HIGH)).sum(axis=0)
    for column, count in zip(_RANGE_COLUMNS, outside.tolist()):
        counter[column] = counter.get(column, 0) + count


def read_flow_chunks(
    path, *, chunksize=50_000, unseen_counter=None, out_of_range_counter=None
):
    """Yield ``(features, labels)`` DataFrame/Series chunks of an NSL-KDD CSV.

    The file has the 41 feature columns, with or without a header line, and
    optionally label columns (attack name or category, difficulty); it is read
    and checked by :func:`~awdids.datasets._records.read_records`. ``labels``
    is None when the file has none. Text values outside the NSL-KDD vocabulary
    are counted per column into ``unseen_counter`` (a dict), and numbers
    outside a column's :data:`NUMERIC_RANGES` (a negative count, a rate above 1)
    into ``out_of_range_counter``.
    """
    for chunk in read_records(path, chunksize=chunksize):
        if unseen_counter is not None:
            _count_unseen(chunk, unseen_counter)
        if out_of_range_counter is not None:
            _count_out_of_range(chunk, out_of_range_counter)
        label_column = next(
            (c for c in ("attack", "label", "target") if c in chunk.columns), None
        )
        labels = None if label_column is None else chunk[label_column]
        yield chunk[list(FEATURE_NAMES)], labels


def labels_to_categories(labels, *, unknown="raise"):
    """Category names as they are, attack names mapped to their category.

    ``unknown`` is :func:`attack_to_category`'s: ``"raise"``, or the category
    given to names outside the taxonomy.
    """
    labels = np.asarray(labels, dtype=str)
    if np.isin(np.char.lower(labels), CATEGORY_NAMES).all():
        return np.char.lower(labels)
    return attack_to_category(labels, unknown=unknown)
