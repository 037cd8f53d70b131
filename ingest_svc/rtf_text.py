"""RTF bodies (Outlook's rich text, the compressed RTF inside TNEF) made into the text a person
reads.

Outlook stores a body as RTF in three flavours: real rich text, HTML encapsulated in RTF
(``\\fromhtml``) and plain text encapsulated in RTF (``\\fromtext``). Rendering the RTF itself
gives the readable text of all three: the encapsulated markup sits in ignorable ``\\*``
destinations, which are skipped like font tables, pictures and document properties. Bytes are
decoded in the document's code page (``\\ansicpgN``), or the one of the current font's charset.
"""

import re

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, optional parameter, delimiting space
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the current code page
    rb"|\\([^a-zA-Z])"  # control symbol
    rb"|([{}])"  # group
    rb"|[\r\n]+"  # line breaks of the file, not of the text
    rb"|([^\\{}\r\n]+)",  # text
    re.DOTALL,
)
# Groups that hold no readable text (tables, pictures, properties, fields' instructions).
_DESTINATIONS = frozenset(
    {
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "headerl",
        "headerr", "headerf", "footer", "footerl", "footerr", "footerf", "footnote", "xe", "tc",
        "fldinst", "themedata", "colorschememapping", "latentstyles", "datastore", "xmlnstbl",
        "listtable", "listoverridetable", "rsidtbl", "generator", "filetbl", "revtbl",
        "pgdsctbl", "mmathPr", "nonshppict", "shpinst", "annotation", "atnid", "private",
        "userprops", "docvar", "template", "falt", "fname", "panose", "bkmkstart", "bkmkend",
    }
)  # fmt: skip
_WORD_TEXT = {
    "par": "\n",
    "line": "\n",
    "sect": "\n\n",
    "page": "\n\n",
    "row": "\n",
    "tab": "\t",
    "cell": "\t",
    "emdash": "\u2014",
    "endash": "\u2013",
    "emspace": " ",
    "enspace": " ",
    "bullet": "\u2022",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
}
_SYMBOL_TEXT = {"~": "\u00a0", "_": "\u2011", "-": "", "\\": "\\", "{": "{", "}": "}"}
# \fcharset numbers (Windows character sets) and the code pages they mean.
_CHARSET_CODEPAGES = {
    77: "mac_roman",
    128: "cp932",
    129: "cp949",
    134: "cp936",
    136: "cp950",
    161: "cp1253",
    162: "cp1254",
    163: "cp1258",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
}
_DEFAULT_CODEPAGE = "cp1252"
_SIGNED_16_BITS_MIN = -0x8000
_REPLACEMENT = "\ufffd"
_TRAILING_SPACES = re.compile(r"[ \t\u00a0]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


def rtf_to_text(rtf: bytes) -> str:
    """Return the readable text of the RTF document ``rtf``; never raises.

    Paragraphs and line breaks become line breaks, ``\\uN`` characters and ``\\'hh`` bytes are
    decoded, destinations without readable text are skipped; trailing spaces and runs of blank
    lines are removed. Bytes that are not RTF come back as text decoded in Windows-1252.
    """
    reader = _RtfReader()
    for token in _TOKEN.finditer(rtf):
        reader.read(token)
    # Characters beyond the BMP arrive as two \u surrogates: joined here, lone ones replaced.
    text = reader.text().encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _TRAILING_SPACES.sub("\n", text.replace("\x00", ""))
    return _BLANK_LINES.sub("\n\n", text).strip()


class _Group:
    """The state a group inherits from its parent and may change for itself."""

    def __init__(self, skipped: bool, fallback_length: int, codepage: str) -> None:
        self.skipped = skipped
        self.fallback_length = fallback_length
        self.codepage = codepage
        self.opened = True
        """Nothing has been read in the group yet: its first control word may be a destination."""


class _RtfReader:
    """Reads RTF tokens in order, keeping the text of the groups that are not skipped."""

    def __init__(self) -> None:
        self._group = _Group(skipped=False, fallback_length=1, codepage=_DEFAULT_CODEPAGE)
        self._stack: list[_Group] = []
        self._pieces: list[str] = []
        self._pending = bytearray()
        self._pending_codepage = _DEFAULT_CODEPAGE
        self._fallback_to_skip = 0
        self._document_codepage = _DEFAULT_CODEPAGE
        self._font_codepages: dict[int, str] = {}
        self._font_being_defined: int | None = None

    def read(self, token: re.Match[bytes]) -> None:
        """Applies one token."""
        word, parameter, hex_byte, symbol, brace, text = token.groups()
        if brace is not None:
            self._brace(brace)
        elif word is not None:
            self._word(word.decode("ascii"), int(parameter) if parameter is not None else None)
        elif hex_byte is not None:
            self._bytes(bytes.fromhex(hex_byte.decode("ascii")), counts_as=1)
        elif symbol is not None:
            self._symbol(symbol.decode("latin-1"))
        elif text is not None:
            self._group.opened = False
            self._bytes(text, counts_as=len(text))

    def text(self) -> str:
        """The text read so far."""
        self._flush()
        return "".join(self._pieces)

    def _brace(self, brace: bytes) -> None:
        self._fallback_to_skip = 0
        if brace == b"{":
            parent = self._group
            self._stack.append(parent)
            self._group = _Group(parent.skipped, parent.fallback_length, parent.codepage)
        elif self._stack:
            self._group = self._stack.pop()

    def _word(self, word: str, parameter: int | None) -> None:
        opened, self._group.opened = self._group.opened, False
        if self._fallback_to_skip:
            self._fallback_to_skip -= 1
            return
        if opened and word in _DESTINATIONS:
            self._group.skipped = True
        if word == "fonttbl":
            self._font_being_defined = None
        elif word == "ansicpg" and parameter is not None:
            self._document_codepage = f"cp{parameter}"
            self._group.codepage = self._document_codepage
        elif word == "f" and parameter is not None:
            self._font(parameter)
        elif word == "fcharset" and parameter is not None and self._font_being_defined is not None:
            self._font_codepages[self._font_being_defined] = _CHARSET_CODEPAGES.get(
                parameter, self._document_codepage
            )
        elif word == "uc" and parameter is not None:
            self._group.fallback_length = max(parameter, 0)
        elif word == "u" and parameter is not None:
            # \u takes a signed 16-bit UTF-16 unit: those above 32767 are written negative.
            unit = parameter % 0x10000 if _SIGNED_16_BITS_MIN <= parameter < 0x10000 else None
            self._emit(chr(unit) if unit is not None else _REPLACEMENT)
            self._fallback_to_skip = self._group.fallback_length
        elif word in _WORD_TEXT:
            self._emit(_WORD_TEXT[word])

    def _font(self, number: int) -> None:
        if self._group.skipped:
            # Inside the font table, \fN opens the definition of font N.
            self._font_being_defined = number
        else:
            self._group.codepage = self._font_codepages.get(number, self._document_codepage)

    def _symbol(self, symbol: str) -> None:
        opened, self._group.opened = self._group.opened, False
        if symbol == "*":
            if opened:
                self._group.skipped = True
            return
        if self._fallback_to_skip:
            self._fallback_to_skip -= 1
            return
        if symbol in _SYMBOL_TEXT:
            self._emit(_SYMBOL_TEXT[symbol])

    def _bytes(self, data: bytes, *, counts_as: int) -> None:
        if self._fallback_to_skip:
            skipped = min(self._fallback_to_skip, counts_as)
            self._fallback_to_skip -= skipped
            if counts_as > 1:
                data = data[skipped:]
            else:
                return
        if self._group.skipped or not data:
            return
        if self._group.codepage != self._pending_codepage:
            self._flush()
            self._pending_codepage = self._group.codepage
        self._pending.extend(data)

    def _emit(self, text: str) -> None:
        if not self._group.skipped:
            self._flush()
            self._pieces.append(text)

    def _flush(self) -> None:
        if not self._pending:
            return
        try:
            self._pieces.append(self._pending.decode(self._pending_codepage, "replace"))
        except LookupError:
            self._pieces.append(self._pending.decode(_DEFAULT_CODEPAGE, "replace"))
        self._pending.clear()
