"""The labelled set the sample classifier is trained on, assembled from the phrasebooks.

Each example is one demand wrapped the way its channel carries it (a letter's layout, an
agent's call note, a terse SMS with typos...), with context sentences, remarks that fit every
category, and invented names and numbers that the sample referential does not hold.
"""

import json
import random
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sample_generator.phrasebook import CATEGORIES, CategoryPhrases, Phrasebook
from sample_generator.phrasebook_en import ENGLISH
from sample_generator.phrasebook_fr import FRENCH
from sample_generator.referential import Party, identifier_key

EXAMPLES_PER_CATEGORY = 45
CHANNEL_WEIGHTS = {"email": 34, "mail": 14, "sms": 16, "phone": 14, "form": 10, "chat": 12}


@dataclass(frozen=True)
class LabelledExample:
    """One line of training.jsonl: what the customer sent, through which channel, and its label."""

    subject: str
    text: str
    channel: str
    category: str

    def json_line(self) -> str:
        """Return the example as one JSON object on one line (UTF-8 text, not escaped)."""
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass(frozen=True)
class _Context:
    """What one example is written with: language, category, slot values, sender's home."""

    book: Phrasebook
    category: str
    slots: dict[str, str]
    home_lines: tuple[str, str]
    home_city: str

    @property
    def phrases(self) -> CategoryPhrases:
        """The phrases of the example's category in the example's language."""
        return self.book.categories[self.category]

    def example(self, subject: str, text: str, channel: str) -> LabelledExample:
        """The labelled example made of this subject and text."""
        return LabelledExample(subject, text, channel, self.category)

    def fill(self, template: str) -> str:
        """The template with its slots replaced by this example's values."""
        return template.format(**self.slots)


class _SlotValues:
    """Invents the names and numbers of an example, none of them held by the referential."""

    def __init__(self, rng: random.Random, referential: tuple[Party, ...]) -> None:
        self._rng = rng
        self._forbidden = {
            identifier_key(value) for party in referential for value in party.identifiers()
        }

    def _unused(self, make: Callable[[], str]) -> str:
        while True:
            value = make()
            if identifier_key(value) not in self._forbidden:
                return value

    def address(self, book: Phrasebook) -> tuple[str, str, str]:
        """A postal address in the language's country: street line, town line, city."""
        rng = self._rng
        city, postcode = rng.choice(book.towns)
        town = book.town_format.format(city=city, postcode=postcode)
        return f"{rng.randrange(1, 90)} {rng.choice(book.streets)}", town, city

    def draw(self, book: Phrasebook) -> dict[str, str]:
        """One value for every slot of the phrasebooks."""
        rng = self._rng
        day, month = rng.randrange(1, 29), rng.randrange(12)
        french = book.language == "fr"
        euros, cents = rng.randrange(18, 950), rng.randrange(100)
        reading = rng.randrange(1200, 48000)
        woman = rng.random() < 0.5
        first_names = book.women_first_names if woman else book.men_first_names
        title = book.titles[0] if woman else book.titles[1]
        if rng.random() < 0.25:
            written_day = f"{day:02d}/{month + 1:02d}"
        else:
            written_day = f"{_day_of_month(day, book)} {book.months[month]}"
        return {
            "name": f"{rng.choice(first_names)} {rng.choice(book.last_names)}",
            "title": title,
            "customer": self._unused(lambda: f"CLI{rng.randrange(100000, 999999)}"),
            "contract": self._unused(
                lambda: f"CTR-{rng.randrange(2012, 2027)}{rng.randrange(10000):04d}"
            ),
            "invoice": f"{'FAC' if french else 'INV'}-2026-{rng.randrange(100000, 999999)}",
            "amount": f"{euros},{cents:02d}" if french else f"{euros}.{cents:02d}",
            "reading": f"{reading:,}".replace(",", " " if french else ","),
            "day": written_day,
            "address": ", ".join(self.address(book)[:2]),
            "product": rng.choice(book.products),
            "phone": self._unused(
                lambda: (
                    f"06 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}"
                    if french
                    else f"07700 900{rng.randrange(1000):03d}"
                )
            ),
        }


def _day_of_month(day: int, book: Phrasebook) -> str:
    """The day as written before a month name: French says "1er" for the first."""
    return "1er" if day == 1 and book.language == "fr" else str(day)


def _misspell(text: str, rng: random.Random, rate: float) -> str:
    """Hurried typing: a slip in some of the words (rate per word), never inside numbers."""
    words = [
        _slip(word, rng) if len(word) >= 4 and word.isalpha() and rng.random() < rate else word
        for word in text.split(" ")
    ]
    return " ".join(words)


def _slip(word: str, rng: random.Random) -> str:
    """The word with two letters swapped, one dropped or one doubled."""
    position = rng.randrange(1, len(word) - 1)
    mistake = rng.randrange(3)
    if mistake == 0:
        return word[: position - 1] + word[position] + word[position - 1] + word[position + 1 :]
    if mistake == 1:
        return word[:position] + word[position + 1 :]
    return word[:position] + word[position] + word[position:]


def _without_accents(text: str) -> str:
    """The text as typed on a keyboard without accents (é → e, ç → c)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _abbreviated(text: str, book: Phrasebook) -> str:
    """The text with the language's texting shorthands."""
    for long_form, short_form in book.shorthands:
        text = text.replace(long_form, short_form)
    return text


def _body_sentences(context: _Context, rng: random.Random, most_details: int) -> list[str]:
    """The demand, up to most_details context sentences, and perhaps a remark."""
    phrases = context.phrases
    sentences = [context.fill(rng.choice(phrases.demands))]
    detail_count = rng.randint(0, min(most_details, len(phrases.details)))
    sentences.extend(context.fill(d) for d in rng.sample(phrases.details, detail_count))
    if rng.random() < 0.4:
        remark = context.fill(rng.choice(context.book.shared_remarks))
        sentences.insert(rng.randrange(len(sentences) + 1), remark)
    return sentences


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    """Sentences grouped into one or two paragraphs."""
    if len(sentences) < 3 or rng.random() < 0.5:
        return " ".join(sentences)
    cut = rng.randrange(1, len(sentences))
    return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])


def _subject(context: _Context, rng: random.Random) -> str:
    """A subject line: usually the category's, sometimes a vague one that says nothing."""
    if rng.random() < 0.7:
        return context.fill(rng.choice(context.phrases.subjects))
    return context.fill(rng.choice(context.book.generic_subjects))


def _email(context: _Context, rng: random.Random) -> LabelledExample:
    """An email: optional greeting, one or two paragraphs, closing and a signature."""
    book = context.book
    blocks = []
    if rng.random() < 0.8:
        blocks.append(rng.choice(book.greetings))
    blocks.append(_paragraphs(_body_sentences(context, rng, 3), rng))
    signature = [rng.choice(book.closings)] if rng.random() < 0.85 else []
    if rng.random() < 0.9:
        signature.append(context.slots["name"])
    if rng.random() < 0.5:
        signature.append(context.fill(rng.choice(book.signature_lines)))
    if signature:
        blocks.append("\n".join(signature))
    text = "\n\n".join(blocks)
    if rng.random() < 0.3:
        text = _misspell(text, rng, 0.03)
    return context.example(_subject(context, rng), text, "email")


def _letter(context: _Context, rng: random.Random) -> LabelledExample:
    """A paper letter as OCR reads it: sender block, date, subject lines, formal body."""
    book = context.book
    date = f"{_day_of_month(rng.randrange(1, 29), book)} {rng.choice(book.months)} 2026"
    references = []
    if rng.random() < 0.8:
        references.append(book.subject_label + context.fill(rng.choice(context.phrases.subjects)))
    if rng.random() < 0.6:
        references.append(context.fill(book.reference_label))
    blocks = [
        "\n".join([context.slots["name"], *context.home_lines]),
        book.letter_date.format(city=context.home_city, date=date),
        "\n".join(references),
        rng.choice(book.letter_openings),
        _paragraphs(_body_sentences(context, rng, 4), rng),
        rng.choice(book.letter_closings),
        context.slots["name"],
    ]
    return context.example("", "\n\n".join(block for block in blocks if block), "mail")


def _texting(context: _Context, rng: random.Random, channel: str) -> LabelledExample:
    """An SMS or chat message: short, informal, often abbreviated, misspelt or unaccented."""
    book = context.book
    sentences = [context.fill(rng.choice(context.phrases.demands))]
    if rng.random() < 0.35:
        sentences.append(context.fill(rng.choice(context.phrases.details)))
    opening = rng.choice(book.chat_openings)
    text = " ".join([opening, *sentences]) if opening else " ".join(sentences)
    if channel == "sms" and rng.random() < 0.5:
        text += " " + context.slots["name"].split(" ")[0]
    if rng.random() < 0.5:
        text = _abbreviated(text, book)
    if rng.random() < 0.3:
        text = text[0].lower() + text[1:]
    if book.language == "fr" and rng.random() < 0.35:
        text = _without_accents(text)
    return context.example("", _misspell(text, rng, 0.05), channel)


def _call_note(context: _Context, rng: random.Random) -> LabelledExample:
    """The note an agent types after a call: third person, terse, with the follow-up."""
    book = context.book
    parts = [
        context.fill(rng.choice(book.call_openings)),
        context.fill(rng.choice(context.phrases.call_notes)),
        rng.choice(book.call_followups),
    ]
    text = " ".join(part for part in parts if part)
    if rng.random() < 0.3:
        text = _misspell(text, rng, 0.02)
    return context.example("", text, "phone")


def _web_form(context: _Context, rng: random.Random) -> LabelledExample:
    """A web form: the drop-down topic as subject (often 'other'), the number, the message."""
    book = context.book
    topic = context.phrases.form_topic if rng.random() < 0.5 else book.form_other_topic
    customer_label, message_label = book.form_labels
    message = " ".join(_body_sentences(context, rng, 2))
    text = f"{customer_label} {context.slots['customer']}\n{message_label}\n{message}"
    return context.example(topic, text, "form")


_WRITERS: dict[str, Callable[[_Context, random.Random], LabelledExample]] = {
    "email": _email,
    "mail": _letter,
    "sms": lambda context, rng: _texting(context, rng, "sms"),
    "chat": lambda context, rng: _texting(context, rng, "chat"),
    "phone": _call_note,
    "form": _web_form,
}


def _check_names_are_invented(referential: tuple[Party, ...]) -> None:
    """Refuse phrasebook names that a referential party bears: examples must not name one."""
    referential_words = {
        word for party in referential for word in party.display_name.replace("-", " ").split()
    }
    for book in (FRENCH, ENGLISH):
        clashes = referential_words & {
            *book.women_first_names,
            *book.men_first_names,
            *book.last_names,
        }
        if clashes:
            msg = f"{book.language} phrasebook names also in the referential: {sorted(clashes)}"
            raise ValueError(msg)


def build_training_set(
    rng: random.Random, referential: tuple[Party, ...]
) -> tuple[LabelledExample, ...]:
    """Return EXAMPLES_PER_CATEGORY distinct examples per category, shuffled.

    Languages alternate so that each category is about half French, half English; channels
    are drawn by CHANNEL_WEIGHTS. Raises ValueError if a phrasebook name is a referential one.
    """
    _check_names_are_invented(referential)
    slot_values = _SlotValues(rng, referential)
    channels, weights = zip(*CHANNEL_WEIGHTS.items(), strict=True)
    examples: list[LabelledExample] = []
    seen_texts: set[str] = set()
    for category_index, category in enumerate(CATEGORIES):
        for number in range(EXAMPLES_PER_CATEGORY):
            book = FRENCH if (number + category_index) % 2 == 0 else ENGLISH
            while True:
                street, town, city = slot_values.address(book)
                context = _Context(book, category, slot_values.draw(book), (street, town), city)
                example = _WRITERS[rng.choices(channels, weights)[0]](context, rng)
                if example.text not in seen_texts:
                    break
            seen_texts.add(example.text)
            examples.append(example)
    rng.shuffle(examples)
    return tuple(examples)


def training_jsonl(examples: tuple[LabelledExample, ...]) -> str:
    """Render the examples as JSON Lines, one object per line."""
    return "".join(example.json_line() + "\n" for example in examples)
