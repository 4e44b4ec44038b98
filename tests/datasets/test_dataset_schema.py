"""DatasetSchema: descriptors read as data, refused key by key."""

import copy
import json

import numpy as np
import pandas as pd
import pytest

from awdids.datasets import (
    BUILTIN_SCHEMAS,
    CATEGORICAL_FEATURES,
    CATEGORY_VOCABULARY,
    FEATURE_NAMES,
    NUMERIC_RANGES,
    DatasetSchema,
    get_schema,
    read_schema,
)
from awdids.datasets._dataset_schema import MAX_SCHEMA_BYTES

TOY = {
    "name": "toy",
    "encoding": "utf-8-sig",
    "dialect": {"delimiter": ",", "header": True},
    "schema": {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "proto", "type": "string"},
            {"name": "bytes", "type": "number", "constraints": {"minimum": 0}},
            {"name": "attack", "type": "string"},
        ]
    },
    "awdids": {"attack": "attack", "normal": "benign", "drop": ["id"]},
}


def toy(**changes):
    descriptor = copy.deepcopy(TOY)
    for path, value in changes.items():
        *parents, key = path.split("__")
        node = descriptor
        for parent in parents:
            node = node[parent]
        node[key] = value
    return descriptor


def test_roles_follow_from_types_and_the_awdids_section():
    schema = DatasetSchema(TOY)
    assert schema.feature_names == ("proto", "bytes")
    assert schema.categorical_features == ("proto",)
    assert schema.numeric_features == ("bytes",)
    assert schema.label_columns == ("attack",) and schema.drop == ("id",)
    assert schema.numeric_ranges == {"bytes": (0.0, float("inf"))}
    assert schema.open_vocabulary == ("proto",)


@pytest.mark.parametrize("name", sorted(BUILTIN_SCHEMAS))
def test_every_builtin_schema_survives_a_json_round_trip(name, tmp_path):
    schema = get_schema(name)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(schema.to_dict()))
    again = read_schema(path)
    assert again == schema
    assert again.feature_names == schema.feature_names
    assert again.categories == schema.categories


def test_the_nsl_kdd_schema_states_the_facts_the_constants_state():
    schema = get_schema("nsl-kdd")
    assert schema.feature_names == FEATURE_NAMES
    assert schema.categorical_features == CATEGORICAL_FEATURES
    assert dict(schema.vocabulary) == CATEGORY_VOCABULARY
    assert dict(schema.numeric_ranges) == NUMERIC_RANGES
    assert schema.class_names == ("normal", "dos", "probe", "r2l", "u2r")
    assert schema.oversample == {"rows": 10_000, "classes": ["u2r", "r2l"]}


def test_unsw_nb15_rare_classes_are_the_four_smallest():
    schema = get_schema("unsw-nb15")
    assert set(schema.oversample["classes"]) == {
        "Worms",
        "Shellcode",
        "Backdoor",
        "Analysis",
    }
    assert schema.drop == ("id",) and schema.label_columns == ("attack_cat", "label")


def test_targets_strip_suffix_case_and_spaces():
    kdd = get_schema("kddcup99")
    assert kdd.targets(["smurf.", "normal.", " Guess_Passwd. "]).tolist() == [
        "dos",
        "normal",
        "r2l",
    ]
    assert kdd.attack_types(["smurf.", " Normal."]).tolist() == ["smurf", "normal"]
    unsw = get_schema("unsw-nb15")
    assert unsw.targets([" Fuzzers", "Backdoors", "normal"]).tolist() == [
        "Fuzzers",
        "Backdoor",
        "Normal",
    ]


def test_targets_name_an_unknown_attack_or_map_it():
    schema = get_schema("nsl-kdd")
    with pytest.raises(ValueError, match=r"Unknown attack name\(s\) \['zeroday'\]"):
        schema.targets(["normal", "zeroday"])
    assert schema.targets(["zeroday", "dos"], unknown="other").tolist() == [
        "other",
        "dos",
    ]


def test_without_categories_the_attack_column_is_the_class():
    schema = DatasetSchema(TOY)
    assert schema.class_names is None
    assert schema.targets([" benign", "scan "]).tolist() == ["benign", "scan"]


def test_with_vocabulary_keeps_the_most_frequent_values_sorted():
    schema = DatasetSchema(toy(awdids__maxCategories=2))
    X = pd.DataFrame({"proto": ["udp"] * 3 + ["tcp"] * 5 + ["icmp"], "bytes": 0})
    fixed = schema.with_vocabulary(X)
    assert fixed.vocabulary["proto"] == ("tcp", "udp")
    assert fixed.open_vocabulary == ()
    assert schema.open_vocabulary == ("proto",)  # the original is unchanged


@pytest.mark.parametrize(
    "descriptor, match",
    [
        (toy(colour="red"), r"schema: unknown key\(s\) \['colour'\]"),
        (toy(awdids__weight=1), r"awdids: unknown key\(s\) \['weight'\]"),
        (
            toy(schema__fields=[*TOY["schema"]["fields"], {"name": "x", "unit": "s"}]),
            r"schema.fields\[4\]: unknown key\(s\) \['unit'\]",
        ),
        (toy(awdids__attack="label"), r"awdids.attack: 'label' is not a column"),
        (toy(awdids={"normal": "benign"}), r"missing 'attack'"),
        (
            toy(awdids__drop=["id", "attack"]),
            r"column 'attack' is in two roles \(drop and attack\)",
        ),
        (
            toy(schema__fields=[*TOY["schema"]["fields"], {"name": "id"}]),
            r"column\(s\) \['id'\] are named twice",
        ),
        (
            toy(schema__fields=[{"name": "when", "type": "datetime"}]),
            r"'attack' is not a column",
        ),
        (
            toy(
                schema__fields=[
                    *TOY["schema"]["fields"],
                    {"name": "when", "type": "datetime"},
                ]
            ),
            r"\['when'\] have types awdids cannot use as features",
        ),
        (toy(dialect__delimiter=";;"), r"dialect.delimiter: expected one character"),
        (toy(dialect__quoteChar="'"), r"dialect: unknown key\(s\) \['quoteChar'\]"),
        (toy(dialect__skipInitialSpace=False), r"only true is honoured"),
        (toy(awdids__oversample={"rows": 0}), r"awdids.oversample.rows: expected"),
        (toy(awdids__infinite="missing"), r"'missing' needs awdids.fillNumeric"),
        (toy(schema__fields="proto"), r"schema.fields: expected a non-empty list"),
        (toy(title={"run": "code"}), r"title: expected a string, got dict"),
        ([1, 2], r"schema: expected a JSON object"),
    ],
)
def test_a_bad_descriptor_is_refused_naming_the_key(descriptor, match):
    with pytest.raises(ValueError, match=match):
        DatasetSchema(descriptor)


def test_read_schema_names_the_file_and_refuses_what_is_not_json(tmp_path):
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(toy(awdids__attack="nothing")))
    with pytest.raises(ValueError, match=r"schema.json: awdids.attack: 'nothing'"):
        read_schema(path)
    path.write_text("import os; os.system('touch pwned')")
    with pytest.raises(ValueError, match="not a JSON schema file"):
        read_schema(path)
    path.write_text('{"name": NaN}')
    with pytest.raises(ValueError, match="not a JSON schema file"):
        read_schema(path)
    assert not (tmp_path / "pwned").exists()


def test_read_schema_reads_a_bounded_prefix_of_a_huge_file(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as file:
        file.truncate(MAX_SCHEMA_BYTES * 64)  # sparse: no disk used
    with pytest.raises(ValueError, match="larger than"):
        read_schema(path)


def test_get_schema_refuses_what_is_neither_a_name_nor_a_file():
    with pytest.raises(ValueError, match=r"neither a built-in dataset"):
        get_schema("cic-ids2017")


def test_schemas_compare_and_hash_by_content():
    a, b = DatasetSchema(TOY), DatasetSchema(copy.deepcopy(TOY))
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != get_schema("nsl-kdd")
    assert np.all(a.targets(["benign"]) == ["benign"])


def test_a_header_the_dialect_promises_must_be_there(tmp_path):
    from awdids.datasets import load_flows

    path = tmp_path / "flows.csv"
    path.write_text("1,tcp,10,benign\n")
    with pytest.raises(ValueError, match=r"line 1: schema 'toy' expects a header"):
        load_flows(path, DatasetSchema(TOY))
    no_header = DatasetSchema(toy(dialect__header=False))
    assert load_flows(path, no_header).target.tolist() == ["benign"]
    path.write_text("id,proto,bytes,attack\n1,tcp,10,benign\n")
    assert load_flows(path, no_header).data.shape == (1, 2)  # an export's header
