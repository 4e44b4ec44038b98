"""awdids.experiments._site and its tables: the site-calibrated protocol."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier

from awdids.experiments._figures import plot_site_calibration
from awdids.experiments._site import (
    CAPTURE_SHARES,
    CONTAMINATION,
    MAIN_CAPTURE,
    _flag,
    _seed_runs,
    captures,
    draw_rows,
    predict_at_each_rate,
    summarise_site,
)
from awdids.experiments._site_report import (
    site_capture_table,
    site_contamination_table,
    site_main_table,
    site_sentences,
)

Y = np.array(["normal"] * 2000 + ["dos"] * 600)


def test_capture_and_attack_pools_are_never_scored():
    normal, attack, scored = draw_rows(Y, "normal", seed=0)
    assert len(normal) == 200 and len(attack) == 5  # 10%; 5% of the 5% capture
    assert (Y[normal] == "normal").all() and (Y[attack] == "dos").all()
    assert not np.intersect1d(scored, np.concatenate([normal, attack])).size
    assert len(scored) == len(Y) - 205
    again = draw_rows(Y, "normal", seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(again, (normal, attack, scored)))
    assert not np.array_equal(draw_rows(Y, "normal", seed=1)[0], normal)


def test_scored_rows_beyond_the_limit_are_a_stratified_sample():
    _, _, scored = draw_rows(Y, "normal", seed=0, most_scored=1000)
    assert abs(len(scored) - 1000) <= 2
    share = np.mean(Y[scored] == "dos")
    assert abs(share - 595 / 2395) < 0.01


def test_captures_are_nested_and_contaminated_ones_keep_their_size():
    normal, attack, _ = draw_rows(Y, "normal", seed=0)
    drawn = captures(normal, attack, 2000)
    sizes = [len(drawn[(share, 0.0)]) for share in CAPTURE_SHARES]
    assert sizes == [20, 40, 100, 200]
    for small, large in zip(CAPTURE_SHARES, CAPTURE_SHARES[1:]):
        assert set(drawn[(small, 0.0)]) <= set(drawn[(large, 0.0)])
    for contamination in CONTAMINATION[1:]:
        rows = drawn[(MAIN_CAPTURE, contamination)]
        assert len(rows) == 100
        assert np.sum(Y[rows] == "dos") == round(contamination * 100)


def _data(seed=0):
    """Training normal rows at 0, test normal rows shifted, a novel attack type."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    X_train = np.vstack([rng.normal(0, 1, (600, 2)), rng.normal((6, 0), 1, (300, 2))])
    y_train = np.array(["normal"] * 600 + ["dos"] * 300)
    X_test = np.vstack(
        [
            rng.normal((0, -2.5), 1, (2000, 2)),
            rng.normal((6, 0), 1, (300, 2)),
            rng.normal((-8, -8), 0.5, (300, 2)),
        ]
    )
    y_test = np.array(["normal"] * 2000 + ["dos"] * 600)
    attack = np.array(["normal"] * 2000 + ["neptune"] * 300 + ["apache2"] * 300)

    class Schema:
        normal_label = "normal"
        class_names = ("normal", "dos")

    return {
        "schema": Schema(),
        "X_train": pd.DataFrame(X_train),
        "y_train": y_train,
        "X_test": pd.DataFrame(X_test),
        "y_test": y_test,
        "attack_test": attack,
        "seen_attacks": ["neptune"],
    }


@pytest.fixture(scope="module")
def site():
    data = _data()
    forest = RandomForestClassifier(n_estimators=20, random_state=0)
    forest.fit(data["X_train"], data["y_train"])
    records = []
    for seed in (0, 1):
        runs, rows = _seed_runs(data, {"flag": forest}, seed, log=lambda _: None)
        records.append({"runs": runs, "rows": rows})
    return summarise_site(records)


def _entry(site, rate, protocol, share=None, contamination=None):
    return next(
        e
        for e in site["evaluations"]
        if (e["rate"], e["protocol"], e["capture_share"], e["contamination"])
        == (rate, protocol, share, contamination)
    )


def test_calibrating_on_the_capture_keeps_the_promise_the_training_one_breaks(site):
    standard = _entry(site, 0.05, "standard")
    calibrated = _entry(site, 0.05, "site", MAIN_CAPTURE, 0.0)
    assert standard["reached"]["mean"] > 0.3  # the test traffic is shifted
    assert 0.02 < calibrated["reached"]["mean"] < 0.1
    assert calibrated["novel_detected"]["mean"] > 0.95
    assert len(calibrated["reached"]["values"]) == 2  # one per seed


def test_a_capture_too_small_for_the_rate_is_reported_refused(site):
    refused = _entry(site, 0.01, "site", 0.01, 0.0)  # 20 rows for a 1% promise
    assert "cannot be reached with 20 capture rows" in refused["refused"]
    assert "reached" not in refused


def test_the_tables_and_sentences_read_the_summary(site):
    columns, rows = site_main_table(site)
    assert columns[:3] == ["flag", "promise", "protocol"]
    assert len(rows) == 4  # two rates, two protocols
    assert rows[1][2] == "site, 5% capture" and "±" in rows[1][3]
    _, by_size = site_capture_table(site, "flag")
    assert [row[0] for row in by_size][0] == "1% of test normal rows"
    assert "refused" in by_size[0]
    _, by_contamination = site_contamination_table(site, "flag")
    assert [row[0] for row in by_contamination] == ["0%", "1%", "5%"]
    said = " ".join(site_sentences(site))
    assert "Scored on" in said and "Refused by calibrate" in said


def test_the_figure_is_drawn(site, tmp_path):
    plot_site_calibration(site, tmp_path / "site.png")
    assert (tmp_path / "site.png").stat().st_size > 10_000


def test_one_scoring_gives_each_rate_its_own_predictions_and_scores():
    data = _data()
    forest = RandomForestClassifier(n_estimators=20, random_state=0)
    forest.fit(data["X_train"], data["y_train"])
    detectors = {
        rate: _flag(forest, rate, "normal", seed=0).fit(
            data["X_train"], data["y_train"]
        )
        for rate in (0.01, 0.2)
    }
    X = data["X_test"]
    called_normal = forest.predict(X) == "normal"
    for capture in (None, X.iloc[:400]):
        if capture is not None:
            for detector in detectors.values():
                detector.calibrate(capture)
        shared = predict_at_each_rate(detectors, X, called_normal)
        moved = 0
        for rate, detector in detectors.items():
            y_pred, scores = detector.predict_with_scores(X)
            assert np.array_equal(shared[rate][0], y_pred)
            assert np.array_equal(shared[rate][1], scores)
            moved += np.sum(y_pred != shared[0.01][0])
        assert moved > 0  # the rates differ on some rows, which were predicted again
