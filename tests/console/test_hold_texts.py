"""The console says every hold order intake makes: each code of order intake's sentences
(order_intake.domain.texts) has a sentence in both of the console's catalogues, the English one
the service's own words, with the same values."""

import json
import re

from order_intake.domain.texts import ENGLISH

from .conftest import REPO

MESSAGES = REPO / "console" / "src" / "i18n" / "messages.ts"


def _catalogues() -> tuple[dict[str, str], dict[str, str]]:
    text = MESSAGES.read_text()
    english, french = text.split("export const fr", 1)
    entry = re.compile(r'^\s*("holdText\.[^"]+"):\s*(".*"),$', re.MULTILINE)
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
