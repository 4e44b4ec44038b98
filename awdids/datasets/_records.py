"""Reading and checking flow records: one reader, one numeric check.

Files are read by :func:`read_records` in the layout a
:class:`~awdids.datasets.DatasetSchema` describes, for the official files
(:func:`~awdids.datasets.parse_nsl_kdd`, :func:`~awdids.datasets.load_flows`)
and for a user's CSV (``awdids predict``) alike. Every numeric column, in a
file or in a table given to the preprocessor, is checked by
:func:`check_numeric_columns`. A file's rows are named by their 1-based line,
as an editor shows them; a table's by their 0-based position, as
``X.iloc[n]`` reaches them.
"""

import contextlib
import csv
import gzip
import io
import operator
import zipfile

import numpy as np
import pandas as pd

__all__ = ["check_numeric_columns", "read_records", "LABEL_COLUMNS"]

#: The columns after the 41 features in the official NSL-KDD files.
LABEL_COLUMNS = ("attack", "difficulty")
#: The longest line read. An NSL-KDD record takes about 150 bytes and the
#: header about 700; past this a file is refused before pandas tokenises it,
#: so a hostile line costs bounded memory and time.
MAX_LINE_BYTES = 64 << 10
_SHOWN_CHARS = 60
_FLOAT32_MAX = float(np.finfo(np.float32).max)


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
    hold that many ``delimiter``-separated fields (blank lines pass), so that a
    hostile line never reaches pandas and a row wider or narrower than the
    header is refused on its own line instead of shifting columns. ``head``
    holds bytes already read from ``raw`` (the first line), served first, so
    that a file is opened and read once: a pipe works too.
    """

    def __init__(
        self, raw, path, head=b"", n_fields=None, limit=MAX_LINE_BYTES, delimiter=","
    ):
        self.raw, self.path, self.head = raw, path, head
        self.n_fields, self.limit = n_fields, limit
        self.delimiter = delimiter.encode("utf-8")
        self._count = operator.methodcaller("count", self.delimiter)
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
        self.commas += rest.count(self.delimiter)
        self._check_length(self.run)
        buffer[: len(data)] = data
        return len(data)

    def _end_lines(self, pieces):
        """Whole lines of one block: checked in C when all are well-formed."""
        fine = not pieces or (
            max(map(len, pieces)) <= self.limit
            and (
                self.n_fields is None
                or set(map(self._count, pieces)) == {self.n_fields - 1}
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
        fields = self.commas + piece.count(self.delimiter) + 1
        if self.n_fields is not None and not blank and fields != self.n_fields:
            raise ValueError(
                f"{self.path}, line {self.line}: {fields} "
                f"{_separated(self.delimiter.decode())} fields, where line 1 has "
                f"{self.n_fields}."
            )
        self.line, self.run, self.commas = self.line + 1, 0, 0

    def _check_length(self, length):
        if length > self.limit:
            raise ValueError(
                f"{self.path}, line {self.line}: longer than {self.limit:,} bytes; "
                "a flow record is a few hundred."
            )


def _separated(delimiter):
    names = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe", " ": "space"}
    return f"{names[delimiter]}-separated" if delimiter in names else repr(delimiter)


def check_numeric_columns(
    frame, columns, locate, *, allow_missing=False, allow_infinite=False
):
    """Refuse an empty, non-numeric or infinite value in ``columns`` of ``frame``.

    Parameters
    ----------
    frame : DataFrame
    columns : iterable of column labels
    locate : callable
        Maps the 0-based position of the offending row to the words that name
        it: ``"records.csv, line 3"`` or ``"row 2 (0-based)"``.
    allow_missing : bool, default=False
        Let missing values (NaN) through, for a schema that fills them.
    allow_infinite : bool, default=False
        Let infinite values through, for a schema that reads them as missing.

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
        bad = np.isnan(numbers) & (raw.notna().to_numpy() | (not allow_missing))
        infinite = np.isinf(numbers)
        bad |= (infinite if not allow_infinite else False) | (
            ~infinite & (np.abs(numbers) > _FLOAT32_MAX)
        )
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            value = raw.iloc[position]
            value = value.item() if isinstance(value, np.generic) else value
            what = "is empty" if pd.isna(value) else f"holds {shorten(value)}"
            raise ValueError(
                f"{locate(position)}: column {column!r} {what} "
                f"({int(bad.sum())} such value(s)); numeric columns must "
                "hold finite numbers within float32 range (the model's)."
            )


def _open_source(raw, path, compression):
    """The decompressed byte stream of ``raw``: gzip, one-member zip, or as is."""
    if compression is None:
        suffix = str(path).lower()
        compression = next(
            (kind for kind in ("gz", "zip") if suffix.endswith("." + kind)), None
        )
    if compression == "gz":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if compression == "zip":
        archive = zipfile.ZipFile(raw)
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) != 1:
            raise ValueError(
                f"{path}: a zip of flow records must hold one file, it holds "
                f"{len(members)}."
            )
        return archive.open(members[0])
    return raw


def _first_line(raw, path, what):
    """The first line's bytes and text, read within :data:`MAX_LINE_BYTES`.

    A longer line is refused at once, so that no hostile first line reaches
    pandas; its fields are checked by :func:`_column_names`.
    """
    try:
        head = raw.readline(MAX_LINE_BYTES + 1)
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path}: not a readable compressed file ({error}).") from None
    if len(head) > MAX_LINE_BYTES:
        raise ValueError(
            f"{path}, line 1: longer than {MAX_LINE_BYTES:,} bytes; a flow "
            "record is a few hundred."
        )
    first = _decode(head, path).removeprefix("\ufeff")
    if not first.strip():
        raise ValueError(f"{path} is empty: expected {what}.")
    return head, first


def _decode(data, path):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}, line 1: not UTF-8 text (byte {error.start}: "
            f"{data[error.start : error.start + 1]!r})."
        ) from None


def _check_delimiter(path, first, n_fields, schema):
    """A line 1 of one field that another separator would split: say which."""
    if n_fields > 1:
        return
    seen = [d for d in ",;\t|" if d != schema.delimiter and d in first]
    if seen:
        raise ValueError(
            f"{path}, line 1: no {schema.delimiter!r} separates its fields, but "
            f"{seen[0]!r} does; schema {schema.name!r} reads "
            f"{_separated(schema.delimiter)} files (its dialect.delimiter)."
        )


def _split_line(line, delimiter):
    return [f.strip() for f in line.rstrip("\r\n").split(delimiter)]


def _header_layout(first, schema):
    """Whether line 1 is a header, and whether it leads with an unnamed index.

    Line 1 is a header when it starts with a column name of the schema.
    ``DataFrame.to_csv()`` writes its index as a first column with an empty
    name; such a column is read as the index and dropped.
    """
    fields = _split_line(first, schema.delimiter)[:2]
    names = {n.lower() for n in schema.field_names}
    if fields[0].lower() in names:
        return True, False
    if len(fields) == 2 and fields[0] == "" and fields[1].lower() in names:
        return True, True
    return False, False


def _headerless_names(schema, n_fields):
    """The columns of a file without header: the fields up to the last feature,
    then as many of the label and dropped fields as the file has."""
    last_feature = max(schema.field_names.index(n) for n in schema.feature_names)
    if not last_feature < n_fields <= len(schema.field_names):
        widths = f"{last_feature + 1} to {len(schema.field_names)}"
        if last_feature + 1 == len(schema.field_names):
            widths = str(len(schema.field_names))
        raise ValueError(
            f"expected {widths} columns in {schema.name}'s order "
            f"({', '.join(schema.field_names[:4])}, ...), got {n_fields:,}"
        )
    return list(schema.field_names[:n_fields])


def _column_names(path, first, n_fields, header, schema, index=False, extra=()):
    """The file's column names, or None when pandas reads them from the header.

    A header must name every feature, nothing twice, and nothing outside the
    schema's fields but the ``extra`` columns.
    """
    if header:
        names = _split_line(first, schema.delimiter)[int(index) :]
        missing = [c for c in schema.feature_names if c not in names]
        known = {*schema.field_names, *extra}
        unexpected = [c for c in names if c not in known]
        twice = sorted({c for c in names if names.count(c) > 1})
        if missing or unexpected or twice:
            raise ValueError(
                f"{path}: header must name the {len(schema.feature_names)} "
                f"{schema.name} features (and optionally the columns "
                f"{_shorten_all(list(schema.label_columns + schema.drop))}); "
                f"missing {_shorten_all(missing)}, "
                f"unexpected {_shorten_all(unexpected)}"
                + (f", named twice {_shorten_all(twice)}." if twice else ".")
            )
        return None
    try:
        return _headerless_names(schema, n_fields)
    except ValueError as error:
        raise ValueError(f"{path}, line 1: {error}.") from None


def _check_chunk(chunk, path, lines, schema):
    def locate(position):
        return f"{path}, line {lines[position]}"

    check_numeric_columns(
        chunk,
        schema.numeric_columns(chunk.columns),
        locate,
        allow_missing=schema.fill_numeric is not None,
        allow_infinite=schema.infinite == "missing",
    )
    required = [*schema.categorical_features] if schema.fill_categorical is None else []
    texts = [c for c in (*required, schema.attack_column) if c in chunk.columns]
    empty = chunk[texts].isna().to_numpy()
    if empty.any():
        position, k = (int(i[0]) for i in np.nonzero(empty))
        raise ValueError(f"{locate(position)}: column {texts[k]!r} is empty.")


def _strip_text(chunk, text_columns):
    """Spaces around a text value (``'tcp '``) are not part of it.

    Text columns hold few distinct values, so those are stripped, not the rows.
    """
    for column in text_columns:
        if column in chunk.columns:
            values = chunk[column]
            spaced = {
                value: value.strip()
                for value in pd.unique(values)
                if isinstance(value, str) and value != value.strip()
            }
            if spaced:
                chunk[column] = values.replace(spaced)


def _parsed_chunks(source, path, schema, *, header, index, names, chunksize, extra):
    """Yield pandas' checked chunks of ``source``; return the number of records.

    Blank lines are read (so that every row keeps its line number for the
    messages) and dropped; fields are never quoted in these files, so a quote
    is a character and a line is a record. A chunk's index is the file's
    index column when it has one, else each record's 0-based position, as
    ``pd.read_csv`` numbers them.
    """
    lines_read, records = 0, 0
    text_columns = [*schema.text_columns(), *extra]
    try:
        reader = pd.read_csv(
            source,
            sep=schema.delimiter,
            encoding="utf-8-sig",
            header=0 if header else None,
            names=names,
            index_col=0 if index else False,
            chunksize=chunksize,
            skipinitialspace=True,
            skip_blank_lines=False,
            quoting=csv.QUOTE_NONE,
            na_values=list(schema.missing_values),
            keep_default_na=False,
            dtype=dict.fromkeys(text_columns, str),
        )
        chunks = [reader] if chunksize is None else reader
        first_line = 2 if header else 1
        for chunk in chunks:
            lines = first_line + lines_read + np.arange(len(chunk))
            lines_read += len(chunk)
            blank = chunk.isna().all(axis=1).to_numpy()
            chunk = chunk[~blank]
            if chunk.empty:
                continue
            if not index:
                chunk.index = pd.RangeIndex(records, records + len(chunk))
            chunk.index.name = None
            chunk.columns = chunk.columns.str.strip()
            _strip_text(chunk, text_columns)
            _check_chunk(chunk, path, lines[~blank], schema)
            records += len(chunk)
            yield chunk
    except pd.errors.ParserError as error:  # widths are checked line by line first
        raise ValueError(f"{path}: malformed CSV: {shorten(str(error), 200)}") from None
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start} of a "
            "block read); save the file as UTF-8."
        ) from None
    except (OSError, EOFError, zipfile.BadZipFile) as error:  # a damaged archive
        raise ValueError(f"{path}: the compressed file is damaged ({error}).") from None
    return records


def read_records(path, *, schema=None, chunksize=None, extra_columns=()):
    """Yield validated DataFrames of the flow records in the file ``path``.

    Parameters
    ----------
    path : str or path-like
        Delimited records in ``schema``'s layout; gzip (``.gz``) and one-file
        zip (``.zip``) are read as they are. A header names columns of the
        schema, in any order. With the dialect's ``header: true`` line 1 must
        be one; with ``header: false`` (NSL-KDD's, KDD Cup 99's) a line 1 that
        names schema columns is still read as a header, so that exports with
        one read too.
    schema : DatasetSchema, default=None
        The layout; NSL-KDD's when None.
    chunksize : int or None, default=None
        Rows a frame; ``None`` yields one frame of the whole file.
    extra_columns : sequence of str, default=()
        Further columns a header may name (ids, addresses, timestamps); they
        are read as text, unchecked.

    Yields
    ------
    frame : DataFrame
        Named columns (the features, the label columns and the extra columns
        the file has). The index is each record's 0-based position in the
        file, or the file's own unnamed index column (``DataFrame.to_csv``'s).

    Raises
    ------
    ValueError
        An empty file, a wrong header or column count, a malformed line, an
        empty or non-numeric value; the message names the file and the line.
    """
    from ._builtin import get_schema

    schema = get_schema("nsl-kdd" if schema is None else schema)
    if chunksize is not None and (not isinstance(chunksize, int) or chunksize < 1):
        raise ValueError(
            f"chunksize must be a positive int or None, got {chunksize!r}."
        )
    what = f"{schema.name} records, {len(schema.feature_names)} feature columns each"
    with (
        open(path, "rb") as file,
        contextlib.closing(_open_source(file, path, schema.compression)) as raw,
    ):
        head, first = _first_line(raw, path, what)
        n_fields = first.count(schema.delimiter) + 1
        _check_delimiter(path, first, n_fields, schema)
        header, index = _header_layout(first, schema)
        if schema.header and not header:
            raise ValueError(
                f"{path}, line 1: schema {schema.name!r} expects a header naming "
                f"its columns ({', '.join(schema.field_names[:3])}, ...), got "
                f"{shorten(first.strip())}."
            )
        extra = [c for c in extra_columns if c not in schema.field_names]
        names = _column_names(path, first, n_fields, header, schema, index, extra)
        rows = yield from _parsed_chunks(
            _BoundedLines(
                raw, path, head, n_fields=n_fields, delimiter=schema.delimiter
            ),
            path,
            schema,
            header=header,
            index=index,
            names=names,
            chunksize=chunksize,
            extra=extra,
        )
    if rows == 0:
        only = " (only a header line)" if header else ""
        raise ValueError(f"{path} holds no records{only}.")
