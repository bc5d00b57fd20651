"""dptelemetry: make deliberate practice measurable.

Capture writes events, the store keeps them, analysis reads them, renderers present them.
Kept import-free: the pytest plugin and the git-hook recorder import this package on hot paths.
"""

__version__ = "0.1.0"
