# Root conftest: keeps `pytest --doctest-modules` from executing the CLI entry point.
collect_ignore = ["awdids/__main__.py"]
