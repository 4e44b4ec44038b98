"""The zip container of a model file: exact members, safe names, bounded sizes."""

import posixpath
import zipfile

from ._errors import ModelFileError, refuse_names_other_than, refuse_on_failure

__all__ = ["MEMBER_LIMITS", "check_member_sizes", "read_members", "write_members"]

#: The members of a model file and the most bytes each may expand to. Reads are
#: bounded by these, whatever the archive's headers claim: a member that declares
#: more is refused before it is inflated, and one that inflates past what it
#: declares is cut off there.
MEMBER_LIMITS = {
    "manifest.json": 1 << 20,
    "steps.skops": 256 << 20,
    # the network is a few MB; an open-set knn reference of 80-column rows adds
    # 320 bytes a normal training row (67,343 rows in KDDTrain+: 21 MB)
    "weights.safetensors": 256 << 20,
}


def _check_name(path, name):
    normal = posixpath.normpath(name.replace("\\", "/"))
    if (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or normal == ".."
        or normal.startswith("../")
    ):
        raise ModelFileError(
            f"Refusing {path}: member name {name!r} points outside the archive."
        )


def _check_members(path, names):
    for name in names:
        _check_name(path, name)
    if len(names) != len(set(names)):
        raise ModelFileError(f"Refusing {path}: a member name appears twice.")
    refuse_names_other_than(
        f"{path} is not an awdids model file", names, MEMBER_LIMITS, "members"
    )


def _read_bounded(archive, path, name):
    """A member's bytes, allocating no more than it declares and its limit allow.

    A size declared past the limit is refused before anything is inflated, and
    zipfile stops inflating at the declared size (a member that inflates
    further then fails its CRC check), so a deflate bomb costs at most the
    limit, once, whatever its headers say.
    """
    limit = MEMBER_LIMITS[name]
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ModelFileError(
            f"Refusing {path}: member {name} declares {info.file_size:,} bytes, "
            f"past its limit of {limit:,} bytes."
        )
    with archive.open(info) as member:
        # one allocation of the declared size; zipfile never inflates past it
        # and checks the CRC there, so a member that would inflate further is
        # refused as damaged (BadZipFile, turned into ModelFileError by the caller)
        return member.read(info.file_size)


def read_members(path):
    """Return ``{name: bytes}`` of the model file at ``path``, or refuse it.

    Raises
    ------
    ModelFileError
        Not a zip archive, truncated or damaged (a CRC mismatch included), a
        member name that is absolute or climbs out with ``..``, a duplicate,
        unknown or missing member, or a member larger than its limit.
    """
    # Opening may fail as any OSError (no such file, a folder); past that, every
    # failure is the content's.
    damaged = f"{path} is not an awdids model file, or it is truncated or damaged"
    with open(path, "rb") as handle, refuse_on_failure(damaged):
        with zipfile.ZipFile(handle) as archive:
            _check_members(path, archive.namelist())
            return {name: _read_bounded(archive, path, name) for name in MEMBER_LIMITS}


def check_member_sizes(members):
    """Refuse, before writing, a member that :func:`read_members` would refuse."""
    for name, data in members.items():
        if len(data) > MEMBER_LIMITS[name]:
            raise ModelFileError(
                f"The model file's {name} would be {len(data):,} bytes, past the "
                f"{MEMBER_LIMITS[name]:,} a model file may hold (a schema with "
                "very long vocabularies? cap them with awdids.maxCategories)."
            )


def write_members(path, members):
    """Write ``{name: bytes}`` as a deflated zip archive to ``path``."""
    check_member_sizes(members)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
