"""Pipeline parameters from the command line: ``--set``, ``--param``, ``--params``."""

import json

__all__ = ["parse_assignments", "parse_value", "read_params_file", "split_values"]

#: A search result is a few kilobytes; a larger file is not one.
_MAX_PARAMS_BYTES = 1 << 20


def parse_value(text):
    """'0.2' -> 0.2, '80' -> 80, 'none' -> None, 'true' -> True, else the text.

    JSON is read as given, so strings and dict keys keep their case
    (``{"U2R": 5}``); only the words none, null, true and false are taken in
    any case.

    Examples
    --------
    >>> from awdids.cli._params import parse_value
    >>> parse_value("1e-3"), parse_value("None"), parse_value("gan")
    (0.001, None, 'gan')
    """
    stripped = text.strip()
    words = {"none": None, "null": None, "true": True, "false": False}
    if stripped.lower() in words:
        return words[stripped.lower()]
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        return stripped


def split_values(text):
    """Split on the commas outside brackets, braces and quotes.

    Examples
    --------
    >>> from awdids.cli._params import split_values
    >>> split_values("[64,32],[8,8]")
    ['[64,32]', '[8,8]']
    """
    parts, depth, quote, start = [], 0, None, 0
    for position, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{(":
            depth += 1
        elif char in "]})":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    if depth != 0 or quote:
        raise ValueError(f"unbalanced brackets or quotes in {text!r}.")
    return parts


def parse_assignments(items, *, many):
    """NAME=VALUE strings as a dict; with ``many``, each value a list.

    Examples
    --------
    >>> from awdids.cli._params import parse_assignments
    >>> parse_assignments(["clf__lr=1e-3,1e-4"], many=True)
    {'clf__lr': [0.001, 0.0001]}
    """
    parsed = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name.strip() or not values.strip():
            raise ValueError(f"expected NAME=VALUE[,VALUE...], got {item!r}.")
        if many:
            parsed[name.strip()] = [parse_value(v) for v in split_values(values)]
        else:
            parsed[name.strip()] = parse_value(values)
    return parsed


def _json_object(path):
    with open(path, "rb") as file:
        data = file.read(_MAX_PARAMS_BYTES + 1)
    if len(data) > _MAX_PARAMS_BYTES:
        raise ValueError(
            f"--params {path}: larger than {_MAX_PARAMS_BYTES:,} bytes; a "
            "search result is a few kilobytes."
        )
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"--params {path}: not a JSON file ({error}).") from None
    if not isinstance(obj, dict):
        raise ValueError(
            f"--params {path}: expected a JSON object, got {type(obj).__name__}."
        )
    return obj


def _checked_names(params, path):
    for name in params:
        if not name or not isinstance(name, str) or name.startswith("_"):
            raise ValueError(f"--params {path}: {name!r} is not a parameter name.")
    return params


def read_params_file(path, *, dataset):
    """The pipeline parameters of ``awdids search``'s ``search.json``.

    The search's best parameters and the ones it held fixed, which its score
    was measured with. A plain JSON object of ``step__param`` names is read
    as it is. The parameters are checked by the pipeline, before training.

    Parameters
    ----------
    path : path-like
        ``search.json`` as ``awdids search`` writes it, or a JSON object.
    dataset : str
        The schema name the command trains on; a search of another dataset's
        records is refused.

    Returns
    -------
    params : dict

    Examples
    --------
    >>> import json, os, tempfile
    >>> from awdids.cli._params import read_params_file
    >>> path = os.path.join(tempfile.mkdtemp(), "search.json")
    >>> with open(path, "w") as file:
    ...     json.dump({"best_params": {"clf__weight_drop": 0.2}, "dataset": "nsl-kdd",
    ...                "fixed": {"clf__max_epochs": 10}}, file)
    >>> read_params_file(path, dataset="nsl-kdd")
    {'clf__max_epochs': 10, 'clf__weight_drop': 0.2}
    """
    obj = _json_object(path)
    if "best_params" not in obj:
        return _checked_names(obj, path)
    searched = obj.get("dataset", dataset)
    if searched != dataset:
        raise ValueError(
            f"--params {path} is a search on {searched!r} records, not "
            f"{dataset!r}; search on the records you train on."
        )
    best, fixed = obj["best_params"], obj.get("fixed") or {}
    if not isinstance(best, dict) or not isinstance(fixed, dict):
        raise ValueError(
            f"--params {path}: 'best_params' and 'fixed' must be JSON objects."
        )
    return _checked_names({**fixed, **best}, path)
