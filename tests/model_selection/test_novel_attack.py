import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from awdids.model_selection import NovelAttackKFold


def make_labels():
    attack = np.array(
        ["normal"] * 30
        + ["back"] * 5
        + ["smurf"] * 6
        + ["teardrop"] * 4
        + ["land"] * 3
        + ["nmap"] * 4
        + ["satan"] * 5
        + ["perl"] * 2
    )
    category = {
        "normal": "normal",
        "back": "dos",
        "smurf": "dos",
        "teardrop": "dos",
        "land": "dos",
        "nmap": "probe",
        "satan": "probe",
        "perl": "u2r",
    }
    y = np.array([category[a] for a in attack])
    return y, attack


@pytest.mark.parametrize("shuffle", [False, True])
def test_every_row_is_tested_once_on_a_model_blind_to_its_attack_type(shuffle):
    y, attack = make_labels()
    X = np.zeros((len(y), 2))
    cv = NovelAttackKFold(
        n_splits=3, shuffle=shuffle, random_state=0 if shuffle else None
    )
    tested = np.zeros(len(y), dtype=int)
    for train, test in cv.split(X, y, groups=attack):
        assert len(np.intersect1d(train, test)) == 0
        assert len(train) + len(test) == len(y)
        unseen = set(attack[test]) - {"normal"}
        assert unseen.isdisjoint(attack[train])
        assert {"normal"} <= set(attack[test]) and {"normal"} <= set(attack[train])
        tested[test] += 1
    assert np.all(tested == 1)
    assert cv.get_n_splits() == 3


def test_types_are_dealt_round_robin_by_name_without_shuffle():
    y, attack = make_labels()
    folds = [
        set(attack[test]) - {"normal"}
        for _, test in NovelAttackKFold(n_splits=2).split(y, y, groups=attack)
    ]
    # dos sorted: back, land, smurf, teardrop; probe: nmap, satan; u2r: perl
    assert folds == [{"back", "smurf", "nmap", "perl"}, {"land", "teardrop", "satan"}]


def test_shuffle_is_seeded():
    y, attack = make_labels()

    def folds(seed):
        cv = NovelAttackKFold(n_splits=2, shuffle=True, random_state=seed)
        return [test.tolist() for _, test in cv.split(y, y, groups=attack)]

    assert folds(0) == folds(0)
    assert any(folds(0) != folds(seed) for seed in range(1, 6))


def test_works_as_the_cv_of_a_grid_search():
    y, attack = make_labels()
    rng = np.random.RandomState(0)
    X = rng.rand(len(y), 3) + (y == "normal")[:, None]
    search = GridSearchCV(
        LogisticRegression(max_iter=200),
        {"C": [0.1, 1.0]},
        cv=NovelAttackKFold(n_splits=2),
        scoring="accuracy",
    )
    search.fit(X, y, groups=attack)
    # the search scored exactly the folds the splitter gives for these groups
    folds = list(NovelAttackKFold(n_splits=2).split(X, y, groups=attack))
    for k, (train, test) in enumerate(folds):
        for i, C in enumerate([0.1, 1.0]):
            model = LogisticRegression(C=C, max_iter=200).fit(X[train], y[train])
            expected = model.score(X[test], y[test])
            assert search.cv_results_[f"split{k}_test_score"][i] == expected


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(groups=None), "needs y .* and groups"),
        (dict(y=None), "needs y .* and groups"),
        (dict(groups=["normal"] * 3), "inconsistent numbers of samples"),
    ],
)
def test_missing_or_mismatched_labels_are_refused(kwargs, match):
    y, attack = make_labels()
    args = dict(X=np.zeros((len(y), 1)), y=y, groups=attack) | kwargs
    with pytest.raises(ValueError, match=match):
        list(NovelAttackKFold().split(**args))


def test_an_attack_type_under_two_categories_is_refused():
    y, attack = make_labels()
    y[attack == "back"] = np.where(np.arange(5) < 2, "dos", "probe")
    with pytest.raises(ValueError, match=r"\['back'\] appear under several"):
        list(NovelAttackKFold().split(y, y, groups=attack))


def test_too_few_normal_rows_are_refused():
    y, attack = make_labels()
    keep = (y != "normal") | (np.arange(len(y)) < 2)
    with pytest.raises(ValueError, match="at least as many 'normal' rows, got 2"):
        list(NovelAttackKFold(n_splits=3).split(y[keep], y[keep], groups=attack[keep]))


@pytest.mark.parametrize("n_splits", [1, 2.5, "3"])
def test_bad_n_splits_is_refused(n_splits):
    with pytest.raises(ValueError, match="n_splits"):
        NovelAttackKFold(n_splits=n_splits)


def test_random_state_without_shuffle_is_refused_as_kfold_does():
    with pytest.raises(ValueError, match="random_state=0 has no effect"):
        NovelAttackKFold(random_state=0)
    assert NovelAttackKFold(shuffle=True, random_state=0).random_state == 0


def test_integer_labels_with_an_integer_normal_label():
    y, attack = make_labels()
    codes = {name: code for code, name in enumerate(np.unique(y))}
    y_int = np.array([codes[v] for v in y])
    by_name = list(NovelAttackKFold().split(y, y, groups=attack))
    by_code = list(
        NovelAttackKFold(normal_label=codes["normal"]).split(y, y_int, groups=attack)
    )
    for (train_a, test_a), (train_b, test_b) in zip(by_name, by_code):
        assert np.array_equal(test_a, test_b) and np.array_equal(train_a, train_b)


def test_groups_are_routed_to_split_when_metadata_routing_is_on():
    from sklearn import config_context
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_validate

    y, attack = make_labels()
    X = np.random.default_rng(0).normal(size=(len(y), 2))
    with config_context(enable_metadata_routing=True):
        scores = cross_validate(
            LogisticRegression(), X, y, cv=NovelAttackKFold(), params={"groups": attack}
        )
    assert len(scores["test_score"]) == 3
