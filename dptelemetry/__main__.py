"""`dpt` and `python -m dptelemetry`: the status line's fast path, else the full CLI."""

import sys


def main() -> None:
    from dptelemetry.status_line import fast_main

    code = fast_main(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from dptelemetry.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
