"""A Dockerfile read as Docker reads it: stages of instructions, continuations joined."""

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Final

_INSTRUCTION: Final = re.compile(r"(?P<keyword>[A-Za-z]+)\s+(?P<arguments>.*)", re.DOTALL)


@dataclass(frozen=True)
class Instruction:
    """One instruction: its keyword (upper case) and its argument text."""

    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        """Return the JSON (exec) form of CMD/ENTRYPOINT arguments; ValueError for shell form."""
        parsed = json.loads(self.arguments) if self.arguments.startswith("[") else None
        if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
            raise ValueError(f"{self.keyword} is not in exec form: {self.arguments}")
        return parsed

    def words(self) -> list[str]:
        """Return the arguments split as a POSIX shell would split them."""
        return shlex.split(self.arguments)


@dataclass
class Stage:
    """A build stage: the image it starts FROM, its name, its instructions after FROM."""

    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def of(self, keyword: str) -> list[Instruction]:
        """Return the instructions of one keyword, in order."""
        return [instruction for instruction in self.instructions if instruction.keyword == keyword]


def parse_dockerfile(text: str) -> list[Stage]:
    """Parse a Dockerfile into its stages; ValueError when an instruction precedes FROM."""
    stages: list[Stage] = []
    for line in _logical_lines(text):
        match = _INSTRUCTION.fullmatch(line)
        if match is None:
            raise ValueError(f"not an instruction: {line!r}")
        keyword, arguments = match["keyword"].upper(), match["arguments"].strip()
        if keyword == "FROM":
            words = arguments.split()
            as_name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=as_name))
        elif keyword == "ARG" and not stages:
            continue  # an ARG before the first FROM only parameterises FROM lines
        elif not stages:
            raise ValueError(f"{keyword} before FROM")
        else:
            stages[-1].instructions.append(Instruction(keyword, arguments))
    return stages


def _logical_lines(text: str) -> list[str]:
    """Join backslash continuations; drop comments, parser directives and blank lines."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    if pending:
        lines.append(pending.strip())
    return lines
