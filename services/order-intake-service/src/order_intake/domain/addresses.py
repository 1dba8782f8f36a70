"""Shipping addresses checked before an order goes to production. Rules only: no I/O."""

import re
from dataclasses import dataclass

from order_intake.domain.errors import InvalidOrderInput
from order_intake.domain.texts import Text, say

#: ISO 3166-1 alpha-2 country codes (officially assigned).
ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
    BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
    FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE
    RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT
    TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()
)

#: Postcode formats of the main markets.
POSTCODE_FORMATS = {
    "US": re.compile(r"^\d{5}(-\d{4})?$"),
    "CA": re.compile(r"^[A-Z]\d[A-Z] ?\d[A-Z]\d$", re.IGNORECASE),
    "GB": re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.IGNORECASE),
    "FR": re.compile(r"^\d{5}$"),
    "DE": re.compile(r"^\d{5}$"),
    "NL": re.compile(r"^\d{4} ?[A-Z]{2}$", re.IGNORECASE),
    "BE": re.compile(r"^\d{4}$"),
    "ES": re.compile(r"^\d{5}$"),
    "IT": re.compile(r"^\d{5}$"),
    "AU": re.compile(r"^\d{4}$"),
}

#: Countries whose carriers need a state or province.
STATE_REQUIRED = frozenset({"US", "CA", "AU"})

#: Countries without postcodes (everywhere else one is required).
NO_POSTCODE = frozenset(
    "AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH GM GQ GY HK JM KI KM KN KP LC ML MO MR "
    "MW NR NU QA RW SB SC SL SO SR SS ST SY TD TF TG TK TL TO TT TV UG VU YE ZW".split()
)


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; every field may be missing until checked."""

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    postcode: str | None = None
    country_code: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def recipient(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part and part.strip())


@dataclass(frozen=True, slots=True)
class AddressProblem:
    """One field of an address that stops production, said so a client understands."""

    field: str
    text: Text

    @property
    def message(self) -> str:
        return self.text.english


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def check_address(address: Address) -> list[AddressProblem]:
    """Required fields by country, an ISO country code, the postcode's format in the main markets."""
    problems: list[AddressProblem] = []
    if _blank(address.recipient) and _blank(address.company):
        problems.append(AddressProblem("name", say("address.name_missing")))
    if _blank(address.address1):
        problems.append(AddressProblem("address1", say("address.street_missing")))
    if _blank(address.city):
        problems.append(AddressProblem("city", say("address.city_missing")))
    country = (address.country_code or "").strip().upper()
    if not country:
        problems.append(AddressProblem("country_code", say("address.country_missing")))
        return problems
    if country not in ISO_COUNTRIES:
        problems.append(AddressProblem("country_code", say("address.country_unknown", country=address.country_code)))
        return problems
    if country in STATE_REQUIRED and _blank(address.state):
        problems.append(AddressProblem("state", say("address.state_missing", country=country)))
    postcode = (address.postcode or "").strip()
    if not postcode:
        if country not in NO_POSTCODE:
            problems.append(AddressProblem("postcode", say("address.postcode_missing", country=country)))
    elif (pattern := POSTCODE_FORMATS.get(country)) is not None and not pattern.match(postcode):
        problems.append(AddressProblem("postcode", say("address.postcode_invalid", postcode=postcode, country=country)))
    return problems


def refuse_impossible_country(address: Address, *, field: str) -> None:
    """Where a person gives an address (placing an order, correcting one), a country code that
    cannot be one (not two letters: a country's name, an alpha-3 code) is refused at once, the
    field named, in words of ours (the code and values go along, for the reader's language). Two
    letters that are not an ISO code hold the order, as for any source."""
    country = (address.country_code or "").strip()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        text = say("address.country_unknown", country=country[:20])
        raise InvalidOrderInput(
            text.english[:1].upper() + text.english[1:] + ".",
            key=text.code,
            values=text.params,
            field=field,
            code=text.code,
            params=text.params,
        )
