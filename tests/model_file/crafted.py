"""Builders of hostile model files for the crafted-file tests.

Every payload, if it ran, would create the file ``sentinel``; the tests assert
that it never exists.
"""

import io
import json
import pickle
import zipfile
from pathlib import Path

import skops.io as sio
import torch
from safetensors.torch import save as save_tensors


class OpensSentinel:
    """Unpickling this object creates ``path`` (``open(path, "w")``)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def pickled_payload(sentinel):
    return pickle.dumps(OpensSentinel(sentinel))


def torch_saved_payload(sentinel):
    buffer = io.BytesIO()
    torch.save(OpensSentinel(sentinel), buffer)
    return buffer.getvalue()


def read_archive(path):
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_archive(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)


def replace_member(path, name, data):
    write_archive(path, [(n, data if n == name else d) for n, d in read_archive(path)])


def _skops_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _skops_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def skops_steps_calling(module, name, args):
    """steps.skops whose step is ``module.name(*args)``, as skops' reduce node."""
    members = _skops_members(sio.dumps([("step", tuple(args))]))
    schema = json.loads(members["schema.json"])
    step_pair = schema["content"][0]
    arguments = step_pair["content"][1]
    step_pair["content"][1] = {
        "__class__": name,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "content": arguments,
        "__id__": 1,
    }
    members["schema.json"] = json.dumps(schema).encode()
    return _skops_bytes(members)


def skops_steps_with_skorch_state(sentinel):
    """steps.skops holding a classifier whose skorch state carries a pickle.

    skorch's ``__setstate__`` unpickles ``__cuda_dependent_attributes__`` with
    an unrestricted unpickler; skops sees only ``builtins.bytes`` there.
    """
    from awdids import AWDConvLSTMClassifier

    members = _skops_members(sio.dumps([("step", AWDConvLSTMClassifier())]))
    schema = json.loads(members["schema.json"])
    state = schema["content"][0]["content"][1]["content"]["content"]
    node = state["__cuda_dependent_attributes__"]
    members[node["file"]] = pickled_payload(sentinel)
    return _skops_bytes(members)


def wrong_shape_weights(path):
    from safetensors.torch import load

    tensors = load(dict(read_archive(path))["weights.safetensors"])
    return save_tensors({name: torch.zeros(3, 3) for name in tensors})


def understate_size(path, name, declared):
    """Rewrite the central directory so ``name`` declares ``declared`` bytes.

    zipfile trusts the central directory's uncompressed size; a bomb that
    understates it must still cost no more than what it declares.
    """
    data = bytearray(Path(path).read_bytes())
    encoded = name.encode()
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = int.from_bytes(data[start + 28 : start + 30], "little")
        if data[start + 46 : start + 46 + name_length] == encoded:
            data[start + 24 : start + 28] = declared.to_bytes(4, "little")
            break
        start += 4
    Path(path).write_bytes(bytes(data))


def skops_last_step_calling(data, module, name, args):
    """``data`` (steps.skops) with its last step replaced by ``module.name(*args)``."""
    members = _skops_members(data)
    schema = json.loads(members["schema.json"])
    call = json.loads(
        _skops_members(skops_steps_calling(module, name, args))["schema.json"]
    )["content"][0]["content"][1]
    call["__id__"] = 10**6  # an id no other node uses
    schema["content"][-1]["content"][1] = call
    members["schema.json"] = json.dumps(schema).encode()
    return _skops_bytes(members)
