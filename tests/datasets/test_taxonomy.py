import pytest

from awdids.datasets import ATTACK_CATEGORIES, CATEGORY_NAMES, attack_to_category


def test_every_category_is_one_of_the_five():
    assert set(ATTACK_CATEGORIES.values()) == set(CATEGORY_NAMES)


def test_mapping_is_read_only():
    with pytest.raises(TypeError):
        ATTACK_CATEGORIES["zeroday"] = "u2r"


def test_paper_choices_for_ambiguous_attacks():
    assert ATTACK_CATEGORIES["httptunnel"] == "u2r"
    assert ATTACK_CATEGORIES["worm"] == "r2l"


def test_case_and_space_are_ignored():
    assert attack_to_category([" Neptune", "NORMAL "]).tolist() == ["dos", "normal"]


def test_unknown_attack_raises_naming_it():
    with pytest.raises(ValueError, match="zeroday"):
        attack_to_category(["normal", "zeroday"])


def test_unknown_attack_goes_to_callers_category():
    out = attack_to_category(["zeroday", "smurf"], unknown="unknown")
    assert out.tolist() == ["unknown", "dos"]


def test_unknown_must_be_a_string():
    with pytest.raises(TypeError, match="unknown"):
        attack_to_category(["normal"], unknown=None)
