"""Reading PHP literals (arrays, strings, numbers, ``new X(...)``) out of PHP source text.

The expected results of zbateson/mail-mime-parser are PHP arrays written in its PHPUnit test;
this reads them as Python values without running PHP. Only literals are understood: a
variable, an operator or a function call raises ``PhpLiteralError`` naming where it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_IDENTIFIER = re.compile(r"\\?[A-Za-z_][A-Za-z0-9_\\]*")
_DOUBLE_QUOTED_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "$": "$"}


@dataclass(frozen=True)
class PhpNew:
    """``new ClassName(arguments)``, e.g. ``new DateTime('13 Mar 2003 12:44:07 -0500')``."""

    class_name: str
    arguments: tuple[PhpValue, ...]


PhpValue: TypeAlias = str | int | float | bool | PhpNew | dict[str | int, "PhpValue"] | None
"""A PHP literal; an array is a dict whose keys are in source order (PHP arrays are ordered)."""


class PhpLiteralError(ValueError):
    """Raised when the text at a position is not a PHP literal; the message says where."""


def read_php_value(text: str, start: int) -> tuple[PhpValue, int]:
    """The PHP literal at ``start`` in ``text`` (comments and spaces skipped), and the position
    right after it."""
    return _Reader(text).value(start)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text

    def value(self, position: int) -> tuple[PhpValue, int]:
        position = self.skip(position)
        char = self.text[position : position + 1]
        if char == "[":
            return self.array(position + 1)
        if char in ("'", '"'):
            return self.string(position)
        number = _NUMBER.match(self.text, position)
        if number:
            literal = number.group()
            return (float(literal) if "." in literal else int(literal)), number.end()
        identifier = _IDENTIFIER.match(self.text, position)
        if identifier is None:
            raise self.error(position, "a PHP literal")
        word = identifier.group()
        constants: dict[str, PhpValue] = {"true": True, "false": False, "null": None}
        if word.lower() in constants:
            return constants[word.lower()], identifier.end()
        if word.lower() == "new":
            return self.new(identifier.end())
        raise self.error(position, "a literal, not an expression")

    def array(self, position: int) -> tuple[PhpValue, int]:
        entries: dict[str | int, PhpValue] = {}
        next_index = 0
        while True:
            position = self.skip(position)
            if self.text.startswith("]", position):
                return entries, position + 1
            first, position = self.value(position)
            position = self.skip(position)
            if self.text.startswith("=>", position):
                if not isinstance(first, (str, int)) or isinstance(first, bool):
                    raise self.error(position, "a string or integer array key")
                key: str | int = first
                item, position = self.value(position + 2)
            else:
                key, item = next_index, first
            entries[key] = item
            if isinstance(key, int):
                next_index = max(next_index, key + 1)
            position = self.skip(position)
            if self.text.startswith(",", position):
                position += 1
            elif not self.text.startswith("]", position):
                raise self.error(position, "',' or ']'")

    def string(self, position: int) -> tuple[PhpValue, int]:
        quote = self.text[position]
        pieces: list[str] = []
        index = position + 1
        while index < len(self.text):
            char = self.text[index]
            if char == quote:
                return "".join(pieces), index + 1
            if char == "\\" and index + 1 < len(self.text):
                following = self.text[index + 1]
                if quote == "'" and following in ("'", "\\"):
                    pieces.append(following)
                    index += 2
                    continue
                if quote == '"' and following in _DOUBLE_QUOTED_ESCAPES:
                    pieces.append(_DOUBLE_QUOTED_ESCAPES[following])
                    index += 2
                    continue
            if quote == '"' and char == "$":
                raise self.error(index, "a string without variables")
            pieces.append(char)
            index += 1
        raise self.error(position, "a closing quote")

    def new(self, position: int) -> tuple[PhpValue, int]:
        position = self.skip(position)
        identifier = _IDENTIFIER.match(self.text, position)
        if identifier is None:
            raise self.error(position, "a class name")
        position = self.skip(identifier.end())
        if not self.text.startswith("(", position):
            raise self.error(position, "'('")
        arguments: list[PhpValue] = []
        position = self.skip(position + 1)
        while not self.text.startswith(")", position):
            argument, position = self.value(position)
            arguments.append(argument)
            position = self.skip(position)
            if self.text.startswith(",", position):
                position = self.skip(position + 1)
            elif not self.text.startswith(")", position):
                raise self.error(position, "',' or ')'")
        return PhpNew(identifier.group().lstrip("\\"), tuple(arguments)), position + 1

    def skip(self, position: int) -> int:
        """The position of the next character that is neither a space nor in a comment."""
        while position < len(self.text):
            if self.text[position].isspace():
                position += 1
            elif self.text.startswith(("//", "#"), position):
                end = self.text.find("\n", position)
                position = len(self.text) if end < 0 else end + 1
            elif self.text.startswith("/*", position):
                end = self.text.find("*/", position + 2)
                if end < 0:
                    raise self.error(position, "the end of the comment")
                position = end + 2
            else:
                break
        return position

    def error(self, position: int, wanted: str) -> PhpLiteralError:
        line = self.text.count("\n", 0, position) + 1
        found = self.text[position : position + 20]
        return PhpLiteralError(f"line {line}: expected {wanted}, found {found!r}")


def blank_php_comments(text: str) -> str:
    """``text`` with every comment (``//``, ``#``, ``/* */``) replaced by spaces, line breaks
    kept, so that positions and line numbers stay those of the source; quotes are honoured."""
    out = list(text)
    index = 0
    while index < len(text):
        char = text[index]
        if char in ("'", '"'):
            index = _string_end(text, index)
            continue
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = len(text) if end < 0 else end + 2
        elif text.startswith("//", index) or (char == "#" and not text.startswith("#[", index)):
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
        else:
            index += 1
            continue
        for position in range(index, end):
            if out[position] != "\n":
                out[position] = " "
        index = end
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """The position after the string literal opening at ``start`` (escapes skipped)."""
    index = start + 1
    while index < len(text) and text[index] != text[start]:
        index += 2 if text[index] == "\\" else 1
    return index + 1
