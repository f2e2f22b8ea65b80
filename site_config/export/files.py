"""Writing a mirror's files so that a web server serving it never sees half a file."""

import os
import tempfile
from pathlib import Path


def write_atomic(path, data):
    """Write the bytes data at path (its folders made when missing) through a
    temporary file beside it, renamed over path once complete; mode 0644."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
