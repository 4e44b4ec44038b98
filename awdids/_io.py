"""Files written whole or not at all, never replacing what is not a regular file."""

import json
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "atomic_path",
    "check_writable",
    "prepare_out_dir",
    "write_json_atomic",
    "write_text_atomic",
]


def _current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _new_file_mode(path):
    """An existing file's permission bits, else what ``open`` would give (umask)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_current_umask()


def _write_target(path):
    """Where ``path``'s bytes go, and whether to write through instead of replace.

    A symlink is followed (the link stays, its target is replaced); a FIFO or
    a character device (``/dev/null``, a terminal, ``/dev/stdout`` on a pipe)
    is written into, as shell redirection and ``cp`` do; a folder, socket or
    block device is refused. The kind is read through the link itself, as
    ``open`` follows it: ``/dev/stdout`` names a pipe that has no path.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:  # nothing there, or a dangling link: create it
        return Path(os.path.realpath(path)), False
    if stat.S_ISREG(mode):
        return Path(os.path.realpath(path)), False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return path, True
    kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
    raise ValueError(f"cannot write {path}: it is {kind}.")


@contextmanager
def atomic_path(path):
    """Yield a temporary path to write; on success its bytes reach ``path``.

    A regular file (or a new one) is replaced whole by a rename, so an error
    or an interrupted run never leaves half a file; it keeps an existing
    file's permission bits, and a new file gets those the umask allows. A
    symlink is followed. A FIFO or character device is written through once
    the bytes are complete. Anything else at ``path`` is refused with a
    ``ValueError`` before a temporary file is made. The temporary file is
    removed on every failure, ``KeyboardInterrupt`` and ``SystemExit``
    included (the command line turns SIGTERM into ``SystemExit``).
    """
    target, through = _write_target(path)
    folder = None if through else target.parent
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    mode = None if through else _new_file_mode(target)
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        yield Path(tmp)
        if through:
            with open(tmp, "rb") as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)
            os.unlink(tmp)
        else:
            os.chmod(tmp, mode)
            os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text_atomic(path, text):
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json_atomic(path, obj):
    """Write ``obj`` as indented JSON to ``path``, atomically."""
    write_text_atomic(path, json.dumps(obj, indent=2, sort_keys=False) + "\n")


def _probe_writable(folder):
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ValueError(f"cannot write in {folder}: {error.strerror}.") from None


def prepare_out_dir(out):
    """Create the output folder ``out``, and prove it writable, before any work.

    Refuses a path that is an existing file, and a folder this process cannot
    create files in (read-only, not permitted), so that a long run does not
    fail only when it saves.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out must be a folder, but {out} is an existing file.")
    out.mkdir(parents=True, exist_ok=True)
    _probe_writable(out)
    return out


def check_writable(path):
    """Refuse an output ``path`` the atomic writer could not write; create nothing.

    The nearest existing folder on the way to ``path`` must be a folder this
    process can create files in, so that a refused run leaves no folder behind.
    """
    target, through = _write_target(path)
    if through:
        return
    ancestor = Path(os.path.abspath(target.parent))
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ValueError(f"cannot write {path}: {ancestor} is not a folder.")
    _probe_writable(ancestor)
