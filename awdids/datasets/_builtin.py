"""The built-in dataset schemas: NSL-KDD, KDD Cup 99 and UNSW-NB15."""

import os

from ._dataset_schema import DatasetSchema, read_schema
from ._schema import CATEGORICAL_FEATURES, CATEGORY_VOCABULARY, FEATURE_NAMES
from ._taxonomy import _CATEGORY_MEMBERS

__all__ = ["BUILTIN_SCHEMAS", "get_schema"]

#: The paper's recipe (Table 5): 10,000 synthetic rows for each of U2R and R2L.
_PAPER_OVERSAMPLE = {"rows": 10_000, "classes": ["u2r", "r2l"]}


def _kdd_feature(name, *, fixed_vocabulary):
    if name in CATEGORICAL_FEATURES:
        field = {"name": name, "type": "string"}
        if fixed_vocabulary:
            field["constraints"] = {"enum": list(CATEGORY_VOCABULARY[name])}
        return field
    maximum = {"maximum": 1.0} if name.endswith("_rate") else {}
    return {"name": name, "type": "number", "constraints": {"minimum": 0.0, **maximum}}


def _kdd_descriptor(name, title, *, fixed_vocabulary, labels):
    fields = [_kdd_feature(n, fixed_vocabulary=fixed_vocabulary) for n in FEATURE_NAMES]
    fields.append({"name": "attack", "type": "string"})
    fields += [{"name": n, "type": "integer"} for n in labels]
    return {
        "name": name,
        "title": title,
        "dialect": {"delimiter": ",", "header": False},
        "schema": {"fields": fields, "missingValues": [""]},
        "awdids": {
            "attack": "attack",
            "normal": "normal",
            "labels": list(labels),
            "categories": {c: list(m) for c, m in _CATEGORY_MEMBERS.items()},
            "oversample": dict(_PAPER_OVERSAMPLE),
        },
    }


def _nsl_kdd():
    # The vocabulary is fixed from KDDTrain+ and KDDTest+ (3 + 70 + 11), as the
    # preprocessor has always had it, so that every file shares one layout.
    return DatasetSchema(
        _kdd_descriptor(
            "nsl-kdd", "NSL-KDD", fixed_vocabulary=True, labels=["difficulty"]
        )
    )


def _kddcup99():
    descriptor = _kdd_descriptor(
        "kddcup99", "KDD Cup 1999", fixed_vocabulary=False, labels=[]
    )
    descriptor["awdids"]["labelSuffix"] = "."  # 'normal.', 'smurf.'
    descriptor["awdids"]["maxCategories"] = 80  # 66 services in the 10% file
    return DatasetSchema(descriptor)


_UNSW_TEXT = ("proto", "service", "state")
_UNSW_REAL = {"dur", "rate", "sload", "dload", "sinpkt", "dinpkt", "sjit", "djit"}
_UNSW_REAL |= {"tcprtt", "synack", "ackdat"}
_UNSW_COLUMNS = """
id dur proto service state spkts dpkts sbytes dbytes rate sttl dttl sload dload
sloss dloss sinpkt dinpkt sjit djit swin stcpb dtcpb dwin tcprtt synack ackdat
smean dmean trans_depth response_body_len ct_srv_src ct_state_ttl ct_dst_ltm
ct_src_dport_ltm ct_dst_sport_ltm ct_dst_src_ltm is_ftp_login ct_ftp_cmd
ct_flw_http_mthd ct_src_ltm ct_srv_dst is_sm_ips_ports attack_cat label
""".split()
_UNSW_CLASSES = (
    "Normal",
    "Generic",
    "Exploits",
    "Fuzzers",
    "DoS",
    "Reconnaissance",
    "Analysis",
    "Backdoor",
    "Shellcode",
    "Worms",
)


def _unsw_field(name):
    if name in _UNSW_TEXT or name == "attack_cat":
        return {"name": name, "type": "string"}
    kind = "number" if name in _UNSW_REAL else "integer"
    return {"name": name, "type": kind, "constraints": {"minimum": 0.0}}


def _unsw_nb15():
    return DatasetSchema(
        {
            "name": "unsw-nb15",
            "title": "UNSW-NB15 (training and testing partitions)",
            "encoding": "utf-8-sig",
            "dialect": {"delimiter": ",", "header": True},
            "schema": {
                "fields": [_unsw_field(n) for n in _UNSW_COLUMNS],
                "missingValues": [""],
            },
            "awdids": {
                "attack": "attack_cat",
                "normal": "Normal",
                "drop": ["id"],
                "labels": ["label"],
                # 'Backdoors' is how some copies spell the class
                "categories": {
                    c: [c, "Backdoors"] if c == "Backdoor" else [c]
                    for c in _UNSW_CLASSES
                },
                # not the paper's: 2,000 rows for each of the four rarest
                # classes (44 to 677 rows in the testing partition)
                "oversample": {
                    "rows": 2_000,
                    "classes": ["Worms", "Shellcode", "Backdoor", "Analysis"],
                },
                "maxCategories": 32,  # proto has 131 values, most of them rare
            },
        }
    )


#: Name -> built-in :class:`DatasetSchema`.
BUILTIN_SCHEMAS = {
    "nsl-kdd": _nsl_kdd(),
    "kddcup99": _kddcup99(),
    "unsw-nb15": _unsw_nb15(),
}


def get_schema(schema="nsl-kdd"):
    """A :class:`DatasetSchema` from a built-in name, a schema file or a schema.

    Parameters
    ----------
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        ``"nsl-kdd"``, ``"kddcup99"``, ``"unsw-nb15"``, the path of a JSON
        schema file (:func:`read_schema`), or a schema, returned as it is.

    Returns
    -------
    schema : DatasetSchema

    Examples
    --------
    >>> from awdids.datasets import get_schema
    >>> unsw = get_schema("unsw-nb15")
    >>> len(unsw.feature_names), unsw.categorical_features, unsw.normal_label
    (42, ('proto', 'service', 'state'), 'Normal')
    """
    if isinstance(schema, DatasetSchema):
        return schema
    if isinstance(schema, str) and schema in BUILTIN_SCHEMAS:
        return BUILTIN_SCHEMAS[schema]
    if isinstance(schema, (str, os.PathLike)) and os.path.isfile(schema):
        return read_schema(schema)
    raise ValueError(
        f"schema={schema!r} is neither a built-in dataset {sorted(BUILTIN_SCHEMAS)} "
        "nor a schema file."
    )
