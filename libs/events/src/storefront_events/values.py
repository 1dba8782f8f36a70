"""Value types shared by several events: platforms, money, addresses, print files."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field


def _to_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


#: A timezone-aware datetime, normalised to UTC.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]

#: The shop platforms a store can live on; `manual` is a store without a platform.
Platform = Literal["shopify", "etsy", "woocommerce", "pressero", "manual"]

#: An amount in the major unit of its currency, serialised as a string ("12.50").
Money = Annotated[Decimal, Field(description="Amount in major currency units, serialised as a string")]

CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code")]

#: Roles of a Storefronts user inside a client account.
Role = Literal["admin", "store_manager", "order_manager", "read_only"]


class Value(BaseModel):
    """Base of the value objects nested in events: frozen and tolerant like events."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Address(Value):
    """A postal address as given by the shop (shipping or billing)."""

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str = Field(description="First address line (street)")
    address2: str | None = None
    city: str
    state: str | None = Field(default=None, description="State / province / region code or name")
    postcode: str | None = None
    country_code: CountryCode
    email: str | None = None
    phone: str | None = None


class LineAttribute(Value):
    """A name/value attribute of an order line: personalisation text, uploaded-file link, option."""

    name: str
    value: str


class PrintFile(Value):
    """A print-ready file of a production line, e.g. the `default` (front) area."""

    type: str = Field(default="default", description="Print area: default, back, ...")
    url: str = Field(description="URL the production site downloads the file from")
