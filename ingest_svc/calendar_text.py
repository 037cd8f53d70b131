"""Readable summary of an iCalendar (RFC 5545) invitation sent by mail.

A meeting request carries its subject and time only inside the ``text/calendar`` part; the
summary puts them in the request's text, where classification and correlation can see them.
"""

import re
from dataclasses import dataclass, field

_FOLDED_LINE = re.compile(r"\r?\n[ \t]")
_TEXT_ESCAPE = re.compile(r"\\([nN,;\\])")
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z?))?")
_METHOD_WORDS = {"REQUEST": "invitation", "CANCEL": "cancellation", "REPLY": "reply"}
_DEFAULT_METHOD_WORD = "event"
_SHOWN_PROPERTIES = (("DTSTART", "Start"), ("DTEND", "End"), ("LOCATION", "Location"))


def summarize_calendar(ics: str) -> str:
    """Return a few readable lines per event (VEVENT) of the iCalendar text ``ics``.

    For each event: ``Calendar <invitation|cancellation|reply|event>: <SUMMARY>``, then its
    start, end and location when present, dates written ``YYYY-MM-DD HH:MM`` followed by ``UTC``
    or the time zone id. Text escapes (``\\n``, ``\\,``) are undone. Returns "" when ``ics``
    holds no event; never raises on malformed input (unreadable values are shown as they are).
    """
    method = ""
    events: list[_Event] = []
    current: _Event | None = None
    # Components nested in an event (alarms) have their own SUMMARY and DESCRIPTION.
    nested_depth = 0
    for line in _FOLDED_LINE.sub("", ics).splitlines():
        name, parameters, value = _split_property(line)
        component = value.strip().upper()
        if current is None:
            if name == "BEGIN" and component == "VEVENT":
                current = _Event()
            elif name == "METHOD":
                method = component
        elif name == "BEGIN":
            nested_depth += 1
        elif name == "END" and nested_depth:
            nested_depth -= 1
        elif name == "END" and component == "VEVENT":
            events.append(current)
            current = None
        elif not nested_depth:
            current.properties.setdefault(name, (parameters, value))
    method_word = _METHOD_WORDS.get(method, _DEFAULT_METHOD_WORD)
    return "\n\n".join(event.summary(method_word) for event in events)


@dataclass
class _Event:
    properties: dict[str, tuple[dict[str, str], str]] = field(default_factory=dict)

    def summary(self, method_word: str) -> str:
        _, title = self.properties.get("SUMMARY", ({}, ""))
        heading = f"Calendar {method_word}"
        title = _unescape(title).strip()
        lines = [f"{heading}: {title}" if title else heading]
        for name, label in _SHOWN_PROPERTIES:
            if name in self.properties:
                parameters, value = self.properties[name]
                shown = _unescape(value) if name == "LOCATION" else _date(value, parameters)
                if shown.strip():
                    lines.append(f"{label}: {shown.strip()}")
        return "\n".join(lines)


def _split_property(line: str) -> tuple[str, dict[str, str], str]:
    """Splits ``NAME;PARAM=x;PARAM="a:b":value`` at the first colon outside quotes."""
    in_quotes = False
    for index, character in enumerate(line):
        if character == '"':
            in_quotes = not in_quotes
        elif character == ":" and not in_quotes:
            head, value = line[:index], line[index + 1 :]
            break
    else:
        return "", {}, ""
    name, *raw_parameters = head.split(";")
    parameters = {}
    for raw_parameter in raw_parameters:
        key, _, parameter_value = raw_parameter.partition("=")
        parameters[key.strip().upper()] = parameter_value.strip('"')
    return name.strip().upper(), parameters, value


def _date(value: str, parameters: dict[str, str]) -> str:
    match = _DATE_TIME.fullmatch(value.strip())
    if match is None:
        return value
    year, month, day, hour, minute, _, utc = match.groups()
    if hour is None:
        return f"{year}-{month}-{day}"
    zone = "UTC" if utc else parameters.get("TZID", "")
    return f"{year}-{month}-{day} {hour}:{minute} {zone}".rstrip()


def _unescape(text: str) -> str:
    return _TEXT_ESCAPE.sub(lambda match: "\n" if match[1] in "nN" else match[1], text)
