import fractions
import zipfile

import numpy as np
import pytest
import skops.io as sio

from awdids import load_model, make_awdids_pipeline, save_model


@pytest.fixture
def fitted(tiny_pipeline_params, nsl_kdd_like_data):
    X, y = nsl_kdd_like_data
    return make_awdids_pipeline(random_state=0, **tiny_pipeline_params).fit(X, y), X


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


def _rewrite_member(path, name, data):
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members[name] = data
    with zipfile.ZipFile(path, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)


def _torch_bytes(obj):
    import io

    import torch

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


class _RunsCode:
    def __reduce__(self):
        return (print, ("this must never run",))


@pytest.mark.parametrize(
    "tamper, match",
    [
        ("flip_bytes", "truncated or damaged|could not be read"),
        ("wrong_shapes", "weights do not fit"),
        ("pickled_code", "could not be read"),
    ],
)
def test_tampered_file_is_refused(fitted, tmp_path, tamper, match, capsys):
    import torch

    pipeline, _ = fitted
    path = tmp_path / "model.awdids"
    save_model(pipeline, path)
    if tamper == "flip_bytes":
        data = bytearray(path.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 64] = bytes(255 - b for b in data[middle : middle + 64])
        path.write_bytes(bytes(data))
    elif tamper == "wrong_shapes":
        state = pipeline.steps[-1][1].module_.state_dict()
        state = {k: torch.zeros(3, 3) for k in state}
        _rewrite_member(path, "classifier_weights.pt", _torch_bytes(state))
    else:
        _rewrite_member(path, "classifier_weights.pt", _torch_bytes(_RunsCode()))
    with pytest.raises(ValueError, match=match):
        load_model(path)
    assert "this must never run" not in capsys.readouterr().out
