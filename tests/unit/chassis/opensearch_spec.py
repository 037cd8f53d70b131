"""OpenSearch's published REST API specification, read from ``../shared/data``, as a validator of
HTTP requests: method and path against the operations of ``namespaces/*.yaml``, query
parameters against each operation's declared parameters, bodies against ``schemas/*.yaml``.

The specification is OpenAPI 3.1 (JSON Schema 2020-12). It leaves most objects open (no
``additionalProperties: false``), which would let a misspelt query type or option through; the
validator closes, in memory, every object schema that lists its properties (using
``unevaluatedProperties``, so that properties brought in by ``allOf`` still count), except those
used as a part of another schema's ``allOf`` (there, an open copy is used: only the whole can
be closed).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_DIR = (
    Path(__file__).resolve().parents[3].parent / "shared" / "data" / "opensearch_api_spec" / "spec"
)
"""``../shared/data/opensearch_api_spec/spec`` seen from the repository's root."""

_METHODS = ("get", "put", "post", "delete", "head")
_PART = "__part"
_OPENING_KEYWORDS = ("additionalProperties", "patternProperties", "propertyNames")


@dataclass(frozen=True)
class Operation:
    """One operation of the specification: its method, path template and definition."""

    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    literal_segments: int
    definition: Mapping[str, Any]
    source: Path
    pointer: str


@dataclass(frozen=True)
class RecordedRequest:
    """An HTTP request as a client would send it."""

    method: str
    url: str
    body: str | None


class SpecViolationError(AssertionError):
    """A request the specification does not allow."""


class OpenSearchSpec:
    """The operations and schemas of the specification in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._documents = {
            path.resolve(): yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
            for path in sorted(directory.rglob("*.yaml"))
        }
        self._closed: dict[Path, Any] = {}
        self.operations = list(self._operations())
        self._registry: Registry[Any] = Registry(retrieve=self._retrieve)  # type: ignore[call-arg]

    def check(self, request: RecordedRequest) -> Operation:
        """The operation ``request`` is an instance of; SpecViolationError when there is none, or
        when its query parameters or body break the operation's definition."""
        split = urlsplit(request.url)
        operation = self.operation(request.method, split.path)
        declared = self._query_parameters(operation)
        for name, value in parse_qsl(split.query, keep_blank_values=True):
            if name not in declared:
                raise SpecViolationError(
                    f"{operation.operation_id} ({request.method} {operation.path}) has no query "
                    f"parameter {name!r}"
                )
            location, schema = declared[name]
            self._validate(_parameter_value(value, schema), location, f"query parameter {name}")
        self._check_body(operation, request.body)
        return operation

    def operation(self, method: str, path: str) -> Operation:
        """The operation of ``method`` whose path template matches ``path`` (the most literal
        one when several do, as a router would choose)."""
        matching = [
            op
            for op in self.operations
            if op.method == method.lower() and op.pattern.fullmatch(path)
        ]
        if not matching:
            raise SpecViolationError(
                f"no operation {method} {path} in the OpenSearch specification"
            )
        return max(matching, key=lambda op: op.literal_segments)

    def _check_body(self, operation: Operation, body: str | None) -> None:
        if "requestBody" not in operation.definition:
            if body:
                raise SpecViolationError(f"{operation.operation_id} takes no body")
            return
        source, pointer = self._resolve(operation.source, operation.pointer + "/requestBody")
        definition = _pointer(self._documents[source], pointer)
        if body is None:
            if definition.get("required"):
                raise SpecViolationError(f"{operation.operation_id} requires a body")
            return
        content = definition["content"]
        what = f"{operation.operation_id} body"
        if "application/x-ndjson" in content:
            lines = [json.loads(line) for line in body.splitlines() if line.strip()]
            location = f"{source.as_uri()}#{pointer}/content/application~1x-ndjson/schema"
            self._validate(lines, location, what)
            self._check_action_data_pairs(lines, location + "/items/anyOf", what)
            return
        location = f"{source.as_uri()}#{pointer}/content/application~1json/schema"
        self._validate(json.loads(body), location, what)

    def _check_action_data_pairs(self, lines: list[Any], options: str, what: str) -> None:
        """Bulk bodies alternate an action (the first option of the line schema) and, after
        index, create and update, its data (the document, or the second option for update)."""
        position = 0
        while position < len(lines):
            action = lines[position]
            self._validate(action, f"{options}/0", f"{what}, line {position + 1}")
            (kind,) = action
            position += 1
            if kind == "delete":
                continue
            if position >= len(lines):
                raise SpecViolationError(f"{what}: the {kind} action on the last line has no data")
            if kind == "update":
                self._validate(lines[position], f"{options}/1", f"{what}, line {position + 1}")
            elif not isinstance(lines[position], dict):
                raise SpecViolationError(f"{what}, line {position + 1}: a document is an object")
            position += 1

    def _validate(self, value: Any, location: str, what: str) -> None:
        validator = Draft202012Validator({"$ref": location}, registry=self._registry)
        errors = sorted(validator.iter_errors(value), key=lambda e: len(list(e.absolute_path)))
        if errors:
            raise SpecViolationError(f"{what} breaks the specification: {_describe(errors[-1])}")

    def _query_parameters(self, operation: Operation) -> dict[str, tuple[str, Any]]:
        """Each query parameter's name: where its schema is, and the schema."""
        parameters: dict[str, tuple[str, Any]] = {}
        globals_path = (self._directory / "_global_parameters.yaml").resolve()
        for key, parameter in self._documents[globals_path]["components"]["parameters"].items():
            pointer = f"/components/parameters/{_escape(key)}/schema"
            parameters[parameter["name"]] = (
                f"{globals_path.as_uri()}#{pointer}",
                parameter["schema"],
            )
        for position in range(len(operation.definition.get("parameters", []))):
            source, pointer = self._resolve(
                operation.source, f"{operation.pointer}/parameters/{position}"
            )
            parameter = _pointer(self._documents[source], pointer)
            if parameter["in"] == "query":
                parameters[parameter["name"]] = (
                    f"{source.as_uri()}#{pointer}/schema",
                    parameter["schema"],
                )
        return parameters

    def _operations(self) -> Iterator[Operation]:
        for source in sorted((self._directory / "namespaces").resolve().glob("*.yaml")):
            for path, item in (self._documents[source].get("paths") or {}).items():
                for method in _METHODS:
                    if method not in item:
                        continue
                    segments = path.strip("/").split("/") if path != "/" else []
                    pattern = "/" + "/".join(
                        "[^/]+" if s.startswith("{") else re.escape(s) for s in segments
                    )
                    yield Operation(
                        operation_id=item[method]["operationId"],
                        method=method,
                        path=path,
                        pattern=re.compile(pattern),
                        literal_segments=sum(not s.startswith("{") for s in segments),
                        definition=item[method],
                        source=source,
                        pointer=f"/paths/{_escape(path)}/{method}",
                    )

    def _resolve(self, source: Path, pointer: str) -> tuple[Path, str]:
        """Follows ``$ref`` from the node at ``pointer`` of ``source`` to the node it names."""
        node = _pointer(self._documents[source], pointer)
        while isinstance(node, dict) and "$ref" in node:
            file_part, _, pointer = str(node["$ref"]).partition("#")
            if file_part:
                source = (source.parent / file_part).resolve()
            node = _pointer(self._documents[source], pointer)
        return source, pointer

    def _retrieve(self, uri: str) -> Resource[Any]:
        path = Path(urlsplit(uri).path)
        if path not in self._closed:
            self._closed[path] = _closed_document(self._documents[path])
        return DRAFT202012.create_resource(self._closed[path])


@cache
def load_spec(directory: Path = SPEC_DIR) -> OpenSearchSpec:
    """The specification, loaded once per test session."""
    return OpenSearchSpec(directory)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _parameter_value(value: str, schema: Mapping[str, Any]) -> Any:
    """A query-string value as the JSON value the parameter's schema describes."""
    if schema.get("type") == "boolean" and value in ("true", "false"):
        return value == "true"
    if schema.get("type") in ("integer", "number") and value.lstrip("-").isdigit():
        return int(value)
    return value


def _closed_document(document: Any) -> Any:
    """A copy of a specification file whose object schemas are closed (see the module).

    A component schema that serves as a part of an ``allOf`` gets an open twin,
    ``<name>__part``, which the ``allOf`` references are redirected to: the part stays open
    where it is composed, and is closed where it is used on its own.
    """
    closed = copy.deepcopy(document)
    _redirect_allof_parts(closed)
    components = closed.get("components") or {}
    schemas = components.get("schemas") or {}
    for name in list(schemas):
        part = copy.deepcopy(schemas[name])
        _close_in_place(part, is_part=True)
        schemas[name + _PART] = part
        _close_in_place(schemas[name], is_part=False)
    for body in (components.get("requestBodies") or {}).values():
        for media in (body.get("content") or {}).values():
            _close_in_place(media.get("schema"), is_part=False)
    return closed


def _redirect_allof_parts(node: Any) -> None:
    if isinstance(node, dict):
        for part in node.get("allOf", []):
            reference = part.get("$ref") if isinstance(part, dict) else None
            if reference and "#/components/schemas/" in reference:
                part["$ref"] = reference + _PART
        for value in node.values():
            _redirect_allof_parts(value)
    elif isinstance(node, list):
        for value in node:
            _redirect_allof_parts(value)


def _close_in_place(schema: Any, *, is_part: bool) -> None:
    if not isinstance(schema, dict):
        return
    opened = any(
        k in schema for k in ("additionalProperties", "patternProperties", "propertyNames")
    )
    composite = "properties" in schema or "allOf" in schema
    if not is_part and not opened and composite and schema.get("type", "object") == "object":
        schema["unevaluatedProperties"] = False
    for key, value in schema.items():
        if key == "allOf":
            for part in value:
                _close_in_place(part, is_part=True)
        elif key in ("properties", "$defs"):
            for child in value.values():
                _close_in_place(child, is_part=False)
        elif key in ("items", "additionalProperties", "not"):
            _close_in_place(value, is_part=False)
        elif key in ("oneOf", "anyOf"):
            for option in value:
                _close_in_place(option, is_part=is_part)


def _describe(error: ValidationError) -> str:
    deepest = error
    while deepest.context:
        deepest = max(deepest.context, key=lambda e: len(list(e.absolute_path)))
    location = "/".join(str(p) for p in deepest.absolute_path) or "(root)"
    return f"at {location}: {deepest.message}"
