"""Download of a file from a list of mirrors, with retries and a sha256 check."""

import contextlib
import hashlib
import http.client
import math
import numbers
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["download_file"]

_CHUNK = 1 << 16


def file_digest(path, algorithm="sha256"):
    """The hex digest of the file at ``path`` (``"sha256"`` or ``"md5"``)."""
    digest = hashlib.new(algorithm, usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _url_for(mirror, filename):
    return mirror.rstrip("/") + "/" + urllib.parse.quote(filename)


def _fetch_to(url, target_dir, filename, timeout):
    """Stream ``url`` into a temporary file in ``target_dir``; return its path."""
    handle, tmp_path = tempfile.mkstemp(
        dir=target_dir, prefix=f".{filename}.", suffix=".part"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                expected = response.headers.get("Content-Length")
                received = 0
                for block in iter(lambda: response.read(_CHUNK), b""):
                    out.write(block)
                    received += len(block)
        if expected is not None and received != int(expected):
            raise http.client.IncompleteRead(b"", int(expected) - received)
    except BaseException:
        os.unlink(tmp_path)
        raise
    return tmp_path


def _is_retryable(error):
    if isinstance(error, urllib.error.HTTPError):
        return error.code >= 500 or error.code == 429
    return isinstance(
        error, (urllib.error.URLError, http.client.HTTPException, TimeoutError, OSError)
    )


def check_retry_params(n_retries, delay):
    """Refuse a retry count or delay that is not a non-negative number."""
    if (
        not isinstance(n_retries, numbers.Integral)
        or isinstance(n_retries, bool)
        or n_retries < 0
    ):
        raise ValueError(f"n_retries must be a non-negative int, got {n_retries!r}.")
    if (
        not isinstance(delay, numbers.Real)
        or isinstance(delay, bool)
        or not math.isfinite(delay)
        or delay < 0
    ):
        raise ValueError(
            f"delay must be a non-negative number of seconds, got {delay!r}."
        )


def download_file(
    filename,
    target_dir,
    *,
    mirrors,
    sha256=None,
    md5=None,
    n_retries=3,
    delay=1.0,
    timeout=60,
):
    """Download ``filename`` into ``target_dir`` from the first mirror that works.

    Each mirror is tried up to ``1 + n_retries`` times for transient errors
    (connection errors, time-outs, truncated bodies, HTTP 5xx), once for others
    (HTTP 4xx, checksum mismatch). The file is written under a temporary name and
    renamed into place only once its checksum matches (``sha256``, or ``md5``
    where the publisher gives no other), so an interrupted or bad download never
    leaves a file under the final name.

    Returns
    -------
    path : str
        The path of the downloaded file.

    Raises
    ------
    OSError
        When no mirror delivered the file; the message names every URL tried and
        what went wrong with it (checksum mismatches give expected and got).
    """
    check_retry_params(n_retries, delay)
    if (sha256 is None) == (md5 is None):
        raise ValueError("download_file needs one checksum: sha256 or md5.")
    checksum = ("sha256", sha256) if md5 is None else ("md5", md5)
    created = _new_folders(target_dir)
    os.makedirs(target_dir, exist_ok=True)
    try:
        return _download_from_mirrors(
            filename, target_dir, mirrors, checksum, n_retries, delay, timeout
        )
    except BaseException:
        for folder in created:  # a mistyped data_home leaves nothing behind
            with contextlib.suppress(OSError):
                os.rmdir(folder)  # only if still empty
        raise


def _new_folders(path):
    """The folders ``os.makedirs(path)`` would create, deepest first."""
    missing, path = [], os.path.abspath(path)
    while not os.path.exists(path):
        missing.append(path)
        path = os.path.dirname(path)
    return missing


def _download_from_mirrors(
    filename, target_dir, mirrors, checksum, n_retries, delay, timeout
):
    algorithm, expected = checksum
    final_path = os.path.join(target_dir, filename)
    failures = []
    for mirror in mirrors:
        url = _url_for(mirror, filename)
        for attempt in range(n_retries + 1):
            try:
                tmp_path = _fetch_to(url, target_dir, filename, timeout)
            except Exception as error:  # noqa: BLE001 - reported below
                retry = _is_retryable(error) and attempt < n_retries
                if not retry:
                    failures.append(f"{url}: {error!r} after {attempt + 1} attempt(s)")
                    break
                time.sleep(delay)
                continue
            got = file_digest(tmp_path, algorithm)
            if got != expected:
                os.unlink(tmp_path)
                failures.append(
                    f"{url}: checksum mismatch for {filename}: expected {algorithm} "
                    f"{expected}, got {got} (the bad download was removed)"
                )
                break
            os.replace(tmp_path, final_path)
            return final_path
    raise OSError(
        f"Could not download {filename} into {target_dir}:\n  "
        + "\n  ".join(failures or ["no mirror was given"])
    )
