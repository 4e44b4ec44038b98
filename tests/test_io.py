"""The atomic writer: whole files, kept modes, nothing replaced but a file."""

import contextlib
import os
import stat
import threading

import pytest

from awdids._io import atomic_path, write_text_atomic


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")
    os.chmod(path, 0o644)
    write_text_atomic(path, "new")
    assert path.read_text() == "new" and _mode(path) == 0o644


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600)])
def test_a_new_file_gets_the_mode_the_umask_allows(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        write_text_atomic(tmp_path / "new.md", "text")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.md") == expected


def test_a_symlink_is_followed_and_kept(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_text_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_fifo_reader_gets_the_bytes_and_the_fifo_stays(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_text_atomic(fifo, "a,b\n")
    reader.join(timeout=10)
    assert received == ["a,b\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert not list(tmp_path.glob(".pipe.*"))


def test_a_character_device_is_written_through_not_replaced(tmp_path):
    node = tmp_path / "null"
    try:  # the same device as /dev/null, made here so that a bug harms no machine
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    write_text_atomic(node, "discarded")
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_a_folder_is_refused_before_a_temporary_file_is_made(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    with pytest.raises(ValueError, match="it is a folder"):
        write_text_atomic(folder, "x")
    assert list(tmp_path.iterdir()) == [folder]


@pytest.mark.parametrize("error", [RuntimeError("boom"), SystemExit(143)])
def test_no_temporary_file_is_left_on_failure(tmp_path, error):
    path = tmp_path / "out.csv"
    with pytest.raises(type(error)), atomic_path(path) as tmp:
        tmp.write_text("half")
        raise error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_pipe_named_through_proc_is_written_through(tmp_path):
    # /dev/stdout when the output is piped: a link to a pipe that has no path
    read_end, write_end = os.pipe()
    try:
        write_text_atomic(f"/proc/self/fd/{write_end}", "a,b\n")
        os.close(write_end)
        with os.fdopen(read_end) as reader:
            assert reader.read() == "a,b\n"
    finally:
        with contextlib.suppress(OSError):
            os.close(write_end)
