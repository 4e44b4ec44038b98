"""A user's flow records, in chunks: features, labels and unseen text values."""

import numpy as np

from ._builtin import get_schema
from ._records import read_records

__all__ = ["load_flows", "read_flow_chunks"]


def _count_unseen(chunk, counter, vocabulary):
    for column, categories in vocabulary.items():
        unseen = ~chunk[column].astype(str).isin(categories)
        counter[column] = counter.get(column, 0) + int(unseen.sum())


def _count_out_of_range(chunk, counter, columns, low, high):
    # the reader has checked these columns: they hold finite numbers
    values = chunk[columns].to_numpy(dtype=float)
    outside = ((values < low) | (values > high)).sum(axis=0)
    for column, count in zip(columns, outside.tolist()):
        counter[column] = counter.get(column, 0) + count


def read_flow_chunks(
    path,
    *,
    schema=None,
    chunksize=50_000,
    unseen_counter=None,
    out_of_range_counter=None,
    keep_columns=(),
):
    """Yield ``(features, labels, kept)`` chunks of a flow CSV.

    The file has the schema's feature columns, with or without a header line,
    and optionally its label columns; it is read and checked by
    :func:`~awdids.datasets._records.read_records`. ``labels`` (the attack
    column) is None when the file has none. ``kept`` holds the
    ``keep_columns`` as read: schema columns, or any column a header names
    (ids, addresses, timestamps), passed through unchecked. Every frame's
    index numbers the records as ``pd.read_csv`` would.

    Text values outside the schema's vocabulary are counted per column into
    ``unseen_counter`` (a dict), and numbers outside a column's range (a
    negative count, a rate above 1) into ``out_of_range_counter``.

    Raises
    ------
    ValueError
        A file refused by the reader, or a column of ``keep_columns`` that
        the file does not have.
    """
    schema = get_schema("nsl-kdd" if schema is None else schema)
    vocabulary = schema.checked_vocabulary
    ranged = list(schema.numeric_ranges)
    low, high = np.array(list(schema.numeric_ranges.values())).reshape(-1, 2).T
    keep = list(keep_columns)
    chunks = read_records(path, schema=schema, chunksize=chunksize, extra_columns=keep)
    for chunk in chunks:
        if missing := [c for c in keep if c not in chunk.columns]:
            raise ValueError(
                f"{path} has no column {missing[0]!r} to keep; its columns: "
                f"{', '.join(map(str, chunk.columns[:8]))}"
                + (", ..." if len(chunk.columns) > 8 else "")
            )
        if unseen_counter is not None:
            _count_unseen(chunk, unseen_counter, vocabulary)
        if out_of_range_counter is not None and ranged:
            _count_out_of_range(chunk, out_of_range_counter, ranged, low, high)
        column = schema.attack_column
        labels = chunk[column] if column in chunk.columns else None
        yield chunk[list(schema.feature_names)], labels, chunk[keep]


def load_flows(path, schema="nsl-kdd", *, as_frame=True):
    """Read a whole file of labelled flow records in a schema's layout.

    Parameters
    ----------
    path : str or path-like
        A delimited file (gzip and one-file zip too), checked line by line by
        the schema's reader: a wrong header, column count or value is refused
        with a message naming the file, the line and the column.
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        See :func:`~awdids.datasets.get_schema`.
    as_frame : bool, default=True
        ``data`` as a DataFrame and ``target`` as a Series; otherwise numpy
        object arrays.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (the feature columns), ``target`` (each row's class),
        ``attack`` (the attack column as read), one entry per further label
        column the file has, ``frame`` (every column read, with ``target``),
        ``feature_names``, ``target_names`` (the classes, normal first) and
        ``schema``.

    Examples
    --------
    >>> import os, tempfile
    >>> from awdids.datasets import load_flows
    >>> path = os.path.join(tempfile.mkdtemp(), "records.txt")
    >>> with open(path, "w") as file:
    ...     _ = file.write("0,tcp,http,SF,215,45076" + ",0" * 35 + ",normal.\\n")
    >>> bunch = load_flows(path, "kddcup99")
    >>> bunch.data.shape, bunch.target.tolist()
    ((1, 41), ['normal'])
    """
    import pandas as pd
    from sklearn.utils import Bunch

    schema = get_schema(schema)
    (frame,) = read_records(path, schema=schema)
    if schema.attack_column not in frame.columns:
        raise ValueError(
            f"{path}: no {schema.attack_column!r} column, the label column of "
            f"schema {schema.name!r}; labelled records are needed here."
        )
    target = pd.Series(
        schema.targets(frame[schema.attack_column]), name="target", index=frame.index
    )
    labels = {c: frame[c] for c in schema.label_columns if c in frame.columns}
    data = frame[list(schema.feature_names)]
    classes = schema.class_names or tuple(
        [schema.normal_label] + sorted(set(target) - {schema.normal_label})
    )
    if not as_frame:
        data, target = data.to_numpy(dtype=object), target.to_numpy(dtype=object)
        labels = {c: v.to_numpy() for c, v in labels.items()}
    bunch = Bunch(
        data=data,
        target=target,
        feature_names=list(schema.feature_names),
        target_names=list(classes),
        schema=schema,
    )
    bunch.update(labels)
    bunch["attack"] = labels[schema.attack_column]
    if as_frame:
        bunch.frame = pd.concat([frame, target], axis=1)
    return bunch
