"""`python -m dptelemetry`: the same as the `dpt` command."""

from dptelemetry.cli import main

if __name__ == "__main__":
    main()
