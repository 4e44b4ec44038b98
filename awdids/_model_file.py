"""Saving and loading fitted pipelines without unpickling untrusted code.

A model file is a zip archive with two members:

- ``pipeline.skops``: the fitted pipeline in skops' format, with the torch
  network of the classifier taken out and the over-sampling step (used only in
  ``fit``) replaced by ``"passthrough"``;
- ``classifier_weights.pt``: the network's ``state_dict``, read back with
  ``torch.load(weights_only=True)``, which builds tensors and nothing else.

Loading lists the types the skops part would create and refuses the file when
any of them is outside what awdids itself writes, so opening a model received
from someone else cannot run arbitrary code.
"""

import copy
import io
import zipfile

import skops.io as sio
import torch

from ._io import atomic_path

__all__ = ["save_model", "load_model"]

_PIPELINE, _WEIGHTS = "pipeline.skops", "classifier_weights.pt"
_TRAINING_ONLY = (
    "criterion_",
    "optimizer_",
    "callbacks_",
    "_init_rng_",
    "_train_rng_",
    "_shuffle_rng_",
    "_loss_weight_",
    "_grad_scaler_",
)
_TRUSTED_PREFIXES = ("awdids.", "sklearn.", "imblearn.", "numpy.", "builtins.")
_TRUSTED_TYPES = {
    "functools.partial",
    "skorch.dataset.Dataset",
    "skorch.dataset.ValidSplit",
    "skorch.history.History",
    "skorch.setter.optimizer_setter",
    "torch.nn.modules.loss.CrossEntropyLoss",
    "torch.optim.adam.Adam",
    "torch.utils.data.dataloader.DataLoader",
}


def _is_trusted(type_name):
    return type_name in _TRUSTED_TYPES or type_name.startswith(_TRUSTED_PREFIXES)


def _classifier_of(pipeline):
    return pipeline.steps[-1][1]


def save_model(pipeline, path):
    """Write a fitted awdids pipeline to ``path`` (written whole or not at all).

    Parameters
    ----------
    pipeline : imblearn.pipeline.Pipeline
        Fitted, ending in an :class:`~awdids.AWDConvLSTMClassifier`.
    path : str or path-like
        File to write; replaced whole if it exists.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from awdids import AWDConvLSTMClassifier, load_model, save_model
    >>> X = np.random.RandomState(0).rand(40, 4).astype(np.float32)
    >>> y = np.array(["normal", "dos"] * 20)
    >>> clf = AWDConvLSTMClassifier(hidden_channels=2, num_layers=1, max_epochs=1,
    ...                             random_state=0)
    >>> pipe = make_pipeline(StandardScaler(), clf).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.awdids")
    >>> save_model(pipe, path)
    >>> bool((load_model(path).predict(X) == pipe.predict(X)).all())
    True
    """
    exported = copy.deepcopy(pipeline)
    exported.steps = [
        (name, "passthrough" if hasattr(step, "fit_resample") else step)
        for name, step in exported.steps
    ]
    classifier = _classifier_of(exported)
    weights = io.BytesIO()
    torch.save(classifier.module_.state_dict(), weights)
    for name in ("module_", *_TRAINING_ONLY):
        classifier.__dict__.pop(name, None)
    classifier.__dict__["device_"] = "cpu"
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_PIPELINE, sio.dumps(exported))
            archive.writestr(_WEIGHTS, weights.getvalue())


def _read_members(path):
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if names != {_PIPELINE, _WEIGHTS}:
                raise ValueError(
                    f"{path} is not an awdids model file (members {sorted(names)})."
                )
            return archive.read(_PIPELINE), archive.read(_WEIGHTS)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ValueError(
            f"{path} is not an awdids model file, or it is truncated or damaged "
            f"({error})."
        ) from None


def load_model(path, *, device="cpu"):
    """Read a model written by :func:`save_model`, refusing unknown types.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model` (or ``awdids train``).
    device : str, default="cpu"
        Where the network runs.

    Returns
    -------
    pipeline : imblearn.pipeline.Pipeline
        Ready to ``predict``.

    Raises
    ------
    ValueError
        The file is not an awdids model, is damaged, or would create types
        awdids does not write (they are listed).

    Examples
    --------
    >>> import os, tempfile
    >>> from awdids import load_model
    >>> path = os.path.join(tempfile.mkdtemp(), "not-a-model.awdids")
    >>> with open(path, "w") as file:
    ...     _ = file.write("hello")
    >>> load_model(path)
    Traceback (most recent call last):
    ...
    ValueError: ... is not an awdids model file, or it is truncated or damaged ...

    :func:`save_model` shows a round trip.
    """
    pipeline_bytes, weight_bytes = _read_members(path)
    try:
        untrusted = sio.get_untrusted_types(data=pipeline_bytes)
    except Exception as error:  # noqa: BLE001 - any parse failure means damage
        raise ValueError(f"{path}: the pipeline part is damaged ({error}).") from None
    refused = sorted(t for t in untrusted if not _is_trusted(t))
    if refused:
        raise ValueError(
            f"Refusing to load {path}: it would create types that awdids does "
            f"not write: {refused}."
        )
    try:
        pipeline = sio.loads(pipeline_bytes, trusted=untrusted)
        state = torch.load(
            io.BytesIO(weight_bytes), map_location=device, weights_only=True
        )
    except Exception as error:  # noqa: BLE001
        raise ValueError(f"{path}: the model could not be read ({error}).") from None
    try:
        _classifier_of(pipeline).restore_network(state, device)
    except (RuntimeError, KeyError, TypeError) as error:
        raise ValueError(
            f"{path}: the weights do not fit the network it describes; the file "
            f"was altered or damaged ({error})."
        ) from None
    return pipeline
