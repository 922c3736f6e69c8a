"""Benchmarks and reports (not tests): each module a script, `python bench/NAME.py`; shared helpers in `common` and
`browser`, imported as `bench.common` and `bench.browser` wherever they are used."""
