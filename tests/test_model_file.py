import fractions
import zipfile

import numpy as np
import pytest
import skops.io as sio

from awdids import load_model, make_awdids_pipeline, save_model

TINY = dict(
    oversample__sampling_strategy={"u2r": 20},
    oversample__generator_hidden=(8,),
    oversample__critic_hidden=(8,),
    oversample__epochs=1,
    oversample__steps_per_epoch=1,
    pca__n_components=8,
    clf__hidden_channels=2,
    clf__num_layers=1,
    clf__head_hidden=(8, 8),
    clf__max_epochs=2,
    clf__validation_fraction=None,
)


@pytest.fixture
def fitted(nsl_kdd_like_data):
    X, y = nsl_kdd_like_data
    return make_awdids_pipeline(random_state=0, **TINY).fit(X, y), X


def test_round_trip_keeps_predictions(fitted, tmp_path):
    pipeline, X = fitted
    path = tmp_path / "model.awdids"
    save_model(pipeline, path)
    restored = load_model(path)
    np.testing.assert_array_equal(restored.predict_proba(X), pipeline.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), pipeline.predict(X))
    assert [p for p in tmp_path.iterdir()] == [path]


def test_truncated_file_is_refused(fitted, tmp_path):
    pipeline, _ = fitted
    path = tmp_path / "model.awdids"
    save_model(pipeline, path)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ValueError, match="not an awdids model file|damaged"):
        load_model(path)


def test_foreign_types_are_refused(tmp_path):
    path = tmp_path / "evil.awdids"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pipeline.skops", sio.dumps([fractions.Fraction(1, 3)]))
        archive.writestr("classifier_weights.pt", b"")
    with pytest.raises(ValueError, match="fractions.Fraction"):
        load_model(path)


def test_other_files_are_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(ValueError, match="not an awdids model file"):
        load_model(path)
