"""End-to-end and unit tests of `dpt lsp` (a package, so its conftest does not shadow
tests/conftest.py as the module `conftest`)."""
