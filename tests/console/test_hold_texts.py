"""The console says every hold and every history entry order intake makes: each code of order
intake's sentences (order_intake.domain.texts) has a sentence in both of the console's
catalogues, the English one the service's own words, with the same values; the shorter words of
a hold after its title use only that hold's values."""

import json
import re

from order_intake.domain.texts import ENGLISH, HISTORY, LINES, ORDER_CSV

from .conftest import REPO

MESSAGES = REPO / "console" / "src" / "i18n" / "messages.ts"


def _catalogues(prefix: str = "holdText") -> tuple[dict[str, str], dict[str, str]]:
    text = MESSAGES.read_text()
    english, french = text.split("export const fr", 1)
    entry = re.compile(rf'^\s*("{re.escape(prefix)}\.[^"]+"):\s*(".*"),$', re.MULTILINE)
    return (
        {json.loads(k): json.loads(v) for k, v in entry.findall(english)},
        {json.loads(k): json.loads(v) for k, v in entry.findall(french)},
    )


def test_every_hold_code_is_said_in_english_and_french():
    english, french = _catalogues()
    for code, sentence in ENGLISH.items():
        assert english.get(f"holdText.{code}") == sentence, code
        assert set(re.findall(r"\{(\w+)\}", french[f"holdText.{code}"])) == set(re.findall(r"\{(\w+)\}", sentence)), (
            code
        )


def _values(sentence: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", sentence))


def test_every_history_code_is_said_in_english_and_french():
    english, french = _catalogues("historyText")
    assert HISTORY, "no history sentence"
    for code, sentence in HISTORY.items():
        assert english.get(f"historyText.{code}") == sentence, code
        assert _values(french[f"historyText.{code}"]) == _values(sentence), code


def test_a_holds_shorter_words_use_only_its_values():
    english, french = _catalogues("holdDetail")
    assert english and set(english) == set(french)
    for key in english:
        code = key.removeprefix("holdDetail.")
        assert code in ENGLISH, key
        assert _values(english[key]) <= _values(ENGLISH[code]) and _values(french[key]) <= _values(ENGLISH[code]), key


def test_every_row_error_code_of_an_order_import_is_said_in_english_and_french():
    english, french = _catalogues("importText")
    assert set(english) == set(french) == {f"importText.{code}" for code in LINES | ORDER_CSV}
    for code, sentence in (LINES | ORDER_CSV).items():
        assert english[f"importText.{code}"] == sentence, code
        assert _values(french[f"importText.{code}"]) == _values(sentence), code
