"""Reading a referential export (CSV or JSON Lines) into parties.

CSV columns: ``party_id,kind,display_name,given_name,family_name,birth_date,emails,phones,
customer_numbers,contract_numbers,ibans,postal_address`` (or ``postal_addresses``); multi-valued
columns (identifiers, ``postal_addresses``) separated by ``;``; only ``party_id`` and
``display_name`` are required. JSON Lines: one object per line with the same keys, multi-valued
ones as lists or ``;``-separated strings. Values are kept as written: the identity service puts
them in canonical form on import and refuses the parties it cannot read.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from chassis.text_decoding import decode_text
from identity_svc.identifiers import IdentifierKind
from identity_svc.referential import Identifier, Party, PartyKind

_MULTI_VALUED = {
    "emails": IdentifierKind.EMAIL,
    "phones": IdentifierKind.PHONE,
    "customer_numbers": IdentifierKind.CUSTOMER_NUMBER,
    "contract_numbers": IdentifierKind.CONTRACT_NUMBER,
    "ibans": IdentifierKind.IBAN,
}


class ReferentialFileError(ValueError):
    """The file cannot be read as a referential; the message names the line and the problem."""


def read_parties(path: Path) -> Iterator[Party]:
    """The parties of a CSV or JSONL file, in file order.

    The encoding is UTF-8 or, as French CRMs often export, Windows-1252: it is judged on the
    start of the file; bytes that do not fit it are reported with their line.
    """
    encoding = _encoding(path)
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            yield from _jsonl(path, encoding)
        else:
            yield from _csv(path, encoding)
    except UnicodeDecodeError as error:
        raise ReferentialFileError(
            f"{path}: not readable as {encoding} at byte {error.start}: {error.reason}"
        ) from error


_SNIFF_BYTES = 1 << 16


def _encoding(path: Path) -> str:
    with path.open("rb") as handle:
        start = handle.read(_SNIFF_BYTES)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # A sample cut in the middle of a UTF-8 sequence must not look like another encoding.
    charset = decode_text(start[: len(start) - 3] if len(start) == _SNIFF_BYTES else start).charset
    return "utf-8" if charset in ("ascii", "utf-8") else charset


def _csv(path: Path, encoding: str) -> Iterator[Party]:
    with path.open(newline="", encoding=encoding) as handle:
        reader = csv.DictReader(handle)
        missing = {"party_id", "display_name"} - set(reader.fieldnames or ())
        if missing:
            raise ReferentialFileError(
                f"{path}: the header lacks the column(s) {', '.join(sorted(missing))}"
            )
        for row in reader:
            yield _party(row, f"{path}:{reader.line_num}")


def _jsonl(path: Path, encoding: str) -> Iterator[Party]:
    with path.open(encoding=encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ReferentialFileError(f"{path}:{number}: not valid JSON: {error}") from error
            if not isinstance(record, dict):
                raise ReferentialFileError(f"{path}:{number}: a line must be a JSON object")
            yield _party(record, f"{path}:{number}")


def _party(record: Mapping[str, Any], where: str) -> Party:
    kind_text = str(record.get("kind") or "person").strip().lower()
    try:
        kind = PartyKind(kind_text)
    except ValueError as error:
        raise ReferentialFileError(
            f"{where}: kind {kind_text!r} is not person or organisation"
        ) from error
    identifiers: list[Identifier] = []
    for column, identifier_kind in _MULTI_VALUED.items():
        identifiers.extend(
            Identifier(identifier_kind.value, value) for value in _values(record.get(column))
        )
    addresses = _values(record.get("postal_addresses"))
    single = _text(record, "postal_address")
    return Party(
        party_id=_text(record, "party_id"),
        kind=kind,
        display_name=_text(record, "display_name"),
        identifiers=tuple(identifiers),
        postal_addresses=tuple([single] if single else []) + tuple(addresses),
        given_name=_text(record, "given_name"),
        family_name=_text(record, "family_name"),
        birth_date=_text(record, "birth_date"),
    )


def _text(record: Mapping[str, Any], column: str) -> str:
    return str(record.get(column) or "").strip()


def _values(cell: object) -> list[str]:
    if cell is None:
        return []
    if isinstance(cell, list):
        return [str(value).strip() for value in cell if str(value).strip()]
    return [value.strip() for value in str(cell).split(";") if value.strip()]
