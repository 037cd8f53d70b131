"""summarize_calendar: the what and when of an iCalendar invitation, readable."""

from ingest_svc.calendar_text import summarize_calendar


def test_invitation_summary_start_end_and_location() -> None:
    ics = (
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
        'ORGANIZER;CN="Durand: expert":mailto:expert@example.fr\r\n'
        "DTSTART;TZID=Europe/Paris:20240312T143000\r\nDTEND:20240312T143000Z\r\n"
        "SUMMARY:Expertise du véhicule\\, dossier 4521 \\; suite\r\n"
        "LOCATION:Garage Central\\nLyon\r\n"
        "BEGIN:VALARM\r\nSUMMARY:Rappel\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    assert summarize_calendar(ics) == (
        "Calendar invitation: Expertise du véhicule, dossier 4521 ; suite\n"
        "Start: 2024-03-12 14:30 Europe/Paris\n"
        "End: 2024-03-12 14:30 UTC\n"
        "Location: Garage Central\nLyon"
    )


def test_folded_lines_are_unfolded() -> None:
    ics = "BEGIN:VEVENT\r\nSUMMARY:Rendez-vous pour la signature\r\n  du contrat\r\nEND:VEVENT\r\n"

    assert summarize_calendar(ics) == "Calendar event: Rendez-vous pour la signature du contrat"


def test_cancellation_with_a_whole_day_event() -> None:
    ics = (
        "BEGIN:VCALENDAR\nMETHOD:CANCEL\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20240401\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )

    assert summarize_calendar(ics) == "Calendar cancellation\nStart: 2024-04-01"


def test_each_event_is_summarised() -> None:
    ics = (
        "BEGIN:VEVENT\nSUMMARY:Un\nEND:VEVENT\n"
        "BEGIN:VEVENT\nSUMMARY:Deux\nDTSTART:bientôt\nEND:VEVENT\n"
    )

    assert summarize_calendar(ics) == "Calendar event: Un\n\nCalendar event: Deux\nStart: bientôt"


def test_text_without_event_gives_nothing() -> None:
    assert summarize_calendar("BEGIN:VCALENDAR\nEND:VCALENDAR\n") == ""
    assert summarize_calendar("pas un calendrier") == ""
