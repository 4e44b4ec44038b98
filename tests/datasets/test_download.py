"""The download path against a real HTTP server on 127.0.0.1."""

import hashlib
import http.server
import subprocess
import sys
import threading
import time

import pytest

from awdids.datasets import SUBSETS, fetch_nsl_kdd
from awdids.datasets._download import download_file

from .test_nsl_kdd import GOOD_LINE

BODY = (GOOD_LINE + "\n").encode() * 3


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {}  # path -> list of responses, consumed in order, last one repeats
    hits = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        responses = self.routes.get(self.path, [("status", 404)])
        kind, value = responses[0] if len(responses) == 1 else responses.pop(0)
        if kind == "status":
            self.send_response(value)
            self.end_headers()
        elif kind == "body":
            self.send_response(200)
            self.send_header("Content-Length", str(len(value)))
            self.end_headers()
            self.wfile.write(value)
        elif kind == "slow":  # the body in ten pieces, 50 ms apart
            self.send_response(200)
            self.send_header("Content-Length", str(len(value)))
            self.end_headers()
            step = -(-len(value) // 10)
            for start in range(0, len(value), step):
                self.wfile.write(value[start : start + step])
                self.wfile.flush()
                time.sleep(0.05)
        elif kind == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(value)))
            self.end_headers()
            self.wfile.write(value[: len(value) // 2])
            self.wfile.flush()
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.routes, _Handler.hits = {}, {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_success_writes_file_under_original_name(server, tmp_path):
    _, url = server
    _Handler.routes["/KDDTrain%2B.txt"] = [("body", BODY)]
    path = download_file(
        "KDDTrain+.txt", tmp_path, mirrors=[url], sha256=sha(BODY), delay=0
    )
    assert leftovers(tmp_path) == ["KDDTrain+.txt"]
    assert (tmp_path / "KDDTrain+.txt").read_bytes() == BODY
    assert str(path).endswith("KDDTrain+.txt")


def test_fetch_downloads_missing_subset_with_its_checksum(
    server, tmp_path, monkeypatch
):
    _, url = server
    _Handler.routes["/KDDTest-21.txt"] = [("body", BODY)]
    monkeypatch.setitem(SUBSETS, "test-21", ("KDDTest-21.txt", sha(BODY)))
    bunch = fetch_nsl_kdd("test-21", data_home=tmp_path, mirrors=url, delay=0)
    assert bunch.data.shape == (3, 41)


def test_mirrors_from_environment(server, tmp_path, monkeypatch):
    _, url = server
    _Handler.routes["/KDDTest-21.txt"] = [("body", BODY)]
    monkeypatch.setitem(SUBSETS, "test-21", ("KDDTest-21.txt", sha(BODY)))
    monkeypatch.setenv("AWDIDS_MIRRORS", f"{url}missing/ {url}")
    fetch_nsl_kdd("test-21", data_home=tmp_path, delay=0)
    assert _Handler.hits["/missing/KDDTest-21.txt"] == 1


def test_checksum_mismatch_names_file_expected_and_got(server, tmp_path):
    _, url = server
    _Handler.routes["/KDDTest%2B.txt"] = [("body", BODY)]
    with pytest.raises(OSError, match="checksum mismatch") as info:
        download_file("KDDTest+.txt", tmp_path, mirrors=[url], sha256="0" * 64, delay=0)
    assert "0" * 64 in str(info.value) and sha(BODY) in str(info.value)
    assert "KDDTest+.txt" in str(info.value)
    assert leftovers(tmp_path) == []


def test_truncated_body_is_retried_then_reported(server, tmp_path):
    _, url = server
    _Handler.routes["/KDDTest%2B.txt"] = [("truncated", BODY)]
    with pytest.raises(OSError, match=r"KDDTest%2B\.txt.*after 3 attempt") as info:
        download_file(
            "KDDTest+.txt",
            tmp_path,
            mirrors=[url],
            sha256=sha(BODY),
            n_retries=2,
            delay=0,
        )
    assert url in str(info.value)
    assert _Handler.hits["/KDDTest%2B.txt"] == 3
    assert leftovers(tmp_path) == []


def test_404_is_not_retried_and_names_the_url(server, tmp_path):
    _, url = server
    with pytest.raises(OSError, match="404") as info:
        download_file(
            "KDDTest+.txt", tmp_path, mirrors=[url], sha256=sha(BODY), delay=0
        )
    assert f"{url}KDDTest%2B.txt" in str(info.value)
    assert _Handler.hits["/KDDTest%2B.txt"] == 1


def test_retry_then_success(server, tmp_path):
    _, url = server
    _Handler.routes["/KDDTest%2B.txt"] = [
        ("status", 503),
        ("status", 500),
        ("body", BODY),
    ]
    download_file("KDDTest+.txt", tmp_path, mirrors=[url], sha256=sha(BODY), delay=0)
    assert _Handler.hits["/KDDTest%2B.txt"] == 3
    assert (tmp_path / "KDDTest+.txt").read_bytes() == BODY


def test_second_mirror_used_after_first_fails(server, tmp_path):
    _, url = server
    _Handler.routes["/b/KDDTest%2B.txt"] = [("body", BODY)]
    download_file(
        "KDDTest+.txt",
        tmp_path,
        mirrors=[url + "a/", url + "b/"],
        sha256=sha(BODY),
        delay=0,
    )
    assert (tmp_path / "KDDTest+.txt").exists()


def test_no_network_says_where_to_put_the_files(tmp_path):
    with pytest.raises(OSError, match=r"Put KDDTest\+\.txt into") as info:
        fetch_nsl_kdd(
            "test",
            data_home=tmp_path,
            mirrors="http://127.0.0.1:9/",
            n_retries=0,
            delay=0,
        )
    assert "127.0.0.1:9" in str(info.value)


def test_two_processes_downloading_at_once_leave_one_good_copy(server, tmp_path):
    _, url = server
    body = BODY * 2000
    _Handler.routes["/KDDTest%2B.txt"] = [("slow", body)]
    script = (
        "import sys\n"
        "from awdids.datasets._download import download_file\n"
        "download_file('KDDTest+.txt', sys.argv[1], mirrors=[sys.argv[2]], "
        "sha256=sys.argv[3], delay=0)\n"
    )
    command = [sys.executable, "-c", script, str(tmp_path), url, sha(body)]
    processes = [subprocess.Popen(command) for _ in range(2)]
    assert [p.wait(timeout=60) for p in processes] == [0, 0]
    assert _Handler.hits["/KDDTest%2B.txt"] == 2  # both really downloaded
    assert leftovers(tmp_path) == ["KDDTest+.txt"]  # no temporary file left
    assert (tmp_path / "KDDTest+.txt").read_bytes() == body


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_retries": -1}, "n_retries must be a non-negative int"),
        ({"n_retries": 1.5}, "n_retries must be a non-negative int"),
        ({"delay": -1}, "delay must be a non-negative number"),
        ({"delay": float("nan")}, "delay must be a non-negative number"),
    ],
)
def test_bad_retry_parameters_are_refused_up_front(params, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        fetch_nsl_kdd("train", data_home=tmp_path / "home", **params)
    assert not (tmp_path / "home").exists()
    with pytest.raises(ValueError, match=match):
        download_file("x", tmp_path / "d", mirrors=[], sha256="0", **params)
    assert not (tmp_path / "d").exists()


def test_a_failed_download_leaves_no_folder_it_created(tmp_path):
    typo = tmp_path / "awdids_dta" / "nsl"
    with pytest.raises(OSError, match="Put KDDTest"):
        fetch_nsl_kdd(
            "test", data_home=typo, mirrors="http://127.0.0.1:9/", n_retries=0, delay=0
        )
    assert list(tmp_path.iterdir()) == []
