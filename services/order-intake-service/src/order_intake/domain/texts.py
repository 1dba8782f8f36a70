"""What order intake says about a held order, by code and values.

A hold keeps its English sentence (``message``, as every reader of the API and of OrderHeld
has it) and also the code and values it was made from, so that a reader's console says it in
its own language (the console's catalogue has a sentence for every code here; an unknown code
is shown in English). The English sentences are written here only."""

from dataclasses import dataclass, field

ENGLISH: dict[str, str] = {
    "address.name_missing": "recipient name missing",
    "address.street_missing": "street address missing",
    "address.city_missing": "city missing",
    "address.country_missing": "country code missing",
    "address.country_unknown": "country code '{country}' is not an ISO country code",
    "address.state_missing": "state or province missing (required for {country})",
    "address.postcode_missing": "postcode missing (required for {country})",
    "address.postcode_invalid": "postcode '{postcode}' is not a valid {country} postcode",
    "line.variant_unmapped": "variant '{variant}' of '{title}' is not connected to a catalog product",
    "line.product_unmapped": "product '{title}' is not connected to a catalog product",
    "line.print_files_missing": "'{title}' is connected to a catalog product but has no print file",
    "rule.first_order_of_new_store": "held by rule: first order of a new store",
    "rule.max_total": "held by rule: order total {total} {currency} is above {limit}",
    "rule.max_quantity": "held by rule: {quantity} items is above {limit}",
    "rule.countries": "held by rule: orders to {country} are checked first",
    "approval.awaiting": "waiting for approval before production",
    "approval.delay": "goes to production at {when} unless cancelled or corrected before",
}


@dataclass(frozen=True)
class Text:
    """A sentence by its code and values (strings: each is shown as it is, but ``at``, a time
    in ISO 8601 the console writes in the reader's format)."""

    code: str
    params: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def english(self) -> str:
        return ENGLISH[self.code].format(**self.params)


def say(code: str, **params: object) -> Text:
    if code not in ENGLISH:
        raise KeyError(f"no sentence for {code!r}")
    return Text(code, {name: str(value) for name, value in params.items()})
