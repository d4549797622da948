"""Files holding secrets (the demo's credentials): readable by their owner only.

The mode is 0600 from the first byte, not the umask's, and a file an earlier run left
with a wider mode is narrowed before anything is written to it.
"""

import os
from pathlib import Path


def secret_file_write(target: Path, text: str, *, append: bool = False) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    descriptor = os.open(target, flags, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "a" if append else "w") as out:
        out.write(text)
