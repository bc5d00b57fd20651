"""The POSIX sh hook shims `dpt hooks install` writes, kept here as package data.

`common.sh` is shared by every shim; the other files are one hook body each. The installer
joins a header (the values it resolved: data home, Python, package), `common.sh` and a body
into one script per hook. No Python runs before the commit returns.
"""
