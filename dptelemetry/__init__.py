"""dptelemetry: make deliberate practice measurable.

Capture writes events, the store keeps them, analysis reads them, renderers present them.
Kept import-free: the pytest plugin and the git-hook recorder import this package on hot paths,
so `hookimpl` (for strain plugins: `from dptelemetry import hookimpl`) is loaded on first use.
"""

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dptelemetry.hookspecs import hookimpl as hookimpl


def __getattr__(name: str) -> object:
    if name == "hookimpl":
        from dptelemetry.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'dptelemetry' has no attribute {name!r}")
