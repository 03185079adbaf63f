"""The root of user-facing errors, and the command line's exit codes (defined here once).

A `DutyKBError` is something the user can act on: its message names the file, setting or
command involved and how to fix it, and the CLI prints it as one line and exits with its
`exit_code`. Anything else is a bug and is not swallowed.

File names and text from files are put into messages through `printable`: a name may hold an
escape sequence that clears or retitles the terminal, a newline that forges a second report line,
a bidi override that reverses what follows, or bytes that are not UTF-8 (which `print` cannot
even encode).
"""
from __future__ import annotations

import unicodedata

EXIT_OK = 0
EXIT_ERROR = 1  # a user-facing error (DutyKBError): the message says what went wrong and how to fix it
EXIT_USAGE = 2  # the command line itself is wrong (argparse's own code)
EXIT_SKIPPED = 3  # `ingest --strict`: some files could not be ingested
EXIT_REGRESSION = 4  # `eval --fail-under`: a metric is below its threshold
EXIT_BUSY = 5  # another ingest holds the lock (`--wait SECONDS` waits for it)
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT

EXIT_CODES_HELP = (
    f"exit codes: {EXIT_OK} ok · {EXIT_ERROR} error (the message says what to do) · {EXIT_USAGE} bad command line · "
    f"{EXIT_SKIPPED} ingest --strict skipped files · {EXIT_REGRESSION} eval threshold missed · "
    f"{EXIT_BUSY} another ingest is running · {EXIT_INTERRUPTED} interrupted"
)


UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # controls, format (bidi), surrogates, breaks


def printable(text: str) -> str:
    """`text` safe for a one-line message: control, format and line-breaking characters and undecodable
    bytes escaped as Python writes them (`\\x1b`, `\\n`, `\\u202e`, `\\udcb8`); everything else as it is."""
    return "".join(ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                   if unicodedata.category(ch) in UNPRINTABLE_CATEGORIES else ch for ch in text)


class DutyKBError(Exception):
    """An error the user can act on; subclasses say which exit code it means."""

    exit_code = EXIT_ERROR
