"""A table of flow records described as data: columns, roles, labels, file layout.

A :class:`DatasetSchema` is read from a Frictionless *Tabular Data Resource*
descriptor without its ``path``: the Table Schema (``schema``: ``fields``,
``missingValues``), the CSV Dialect (``dialect``: ``delimiter``, ``header``),
``encoding`` and ``compression``, plus an ``awdids`` section for what the
Frictionless specs do not say: which column names the attack, the label of
normal traffic, the columns that are not features, the attack categories and
the classes the GP-GAN over-samples. Every layer of awdids (the reader, the
preprocessor, the pipeline, the zero-day folds, the model file, the command
line) reads the same object, so a dataset's facts live in one place.

Descriptors are plain JSON: reading one runs no code, and an unknown key, a
wrong type or two roles for one column is refused with a message that names it.
"""

import json
import math
import numbers
import os
from types import MappingProxyType

__all__ = ["DatasetSchema", "read_schema", "MAX_SCHEMA_BYTES"]

#: The largest schema file read; a schema of a thousand columns takes ~100 KiB.
MAX_SCHEMA_BYTES = 4 << 20
_MAX_FIELDS = 10_000
_MAX_NAME_CHARS = 200
#: Frictionless field types awdids reads as features, and how.
_FEATURE_TYPES = {"string": "categorical", "number": "numeric", "integer": "numeric"}
#: Further Frictionless types a column may have if it is dropped.
_OTHER_TYPES = {"boolean", "date", "time", "datetime", "year", "any", "duration"}
_TOP_KEYS = {
    "profile",
    "name",
    "title",
    "description",
    "encoding",
    "compression",
    "dialect",
    "schema",
    "awdids",
}
# Fields are never quoted (a quote is a character), so quoteChar and
# doubleQuote are refused rather than ignored.
_DIALECT_KEYS = {"delimiter", "header", "skipInitialSpace"}
_TABLE_KEYS = {"fields", "missingValues", "primaryKey"}
_FIELD_KEYS = {"name", "type", "title", "description", "format", "constraints"}
_CONSTRAINT_KEYS = {"enum", "minimum", "maximum", "required"}
_AWDIDS_KEYS = {
    "attack",
    "normal",
    "drop",
    "labels",
    "categories",
    "labelSuffix",
    "oversample",
    "maxCategories",
    "fillNumeric",
    "fillCategorical",
    "infinite",
    "other",
}
_COMPRESSIONS = (None, "gz", "zip")
_ENCODINGS = ("utf-8", "utf-8-sig")
_DEFAULT_MAX_CATEGORIES = 32


def _fail(where, message):
    raise ValueError(f"{where}: {message}")


def _check_keys(mapping, allowed, where):
    if not isinstance(mapping, dict):
        _fail(where, f"expected a JSON object, got {type(mapping).__name__}.")
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        _fail(where, f"unknown key(s) {unknown}; allowed keys are {sorted(allowed)}.")


def _name(value, where):
    if not isinstance(value, str) or not value.strip():
        _fail(where, f"expected a non-empty string, got {value!r}.")
    if len(value) > _MAX_NAME_CHARS:
        _fail(where, f"longer than {_MAX_NAME_CHARS} characters.")
    return value


def _names(value, where):
    if not isinstance(value, list):
        _fail(where, f"expected a list of strings, got {value!r}.")
    return tuple(_name(v, f"{where}[{i}]") for i, v in enumerate(value))


def _number(value, where):
    valid = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not valid or not math.isfinite(value):
        _fail(where, f"expected a finite number, got {value!r}.")
    return float(value)


def _count(value, where, *, low=1):
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        _fail(where, f"expected an integer of at least {low}, got {value!r}.")
    return value


class _Field:
    """One column: its name, Frictionless type and constraints."""

    __slots__ = ("name", "type", "enum", "minimum", "maximum", "extra")

    def __init__(self, raw, where):
        _check_keys(raw, _FIELD_KEYS, where)
        self.name = _name(raw.get("name"), f"{where}.name")
        where = f"field {self.name!r}"
        self.type = raw.get("type", "string")
        if self.type not in {*_FEATURE_TYPES, *_OTHER_TYPES}:
            _fail(
                f"{where}.type",
                f"{self.type!r} is not a Frictionless field type; use one of "
                f"{sorted({*_FEATURE_TYPES, *_OTHER_TYPES})}.",
            )
        constraints = raw.get("constraints", {})
        _check_keys(constraints, _CONSTRAINT_KEYS, f"{where}.constraints")
        self.enum = None
        if "enum" in constraints:
            self.enum = _names(constraints["enum"], f"{where}.constraints.enum")
            if self.type != "string":
                _fail(where, "an enum fixes the categories of a string field only.")
        self.minimum = _bound(constraints, "minimum", -math.inf, where)
        self.maximum = _bound(constraints, "maximum", math.inf, where)
        self.extra = _texts(raw, ("title", "description", "format"), f"{where}.")

    def to_dict(self):
        field = {"name": self.name, "type": self.type, **self.extra}
        constraints = {}
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if self.minimum > -math.inf:
            constraints["minimum"] = self.minimum
        if self.maximum < math.inf:
            constraints["maximum"] = self.maximum
        if constraints:
            field["constraints"] = constraints
        return field


def _texts(mapping, keys, where):
    """The descriptive strings among ``keys`` (titles, descriptions), checked."""
    texts = {k: mapping[k] for k in keys if k in mapping}
    for key, value in texts.items():
        if not isinstance(value, str) or len(value) > 10_000:
            _fail(f"{where}{key}", f"expected a string, got {type(value).__name__}.")
    return texts


def _bound(constraints, key, default, where):
    if key not in constraints:
        return default
    return _number(constraints[key], f"{where}.constraints.{key}")


class DatasetSchema:
    """The columns, roles and labels of a table of flow records.

    Build one from a descriptor (a dict, see the module docstring and the
    user guide's *Data* page), read one with :func:`read_schema`, or take a
    built-in one with :func:`~awdids.datasets.get_schema`. The object is
    immutable; :meth:`with_vocabulary` returns a new one.

    Parameters
    ----------
    descriptor : dict
        A Frictionless Tabular Data Resource descriptor (without ``path``)
        with an ``awdids`` section. Unknown keys are refused.

    Attributes
    ----------
    name : str
    feature_names : tuple of str
        The model's input columns, in file order.
    categorical_features, numeric_features : tuple of str
        String fields are one-hot encoded, number and integer fields scaled.
    attack_column : str
        The column that names each row's attack (or class).
    normal_label : str
        The class of normal traffic.
    label_columns : tuple of str
        Columns read as labels, never as features: the attack column first.
    drop : tuple of str
        Columns read and ignored (row ids, addresses, timestamps).
    categories : mapping or None
        Attack name (lower case) to class; None when the attack column holds
        the class itself.
    class_names : tuple of str
        Every class, normal first.
    oversample : dict or None
        ``{"rows": n, "classes": [...]}``: the GP-GAN adds ``n`` rows to each
        of these rare classes in :func:`~awdids.make_awdids_pipeline`.
    vocabulary : mapping
        Categorical column to its categories (from ``constraints.enum`` or
        :meth:`with_vocabulary`), or None where the training rows decide.
    other : tuple of str
        Categorical columns whose values outside the vocabulary are expected
        (a capped vocabulary's "other"): all zeros, without a warning.

    Examples
    --------
    >>> from awdids.datasets import DatasetSchema
    >>> schema = DatasetSchema({
    ...     "name": "toy",
    ...     "schema": {"fields": [
    ...         {"name": "id", "type": "integer"},
    ...         {"name": "proto", "type": "string"},
    ...         {"name": "bytes", "type": "number", "constraints": {"minimum": 0}},
    ...         {"name": "attack", "type": "string"}]},
    ...     "awdids": {"attack": "attack", "normal": "normal", "drop": ["id"]}})
    >>> schema.feature_names, schema.categorical_features
    (('proto', 'bytes'), ('proto',))
    """

    def __init__(self, descriptor):
        _check_keys(descriptor, _TOP_KEYS, "schema")
        self.name = _name(descriptor.get("name", "custom"), "name")
        self._extra = _texts(descriptor, ("profile", "title", "description"), "")
        self.encoding = descriptor.get("encoding", "utf-8")
        if self.encoding not in _ENCODINGS:
            _fail("encoding", f"{self.encoding!r} is not one of {list(_ENCODINGS)}.")
        self.compression = descriptor.get("compression")
        if self.compression not in _COMPRESSIONS:
            _fail(
                "compression",
                f"{self.compression!r} is not one of {list(_COMPRESSIONS)}.",
            )
        self._read_dialect(descriptor.get("dialect", {}))
        self._read_table(descriptor.get("schema"))
        self._read_roles(descriptor.get("awdids"))

    def _read_dialect(self, dialect):
        _check_keys(dialect, _DIALECT_KEYS, "dialect")
        self.delimiter = dialect.get("delimiter", ",")
        if not isinstance(self.delimiter, str) or len(self.delimiter) != 1:
            _fail(
                "dialect.delimiter", f"expected one character, got {self.delimiter!r}."
            )
        if self.delimiter in '\r\n"' or self.delimiter.isalnum():
            _fail("dialect.delimiter", f"{self.delimiter!r} cannot separate fields.")
        self.header = dialect.get("header", True)
        if not isinstance(self.header, bool):
            _fail("dialect.header", f"expected true or false, got {self.header!r}.")
        if dialect.get("skipInitialSpace", True) is not True:
            _fail(
                "dialect.skipInitialSpace",
                "spaces around a value are always stripped; only true is honoured.",
            )
        self._dialect_extra = {
            k: dialect[k] for k in ("skipInitialSpace",) if k in dialect
        }

    def _read_table(self, table):
        if table is None:
            _fail("schema", "the descriptor has no 'schema' (its Table Schema).")
        _check_keys(table, _TABLE_KEYS, "schema")
        raw_fields = table.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            _fail("schema.fields", "expected a non-empty list of fields.")
        if len(raw_fields) > _MAX_FIELDS:
            _fail("schema.fields", f"more than {_MAX_FIELDS:,} fields.")
        fields = [
            _Field(raw, f"schema.fields[{i}]") for i, raw in enumerate(raw_fields)
        ]
        names = [f.name for f in fields]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            _fail("schema.fields", f"column(s) {twice} are named twice.")
        self._fields = {f.name: f for f in fields}
        self.field_names = tuple(names)
        self.missing_values = _names_or_empty(
            table.get("missingValues", [""]), "schema.missingValues"
        )
        self._primary_key = table.get("primaryKey")

    def _read_roles(self, roles):
        if roles is None:
            _fail("awdids", "the descriptor has no 'awdids' section (attack, normal).")
        _check_keys(roles, _AWDIDS_KEYS, "awdids")
        for key in ("attack", "normal"):
            if key not in roles:
                _fail("awdids", f"missing {key!r}: the {_ROLE_WORDS[key]}.")
        self.attack_column = self._known(roles["attack"], "awdids.attack")
        self.normal_label = _name(roles["normal"], "awdids.normal")
        self.drop = tuple(
            self._known(n, "awdids.drop")
            for n in _names(roles.get("drop", []), "awdids.drop")
        )
        extra = _names(roles.get("labels", []), "awdids.labels")
        self.label_columns = (
            self.attack_column,
            *(self._known(n, "awdids.labels") for n in extra),
        )
        self._check_one_role_each()
        self.label_suffix = roles.get("labelSuffix", "")
        if not isinstance(self.label_suffix, str) or len(self.label_suffix) > 8:
            _fail(
                "awdids.labelSuffix",
                f"expected a short string, got {self.label_suffix!r}.",
            )
        self._read_features(roles)
        self._read_categories(roles.get("categories"))
        self._read_oversample(roles.get("oversample"))

    def _known(self, name, where):
        _name(name, where)
        if name not in self._fields:
            _fail(where, f"{name!r} is not a column of the schema's fields.")
        return name

    def _check_one_role_each(self):
        roles = [("drop", n) for n in self.drop]
        roles += [
            ("attack" if i == 0 else "labels", n)
            for i, n in enumerate(self.label_columns)
        ]
        seen = {}
        for role, column in roles:
            if column in seen:
                _fail(
                    "awdids",
                    f"column {column!r} is in two roles ({seen[column]} and {role}); "
                    "give each column one.",
                )
            seen[column] = role

    def _read_features(self, roles):
        not_features = {*self.drop, *self.label_columns}
        features = [f for f in self._fields.values() if f.name not in not_features]
        untyped = [f.name for f in features if f.type not in _FEATURE_TYPES]
        if untyped:
            _fail(
                "schema.fields",
                f"column(s) {untyped} have types awdids cannot use as features "
                f"({sorted({self._fields[n].type for n in untyped})}); list them in "
                "awdids.drop.",
            )
        if not features:
            _fail("schema.fields", "no feature columns are left after drop and labels.")
        attack = self._fields[self.attack_column]
        if attack.type != "string":
            _fail("awdids.attack", f"column {attack.name!r} must be a string field.")
        self.feature_names = tuple(f.name for f in features)
        kind = {f.name: _FEATURE_TYPES[f.type] for f in features}
        self.categorical_features = tuple(
            n for n in self.feature_names if kind[n] == "categorical"
        )
        self.numeric_features = tuple(
            n for n in self.feature_names if kind[n] == "numeric"
        )
        self.vocabulary = MappingProxyType(
            {n: self._fields[n].enum for n in self.categorical_features}
        )
        self.numeric_ranges = MappingProxyType(
            {
                n: (self._fields[n].minimum, self._fields[n].maximum)
                for n in self.numeric_features
                if (self._fields[n].minimum, self._fields[n].maximum)
                != (-math.inf, math.inf)
            }
        )
        self.max_categories = _count(
            roles.get("maxCategories", _DEFAULT_MAX_CATEGORIES), "awdids.maxCategories"
        )
        fill = roles.get("fillNumeric")
        self.fill_numeric = (
            None if fill is None else _number(fill, "awdids.fillNumeric")
        )
        fill = roles.get("fillCategorical")
        self.fill_categorical = (
            None if fill is None else _name(fill, "awdids.fillCategorical")
        )
        self.infinite = roles.get("infinite", "error")
        if self.infinite not in ("error", "missing"):
            _fail(
                "awdids.infinite",
                f"expected 'error' or 'missing', got {self.infinite!r}.",
            )
        if self.infinite == "missing" and self.fill_numeric is None:
            _fail(
                "awdids.infinite", "'missing' needs awdids.fillNumeric, the value used."
            )
        self.other = _names(roles.get("other", []), "awdids.other")
        stray = sorted(set(self.other) - set(self.categorical_features))
        if stray:
            _fail("awdids.other", f"{stray} are not categorical feature columns.")

    def _read_categories(self, categories):
        self._category_members = None
        if categories is None:
            self.categories = None
            return
        if not isinstance(categories, dict) or not categories:
            _fail("awdids.categories", f"expected a JSON object, got {categories!r}.")
        members, mapping = {}, {}
        for category, attacks in categories.items():
            _name(category, "awdids.categories")
            members[category] = _names(attacks, f"awdids.categories[{category!r}]")
            for attack in members[category]:
                key = attack.strip().lower()
                if key in mapping and mapping[key] != category:
                    _fail(
                        "awdids.categories",
                        f"attack {attack!r} is in two categories ({mapping[key]!r} "
                        f"and {category!r}).",
                    )
                mapping[key] = category
        if self.normal_label not in members:
            _fail(
                "awdids.categories",
                f"no category named awdids.normal ({self.normal_label!r}).",
            )
        self._category_members = members
        self.categories = MappingProxyType(mapping)

    def _read_oversample(self, oversample):
        self.oversample = None
        if oversample is None:
            return
        _check_keys(oversample, {"rows", "classes"}, "awdids.oversample")
        rows = _count(oversample.get("rows"), "awdids.oversample.rows")
        classes = _names(oversample.get("classes", []), "awdids.oversample.classes")
        if not classes:
            _fail("awdids.oversample.classes", "name at least one class.")
        if self.normal_label in classes:
            _fail("awdids.oversample.classes", "the normal class is not rare.")
        if self.categories is not None:
            unknown = sorted(set(classes) - set(self._category_members))
            if unknown:
                _fail(
                    "awdids.oversample.classes",
                    f"{unknown} are not among awdids.categories "
                    f"{sorted(self._category_members)}.",
                )
        self.oversample = {"rows": rows, "classes": list(classes)}

    @property
    def class_names(self):
        """The classes, normal first, when the schema names them (else None)."""
        if self._category_members is None:
            return None
        return (
            self.normal_label,
            *(c for c in self._category_members if c != self.normal_label),
        )

    @property
    def checked_vocabulary(self):
        """Categorical column -> categories, where a value outside them is news.

        Fixed vocabularies only, capped ones (:attr:`other`) left out: what
        ``awdids predict`` and ``reproduce`` count as values the model never saw.
        """
        return {
            column: categories
            for column, categories in self.vocabulary.items()
            if categories is not None and column not in self.other
        }

    @property
    def open_vocabulary(self):
        """Categorical columns whose categories the training rows decide."""
        return tuple(n for n, v in self.vocabulary.items() if v is None)

    def numeric_columns(self, columns):
        """The numeric fields among ``columns`` that a reader checks."""
        return [
            n
            for n in columns
            if n in self._fields
            and self._fields[n].type in ("number", "integer")
            and n not in self.drop
        ]

    def text_columns(self):
        """The string fields: read as text, never as numbers."""
        return [n for n, f in self._fields.items() if f.type == "string"]

    def to_dict(self):
        """The schema as a JSON-ready descriptor; ``DatasetSchema(d)`` rebuilds it."""
        roles = {"attack": self.attack_column, "normal": self.normal_label}
        if self.drop:
            roles["drop"] = list(self.drop)
        if len(self.label_columns) > 1:
            roles["labels"] = list(self.label_columns[1:])
        if self._category_members is not None:
            roles["categories"] = {
                c: list(m) for c, m in self._category_members.items()
            }
        if self.label_suffix:
            roles["labelSuffix"] = self.label_suffix
        if self.oversample is not None:
            roles["oversample"] = dict(self.oversample)
        if self.max_categories != _DEFAULT_MAX_CATEGORIES:
            roles["maxCategories"] = self.max_categories
        for key, value in (
            ("fillNumeric", self.fill_numeric),
            ("fillCategorical", self.fill_categorical),
        ):
            if value is not None:
                roles[key] = value
        if self.infinite != "error":
            roles["infinite"] = self.infinite
        if self.other:
            roles["other"] = list(self.other)
        table = {"fields": [f.to_dict() for f in self._fields.values()]}
        table["missingValues"] = list(self.missing_values)
        if self._primary_key is not None:
            table["primaryKey"] = self._primary_key
        descriptor = {"name": self.name, **self._extra, "encoding": self.encoding}
        if self.compression is not None:
            descriptor["compression"] = self.compression
        descriptor["dialect"] = {
            "delimiter": self.delimiter,
            "header": self.header,
            **self._dialect_extra,
        }
        descriptor.update(schema=table, awdids=roles)
        return descriptor

    def with_vocabulary(self, X):
        """A copy whose open categorical columns take their categories from ``X``.

        Each column keeps its :attr:`max_categories` most frequent values of
        the training rows ``X`` (ties broken by value), sorted; any other value
        encodes as all zeros, the one-hot layout's "other". A column that had
        more values is listed in :attr:`other`: its other values are expected,
        and not warned about.

        Parameters
        ----------
        X : DataFrame
            Training rows with the schema's categorical columns.

        Returns
        -------
        schema : DatasetSchema
        """
        descriptor = self.to_dict()
        for field in descriptor["schema"]["fields"]:
            if field["name"] in self.open_vocabulary:
                values = X[field["name"]]
                if self.fill_categorical is not None:
                    values = values.fillna(self.fill_categorical)
                counts = values.dropna().astype(str).value_counts()
                ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                kept = sorted(v for v, _ in ranked[: self.max_categories])
                field.setdefault("constraints", {})["enum"] = kept
                if len(ranked) > len(kept):
                    others = descriptor["awdids"].setdefault("other", [])
                    others.append(field["name"])
        return DatasetSchema(descriptor)

    def targets(self, attacks, *, unknown="raise"):
        """The class of each row from its attack column's values.

        Parameters
        ----------
        attacks : array-like of str
        unknown : "raise" or str, default="raise"
            With :attr:`categories`, the class given to an attack name outside
            them; ``"raise"`` refuses such names.

        Returns
        -------
        classes : ndarray of str
        """
        import numpy as np

        cleaned, inverse = self._cleaned_unique(attacks)
        if self.categories is None:
            return np.asarray(cleaned, dtype=object)[inverse].astype(str)
        # a class name stands for itself ('dos' in a file of categories)
        known = {c.lower(): c for c in self.class_names} | dict(self.categories)
        keys = [v.lower() for v in cleaned]
        missing = sorted({k for k in keys if k not in known})
        if missing and unknown == "raise":
            shown = missing[:20]
            raise ValueError(
                f"Unknown attack name(s) {shown}{' ...' if len(missing) > 20 else ''} "
                f"in column {self.attack_column!r}; the schema {self.name!r} maps "
                f"{len(self.categories)} names to {list(self.class_names)}."
            )
        mapped = np.array([known.get(k, unknown) for k in keys], dtype=object)
        return mapped[inverse].astype(str)

    def _cleaned_unique(self, attacks):
        """The distinct attack values, stripped and without the suffix, and the
        index of each row's value among them (one ``np.unique`` pass)."""
        import numpy as np

        values = np.asarray(attacks, dtype=object).ravel().astype(str)
        unique, inverse = np.unique(values, return_inverse=True)
        cleaned = [v.strip().removesuffix(self.label_suffix).strip() for v in unique]
        return cleaned, inverse

    def attack_types(self, attacks):
        """Each row's attack type: the attack column's value, cleaned, lower case.

        The groups :class:`~awdids.model_selection.NovelAttackKFold` deals to
        its folds.

        Examples
        --------
        >>> from awdids.datasets import get_schema
        >>> get_schema("kddcup99").attack_types(["Smurf.", " normal."]).tolist()
        ['smurf', 'normal']
        """
        import numpy as np

        cleaned, inverse = self._cleaned_unique(attacks)
        return np.array([v.lower() for v in cleaned], dtype=object)[inverse]

    def __eq__(self, other):
        return isinstance(other, DatasetSchema) and self.to_dict() == other.to_dict()

    def __hash__(self):
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def __repr__(self):
        return (
            f"DatasetSchema(name={self.name!r}, {len(self.feature_names)} features: "
            f"{len(self.categorical_features)} categorical, "
            f"{len(self.numeric_features)} numeric; attack={self.attack_column!r})"
        )


_ROLE_WORDS = {
    "attack": "column that names each row's attack or class",
    "normal": "label of normal traffic in that column",
}


def _names_or_empty(value, where):
    if not isinstance(value, list):
        _fail(where, f"expected a list of strings, got {value!r}.")
    for i, v in enumerate(value):
        if not isinstance(v, str) or len(v) > _MAX_NAME_CHARS:
            _fail(f"{where}[{i}]", f"expected a short string, got {v!r}.")
    return tuple(value)


def read_schema(path):
    """Read a schema file (JSON): a Frictionless descriptor with an awdids section.

    The file is parsed as JSON only (no code runs), at most
    :data:`MAX_SCHEMA_BYTES` are read, and every key is checked.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    schema : DatasetSchema

    Raises
    ------
    ValueError
        Not JSON, too large, or not a valid descriptor; the message starts with
        the file name and names the key.

    Examples
    --------
    >>> import json, os, tempfile
    >>> from awdids.datasets import get_schema, read_schema
    >>> path = os.path.join(tempfile.mkdtemp(), "unsw.json")
    >>> with open(path, "w") as file:
    ...     json.dump(get_schema("unsw-nb15").to_dict(), file)
    >>> read_schema(path) == get_schema("unsw-nb15")
    True
    """
    with open(path, "rb") as file:
        data = file.read(MAX_SCHEMA_BYTES + 1)
    if len(data) > MAX_SCHEMA_BYTES:
        raise ValueError(
            f"{path}: larger than {MAX_SCHEMA_BYTES:,} bytes; not a schema."
        )
    try:
        descriptor = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (
        UnicodeDecodeError,
        json.JSONDecodeError,
        ValueError,
        RecursionError,
    ) as error:
        raise ValueError(f"{path}: not a JSON schema file ({error}).") from None
    try:
        return DatasetSchema(descriptor)
    except ValueError as error:
        raise ValueError(f"{os.fspath(path)}: {error}") from None


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")
