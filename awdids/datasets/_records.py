"""Reading and checking NSL-KDD records: one reader, one numeric check.

Files are read by :func:`read_records`, for the official files
(:func:`~awdids.datasets.parse_nsl_kdd`) and for a user's CSV (``awdids
predict``) alike. Every numeric column, in a file or in a table given to the
preprocessor, is checked by :func:`check_numeric_columns`. A file's rows are
named by their 1-based line, as an editor shows them; a table's by their 0-based
position, as ``X.iloc[n]`` reaches them.
"""

import csv
import io
import operator

import numpy as np
import pandas as pd

from ._schema import CATEGORICAL_FEATURES, FEATURE_NAMES, NUMERIC_FEATURES

__all__ = ["check_numeric_columns", "read_records", "LABEL_COLUMNS"]

#: The columns after the 41 features in the official files.
LABEL_COLUMNS = ("attack", "difficulty")
_LABEL_NAMES = {"attack", "label", "target", "difficulty"}
_TEXT_COLUMNS = (*CATEGORICAL_FEATURES, "attack", "label", "target")
#: The longest line read. An NSL-KDD record takes about 150 bytes and the
#: header about 700; past this a file is refused before pandas tokenises it,
#: so a hostile line costs bounded memory and time.
MAX_LINE_BYTES = 64 << 10
_SHOWN_CHARS = 60
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_COMMA_COUNT = operator.methodcaller("count", b",")


def shorten(value, limit=_SHOWN_CHARS):
    """``repr(value)``, cut to about ``limit`` characters for an error message.

    Examples
    --------
    >>> from awdids.datasets._records import shorten
    >>> shorten("x" * 100, limit=12)
    "'xxxxxxxxx'... (102 characters)"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 2]}'... ({len(text)} characters)"


def _shorten_all(names, limit=10):
    shown = [shorten(n, 40) for n in names[:limit]]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return f"[{', '.join(shown)}]{more}"


class _BoundedLines(io.RawIOBase):
    """A binary file checked line by line as it is read.

    Each line must fit in ``limit`` bytes and, when ``n_fields`` is given,
    hold that many comma-separated fields (blank lines pass), so that a
    hostile line never reaches pandas and a row wider or narrower than the
    header is refused on its own line instead of shifting columns. ``head``
    holds bytes already read from ``raw`` (the first line), served first, so
    that a file is opened and read once: a pipe works too.
    """

    def __init__(self, raw, path, head=b"", n_fields=None, limit=MAX_LINE_BYTES):
        self.raw, self.path, self.head = raw, path, head
        self.n_fields, self.limit = n_fields, limit
        # the line being read: its number, bytes and commas so far
        self.line, self.run, self.commas = 1, 0, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.head:
            data, self.head = self.head[: len(buffer)], self.head[len(buffer) :]
        else:
            data = self.raw.read(len(buffer))
        if not data and self.run:  # the end: the last line had no newline
            self._end_line(b"")
        pieces = data.split(b"\n")
        rest = pieces.pop()  # the start of a line that goes on in the next block
        if pieces:
            self._end_line(pieces[0])  # it ends the line of the previous block
            self._end_lines(pieces[1:])
        self.run += len(rest)
        self.commas += rest.count(b",")
        self._check_length(self.run)
        buffer[: len(data)] = data
        return len(data)

    def _end_lines(self, pieces):
        """Whole lines of one block: checked in C when all are well-formed."""
        fine = not pieces or (
            max(map(len, pieces)) <= self.limit
            and (
                self.n_fields is None
                or set(map(_COMMA_COUNT, pieces)) == {self.n_fields - 1}
            )
        )
        if fine:
            self.line += len(pieces)
            return
        for piece in pieces:  # a blank or bad line: find and name it
            self._end_line(piece)

    def _end_line(self, piece):
        length = self.run + len(piece)
        self._check_length(length)
        blank = self.run == 0 and not piece.strip()
        fields = self.commas + piece.count(b",") + 1
        if self.n_fields is not None and not blank and fields != self.n_fields:
            raise ValueError(
                f"{self.path}, line {self.line}: {fields} comma-separated fields, "
                f"where line 1 has {self.n_fields}."
            )
        self.line, self.run, self.commas = self.line + 1, 0, 0

    def _check_length(self, length):
        if length > self.limit:
            raise ValueError(
                f"{self.path}, line {self.line}: longer than {self.limit:,} bytes; "
                "an NSL-KDD record is a few hundred."
            )


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
        try:
            numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        except OverflowError:  # an integer past float range, kept as a Python int
            numbers = pd.to_numeric(raw.astype(str), errors="coerce").to_numpy(float)
        bad = ~np.isfinite(numbers) | (np.abs(numbers) > _FLOAT32_MAX)
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            value = raw.iloc[position]
            value = value.item() if isinstance(value, np.generic) else value
            what = "is empty" if pd.isna(value) else f"holds {shorten(value)}"
            raise ValueError(
                f"{locate(position)}: column {column!r} {what} "
                f"({int(bad.sum())} such value(s)); numeric NSL-KDD columns must "
                "hold finite numbers within float32 range (the model's)."
            )


def _first_line(raw, path):
    """The first line's bytes and text, read within :data:`MAX_LINE_BYTES`.

    A longer line is refused at once, so that no hostile first line reaches
    pandas; its fields are checked by :func:`_column_names`.
    """
    head = raw.readline(MAX_LINE_BYTES + 1)
    if len(head) > MAX_LINE_BYTES:
        raise ValueError(
            f"{path}, line 1: longer than {MAX_LINE_BYTES:,} bytes; an NSL-KDD "
            "record is a few hundred."
        )
    first = _decode(head, path).removeprefix("\ufeff")
    if not first.strip():
        raise ValueError(f"{path} is empty: expected NSL-KDD records, 41 columns each.")
    return head, first


def _decode(data, path):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}, line 1: not UTF-8 text (byte {error.start}: "
            f"{data[error.start : error.start + 1]!r})."
        ) from None


def _header_layout(first):
    """Whether line 1 is a header, and whether it leads with an unnamed index.

    ``DataFrame.to_csv()`` writes its index as a first column with an empty
    name; such a column is read as the index and dropped.
    """
    fields = [f.strip().lower() for f in first.split(",")[:2]]
    if fields[0] == "duration":
        return True, False
    return (True, True) if fields == ["", "duration"] else (False, False)


def _column_names(path, first, n_fields, header, widths, index=False):
    if header:
        names = [n.strip() for n in first.rstrip("\r\n").split(",")[int(index) :]]
        missing = [c for c in FEATURE_NAMES if c not in names]
        extra = [c for c in names if c not in FEATURE_NAMES and c not in _LABEL_NAMES]
        if missing or extra:
            raise ValueError(
                f"{path}: header must name the 41 NSL-KDD features (optionally "
                f"attack/label/target and difficulty); missing "
                f"{_shorten_all(missing)}, unexpected {_shorten_all(extra)}."
            )
        return None
    if n_fields not in widths:
        raise ValueError(
            f"{path}, line 1: expected 41 feature columns (then the attack name "
            f"and the difficulty: {sorted(widths)} columns in all), got {n_fields:,}."
        )
    return list(FEATURE_NAMES) + list(LABEL_COLUMNS[: n_fields - len(FEATURE_NAMES)])


def _check_chunk(chunk, path, lines):
    def locate(position):
        return f"{path}, line {lines[position]}"

    numeric = [*NUMERIC_FEATURES, *(["difficulty"] if "difficulty" in chunk else [])]
    check_numeric_columns(chunk, numeric, locate)
    texts = [c for c in (*CATEGORICAL_FEATURES, "attack") if c in chunk.columns]
    empty = chunk[texts].isna().to_numpy()
    if empty.any():
        position, k = (int(i[0]) for i in np.nonzero(empty))
        raise ValueError(f"{locate(position)}: column {texts[k]!r} is empty.")


def _strip_text(chunk):
    """Spaces around a text value (``'tcp '``) are not part of it.

    Text columns hold few distinct values, so those are stripped, not the rows.
    """
    for column in _TEXT_COLUMNS:
        if column in chunk.columns:
            values = chunk[column]
            spaced = {
                value: value.strip()
                for value in pd.unique(values)
                if isinstance(value, str) and value != value.strip()
            }
            if spaced:
                chunk[column] = values.replace(spaced)


def _parsed_chunks(source, path, *, header, index, names, chunksize):
    """Yield pandas' checked chunks of ``source``; return the number of records.

    Blank lines are read (so that every row keeps its line number for the
    messages) and dropped; fields are never quoted in these files, so a quote
    is a character and a line is a record.
    """
    lines_read, records = 0, 0
    try:
        reader = pd.read_csv(
            source,
            encoding="utf-8-sig",
            header=0 if header else None,
            names=names,
            index_col=0 if index else False,
            chunksize=chunksize,
            skipinitialspace=True,
            skip_blank_lines=False,
            quoting=csv.QUOTE_NONE,
            dtype=dict.fromkeys(_TEXT_COLUMNS, str),
        )
        chunks = [reader] if chunksize is None else reader
        first_line = 2 if header else 1
        for chunk in chunks:
            lines = first_line + lines_read + np.arange(len(chunk))
            lines_read += len(chunk)
            blank = chunk.isna().all(axis=1).to_numpy()
            chunk = chunk[~blank].reset_index(drop=True)
            if chunk.empty:
                continue
            chunk.columns = chunk.columns.str.strip()
            _strip_text(chunk)
            _check_chunk(chunk, path, lines[~blank])
            records += len(chunk)
            yield chunk
    except pd.errors.ParserError as error:  # widths are checked line by line first
        raise ValueError(f"{path}: malformed CSV: {shorten(str(error), 200)}") from None
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start} of a "
            "block read); save the file as UTF-8."
        ) from None
    return records


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
    with open(path, "rb") as raw:
        head, first = _first_line(raw, path)
        n_fields = first.count(",") + 1
        header, index = _header_layout(first)
        names = _column_names(path, first, n_fields, header, widths, index)
        rows = yield from _parsed_chunks(
            _BoundedLines(raw, path, head, n_fields=n_fields),
            path,
            header=header,
            index=index,
            names=names,
            chunksize=chunksize,
        )
    if rows == 0:
        raise ValueError(f"{path} holds no records.")
