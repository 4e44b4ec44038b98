import io

from awdids._progress import progress_bar


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_log_file_gets_plain_lines_without_carriage_returns():
    log = io.StringIO()
    with progress_bar(desc="predict", unit=" records", stream=log, interval=0) as bar:
        bar.update(50_000)
        bar.set_postfix(rmse="0.1")
        bar.update(25_000)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert lines[0].startswith("predict: 50,000 records, ")
    assert (
        lines[-1].startswith("predict: 75,000 records, ") and "(rmse=0.1)" in lines[-1]
    )


def test_lines_are_spaced_by_the_interval_and_the_end_is_always_shown():
    log = io.StringIO()
    for _ in progress_bar(range(1000), desc="epochs", stream=log, interval=3600):
        pass
    assert log.getvalue().splitlines() == [log.getvalue().strip()]
    assert log.getvalue().startswith("epochs: 1,000/1,000it, ")


def test_a_terminal_gets_tqdms_bar_and_disable_prints_nothing():
    from tqdm import tqdm

    terminal = _Terminal()
    bar = progress_bar(range(3), desc="GAN", stream=terminal)
    assert isinstance(bar, tqdm)
    bar.close()
    quiet = io.StringIO()
    for _ in progress_bar(range(3), desc="GAN", stream=quiet, disable=True):
        pass
    assert quiet.getvalue() == ""
