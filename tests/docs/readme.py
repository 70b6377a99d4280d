"""Read the README's shell examples as a person would paste them: one command at a time, each with what the
README says it answers.

A command ends where bash says it is complete (a quoted JSON body or a ``for`` loop may span lines). What it
should answer is written in the README itself, on the command's last line or a comment line just after it:
``# → 422 …`` (every curl in it answers that HTTP status) or ``# → exit 2 …`` (its exit status). Without one, a
command must exit 0 and every curl in it must answer 2xx.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXPECTED = re.compile(r"#.*?→\s*(?:exit\s+(?P<exit>\d+)|(?P<status>[1-5]\d\d)\b)")


@dataclass
class Example:
    text: str  # the command as printed, continuation lines and trailing comment included
    line: int  # where it starts in the README
    exit: int = 0
    status: int | None = None  # None: any 2xx

    def __str__(self) -> str:
        return f"README.md:{self.line}: {self.text}"


def examples(readme: Path) -> list[Example]:
    """Every command of every ```sh block, in order, with the answer the README expects of it."""
    return examples_in(readme.read_text(encoding="utf-8"))


def examples_in(text: str) -> list[Example]:
    found: list[Example] = []
    for block in BLOCK.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).splitlines()
        start, last = 0, None
        while start < len(lines):
            end = start + 1
            while not _complete("\n".join(lines[start:end])):
                assert end < len(lines), f"README.md:{first_line + start}: a command that never ends"
                end += 1
            chunk = "\n".join(lines[start:end])
            if not chunk.strip():
                last = None  # a blank line ends what a comment can say about the command before it
            elif not chunk.lstrip().startswith("#"):
                last = Example(chunk, first_line + start)
                found.append(last)
            if last and (expected := EXPECTED.search(lines[end - 1])):  # its own last line or a comment after it
                last.exit = int(expected["exit"] or 0)
                last.status = int(expected["status"]) if expected["status"] else None
            start = end
    return found


def _complete(chunk: str) -> bool:
    """bash's own answer: does this parse as a whole command (no open quote, loop or continuation)? A command
    that can never parse counts as complete: running it fails and names it."""
    if chunk.rstrip().endswith("\\"):
        return False
    checked = subprocess.run(["bash", "-n", "-c", chunk], capture_output=True, text=True)
    return checked.returncode == 0 or not re.search(r"unexpected (end of file|EOF)", checked.stderr)
