"""Reading and checking NSL-KDD records: one reader, one numeric check.

Files are read by :func:`read_records`, for the official files
(:func:`~awdids.datasets.parse_nsl_kdd`) and for a user's CSV (``awdids
predict``) alike. Every numeric column, in a file or in a table given to the
preprocessor, is checked by :func:`check_numeric_columns`. A file's rows are
named by their 1-based line, as an editor shows them; a table's by their 0-based
position, as ``X.iloc[n]`` reaches them.
"""

import numpy as np
import pandas as pd

from ._schema import CATEGORICAL_FEATURES, FEATURE_NAMES, NUMERIC_FEATURES

__all__ = ["check_numeric_columns", "read_records", "LABEL_COLUMNS"]

#: The columns after the 41 features in the official files.
LABEL_COLUMNS = ("attack", "difficulty")
_LABEL_NAMES = {"attack", "label", "target", "difficulty"}


def check_numeric_columns(frame, columns, locate):
    """Refuse an empty, non-numeric or infinite value in ``columns`` of ``frame``.

    Parameters
    ----------
    frame : DataFrame
    columns : iterable of column labels
    locate : callable
        Maps the 0-based position of the offending row to the words that name
        it: ``"records.csv, line 3"`` or ``"row 2 (0-based)"``.

    Raises
    ------
    ValueError
        Naming the row, the column and the value.

    Examples
    --------
    >>> import pandas as pd
    >>> from awdids.datasets._records import check_numeric_columns
    >>> frame = pd.DataFrame({"count": [1, "many"]})
    >>> check_numeric_columns(frame, ["count"], lambda n: f"row {n}")
    Traceback (most recent call last):
    ...
    ValueError: row 1: column 'count' holds 'many' (1 such value(s)); ...
    """
    for column in columns:
        raw = frame[column]
        numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(numbers)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            value = raw.iloc[position]
            value = value.item() if isinstance(value, np.generic) else value
            what = "is empty" if pd.isna(value) else f"holds {value!r}"
            raise ValueError(
                f"{locate(position)}: column {column!r} {what} "
                f"({int(bad.sum())} such value(s)); numeric NSL-KDD columns must "
                "hold finite numbers."
            )


def _has_header(path):
    with open(path, encoding="utf-8") as file:
        first = file.readline()
    if not first.strip():
        raise ValueError(f"{path} is empty: expected NSL-KDD records, 41 columns each.")
    return first.split(",")[0].strip().lower() == "duration"


def _column_names(path, header, widths):
    if header:
        names = pd.read_csv(path, nrows=0).columns.str.strip().tolist()
        missing = [c for c in FEATURE_NAMES if c not in names]
        extra = [c for c in names if c not in FEATURE_NAMES and c not in _LABEL_NAMES]
        if missing or extra:
            raise ValueError(
                f"{path}: header must name the 41 NSL-KDD features (optionally "
                f"attack/label/target and difficulty); missing {missing}, "
                f"unexpected {extra}."
            )
        return None
    width = len(pd.read_csv(path, header=None, nrows=1).columns)
    if width not in widths:
        raise ValueError(
            f"{path}: expected 41 feature columns (then the attack name and the "
            f"difficulty: {sorted(widths)} columns in all), got {width} columns."
        )
    return list(FEATURE_NAMES) + list(LABEL_COLUMNS[: width - len(FEATURE_NAMES)])


def _check_chunk(chunk, path, first_line):
    def locate(position):
        return f"{path}, line {first_line + position}"

    numeric = [*NUMERIC_FEATURES, *(["difficulty"] if "difficulty" in chunk else [])]
    check_numeric_columns(chunk, numeric, locate)
    texts = [c for c in (*CATEGORICAL_FEATURES, "attack") if c in chunk.columns]
    empty = chunk[texts].isna().to_numpy()
    if empty.any():
        position, k = (int(i[0]) for i in np.nonzero(empty))
        raise ValueError(f"{locate(position)}: column {texts[k]!r} is empty.")


def read_records(path, *, chunksize=None, widths=(41, 42, 43)):
    """Yield validated DataFrames of the NSL-KDD records in the CSV file ``path``.

    Parameters
    ----------
    path : str or path-like
        Comma-separated records: the 41 features, optionally followed by the
        attack name and the difficulty, with or without a header line.
    chunksize : int or None, default=None
        Rows a frame; ``None`` yields one frame of the whole file.
    widths : tuple of int, default=(41, 42, 43)
        Column counts accepted in a file without header.

    Yields
    ------
    frame : DataFrame
        Named columns (the features, and the label columns the file has).

    Raises
    ------
    ValueError
        An empty file, a wrong header or column count, a malformed line, an
        empty or non-numeric value; the message names the file and the line.
    """
    if chunksize is not None and (not isinstance(chunksize, int) or chunksize < 1):
        raise ValueError(
            f"chunksize must be a positive int or None, got {chunksize!r}."
        )
    header = _has_header(path)
    names = _column_names(path, header, widths)
    text_columns = (*CATEGORICAL_FEATURES, "attack", "label", "target")
    try:
        reader = pd.read_csv(
            path,
            header=0 if header else None,
            names=names,
            chunksize=chunksize,
            skipinitialspace=True,
            dtype=dict.fromkeys(text_columns, str),
        )
        chunks = [reader] if chunksize is None else reader
        first_line, rows = (2 if header else 1), 0
        for chunk in chunks:
            chunk.columns = chunk.columns.str.strip()
            _check_chunk(chunk, path, first_line + rows)
            rows += len(chunk)
            yield chunk
    except pd.errors.ParserError as error:
        raise ValueError(
            f"{path}: malformed line, expected {max(widths)} comma-separated "
            f"fields at most: {error}"
        ) from None
    if rows == 0:
        raise ValueError(f"{path} holds no records.")
