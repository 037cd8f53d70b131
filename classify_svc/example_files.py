"""Files of labelled examples: CSV with a header, or JSON Lines, in UTF-8.

CSV columns: ``text`` and ``category`` are required; ``subject``, ``channel``, ``party_known``
(true/false/1/0/yes/no, empty = false) and ``attachment_media_types`` (separated by ``;``) are
optional; other columns are ignored. A JSON Lines file holds one object per line with the same
keys, ``attachment_media_types`` being a list of strings and ``party_known`` a boolean.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from classify_svc.examples import Example

REQUIRED_FIELDS = ("text", "category")
_TRUE_WORDS = frozenset({"true", "1", "yes"})
_FALSE_WORDS = frozenset({"false", "0", "no", ""})


class ExampleFileError(ValueError):
    """A file of examples cannot be read; ``line`` (1-based) and ``field`` locate the problem."""

    def __init__(self, path: Path, message: str, line: int | None = None, field: str | None = None):
        where = f"{path}" + (f", line {line}" if line is not None else "")
        where += f", field '{field}'" if field is not None else ""
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.field = field


def read_examples(path: Path) -> list[Example]:
    """Read every labelled example of a ``.csv`` or ``.jsonl`` file, in file order.

    Raises ``ExampleFileError`` naming the line and field of the first bad record (missing or
    empty text or category, malformed CSV or JSON, wrong value type, text not UTF-8), and for an
    unknown extension or a file without any example.
    """
    readers = {".csv": _read_csv, ".jsonl": _read_jsonl, ".ndjson": _read_jsonl}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise ExampleFileError(path, "unknown format; expected a .csv or .jsonl file")
    examples = list(reader(path, _decoded(path)))
    if not examples:
        raise ExampleFileError(path, "the file holds no example")
    return examples


def _decoded(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ExampleFileError(path, f"cannot be read: {error.strerror}") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ExampleFileError(path, "not valid UTF-8 text", line=line) from error


def _read_csv(path: Path, content: str) -> Iterator[Example]:
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in REQUIRED_FIELDS if name not in header]
        if missing:
            raise ExampleFileError(
                path,
                f"the header lacks the required column(s) {', '.join(missing)} "
                f"(found: {', '.join(header) or 'nothing'})",
                line=1,
            )
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise ExampleFileError(
                    path,
                    f"{len(row)} fields where the header has {len(header)}",
                    line=reader.line_num,
                )
            record = dict(zip(header, row, strict=True))
            yield _csv_example(path, reader.line_num, record)
    except csv.Error as error:
        raise ExampleFileError(path, f"malformed CSV: {error}", line=reader.line_num) from error


def _csv_example(path: Path, line: int, record: Mapping[str, str]) -> Example:
    party_word = record.get("party_known", "").strip().lower()
    if party_word not in _TRUE_WORDS | _FALSE_WORDS:
        raise ExampleFileError(
            path, f"expected true or false, got {party_word!r}", line=line, field="party_known"
        )
    media_types = record.get("attachment_media_types", "").split(";")
    return _example(
        path,
        line,
        subject=record.get("subject", ""),
        text=record["text"],
        channel=record.get("channel", ""),
        attachment_media_types=tuple(kind.strip() for kind in media_types if kind.strip()),
        party_known=party_word in _TRUE_WORDS,
        category=record["category"],
    )


def _read_jsonl(path: Path, content: str) -> Iterator[Example]:
    for line, text in enumerate(content.splitlines(), start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise ExampleFileError(
                path, f"invalid JSON at column {error.colno}: {error.msg}", line=line
            ) from error
        if not isinstance(record, dict):
            raise ExampleFileError(path, "expected a JSON object", line=line)
        yield _json_example(path, line, record)


def _json_example(path: Path, line: int, record: Mapping[str, object]) -> Example:
    for name in REQUIRED_FIELDS:
        if name not in record:
            raise ExampleFileError(path, "missing", line=line, field=name)
    media_types = record.get("attachment_media_types", [])
    if not isinstance(media_types, list) or not all(isinstance(t, str) for t in media_types):
        raise ExampleFileError(
            path, "expected a list of strings", line=line, field="attachment_media_types"
        )
    party_known = record.get("party_known", False)
    if not isinstance(party_known, bool):
        raise ExampleFileError(path, "expected true or false", line=line, field="party_known")
    strings = {}
    for name in ("subject", "text", "channel", "category"):
        value = record.get(name, "")
        if not isinstance(value, str):
            raise ExampleFileError(path, "expected a string", line=line, field=name)
        strings[name] = value
    return _example(
        path,
        line,
        subject=strings["subject"],
        text=strings["text"],
        channel=strings["channel"],
        attachment_media_types=tuple(media_types),
        party_known=party_known,
        category=strings["category"],
    )


def _example(
    path: Path,
    line: int,
    *,
    subject: str,
    text: str,
    channel: str,
    attachment_media_types: tuple[str, ...],
    party_known: bool,
    category: str,
) -> Example:
    example = Example(
        subject=subject,
        text=text,
        channel=channel.strip(),
        attachment_media_types=attachment_media_types,
        party_known=party_known,
        category=category.strip(),
    )
    if not example.has_content:
        raise ExampleFileError(path, "empty (and no subject)", line=line, field="text")
    if not example.category:
        raise ExampleFileError(path, "empty", line=line, field="category")
    return example
