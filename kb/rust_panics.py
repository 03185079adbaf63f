"""Rust panics inside Chroma, kept off stderr and handed back as one line for the error they cause.

Chroma's Rust core prints a panic straight to file descriptor 2 — where, the message, and a
backtrace when RUST_BACKTRACE is set — and the Python call then fails with a vague error ("Failed
to receive response"). Python cannot replace Rust's panic hook, so while a Chroma call runs, fd 2
points at a temporary file instead; what the call wrote there is passed on to the real stderr
afterwards, except panic blocks, which `Captured.panics()` returns one line each (the store names
the panic in its one-line error), or which are printed as one line each when nobody asked.

Calls from several threads share one redirection: the first to enter points fd 2 at the file, the
last to leave points it back; text others write meanwhile is passed on when the last one leaves.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

STDERR_FD = 2
PANIC_HEAD = re.compile(r"^thread '[^']*'(?: \(\d+\))? panicked at (.+?):?$")
# what Rust's default hook prints after the message: the backtrace's frames and its notes
PANIC_TAIL = re.compile(r"^(stack backtrace:|note: |\s+\d+: |\s+at )")
PANIC_PREFIX = "chroma: panic: "


def split_panics(text: str) -> tuple[list[str], str]:
    """(one line per panic block in `text`: its message and where, the rest of the text)."""
    panics: list[str] = []
    kept: list[str] = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        head = PANIC_HEAD.match(lines[i].rstrip("\r\n"))
        if head is None:
            kept.append(lines[i])
            i += 1
            continue
        if kept and not kept[-1].strip():  # the hook opens a panic with an empty line
            kept.pop()
        message = lines[i + 1].strip() if i + 1 < len(lines) else ""
        i += 2
        while i < len(lines) and PANIC_TAIL.match(lines[i]):
            i += 1
        panics.append(f"{message} (at {head.group(1)})")
    return panics, "".join(kept)


@dataclass
class _Redirect:
    """The process's one redirection of fd 2 (guarded by `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    depth: int = 0
    saved: int | None = None  # the real stderr, duplicated, while fd 2 is redirected
    file: int | None = None   # the temporary file fd 2 points at meanwhile
    read_upto: int = 0


_REDIRECT = _Redirect()


@dataclass
class Captured:
    """What one call's window on the shared file saw."""

    joined: bool = False  # False: fd 2 could not be redirected, nothing is captured
    taken: list[str] = field(default_factory=list)
    asked: bool = False

    def panics(self) -> list[str]:
        """Panics printed since the redirection began or was last read, one line each (they are not printed)."""
        self.asked = True
        if not self.joined:
            return []
        sys.stderr.flush()
        with _REDIRECT.lock:
            self.taken += _drain(_REDIRECT)
        return self.taken


def _drain(r: _Redirect) -> list[str]:
    """Pass text written since the last read on to the real stderr; return the panics among it (lock held)."""
    if r.file is None or r.saved is None:
        return []
    size = os.fstat(r.file).st_size
    data = os.pread(r.file, size - r.read_upto, r.read_upto) if size > r.read_upto else b""
    r.read_upto = size
    panics, rest = split_panics(data.decode("utf-8", errors="replace"))
    if rest:
        os.write(r.saved, rest.encode("utf-8"))
    return panics


def _enter() -> bool:
    """Join the redirection (starting it when nobody holds it); False when it cannot be started."""
    with _REDIRECT.lock:
        r = _REDIRECT
        if r.depth == 0:
            sys.stderr.flush()
            try:
                if r.file is None:  # kept for the life of the process: one file, emptied after each use
                    r.file, name = tempfile.mkstemp(prefix="dutykb-stderr-")
                    os.unlink(name)
                r.saved = os.dup(STDERR_FD)
                os.dup2(r.file, STDERR_FD)
            except OSError:  # no temporary file (a full or read-only /tmp): stderr is left as it is
                if r.saved is not None:
                    os.close(r.saved)
                    r.saved = None
                return False
        r.depth += 1
        return True


def _leave(captured: Captured) -> None:
    sys.stderr.flush()
    with _REDIRECT.lock:
        r = _REDIRECT
        late = _drain(r)
        unreported = late if captured.asked else captured.taken + late
        if r.saved is not None:
            for panic in unreported:
                os.write(r.saved, f"{PANIC_PREFIX}{panic}\n".encode())
        r.depth -= 1
        if r.depth == 0 and r.saved is not None and r.file is not None:
            os.dup2(r.saved, STDERR_FD)
            os.close(r.saved)
            r.saved = None
            os.ftruncate(r.file, 0)
            os.lseek(r.file, 0, os.SEEK_SET)  # fd 2 shared this offset: the next writes start at 0 again
            r.read_upto = 0


@contextmanager
def capture_panics() -> Iterator[Captured]:
    """Run a Chroma call with Rust's panic output kept off stderr; ask the yielded object for its panics."""
    captured = Captured(joined=_enter())
    try:
        yield captured
    finally:
        if captured.joined:
            _leave(captured)
