"""What the client API accepts and returns."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from client.domain import DESCRIPTION_MAX, NAME_MAX, REFERENCE_MAX, Client


class ClientCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Acme Prints", "reference_id": "ACME-001", "description": "Posters"}]},
    )

    name: str = Field(max_length=NAME_MAX, description="The client's company name (required)")
    reference_id: str | None = Field(
        default=None, max_length=REFERENCE_MAX, description="Unique ID from your own system"
    )
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)


class ClientUpdate(BaseModel):
    """Only the fields sent are changed; send null to clear reference or description."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=NAME_MAX)
    reference_id: str | None = Field(default=None, max_length=REFERENCE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)


class ClientPublic(BaseModel):
    id: str
    name: str
    reference_id: str | None
    description: str | None
    status: str = Field(description="active or archived")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, client: Client) -> "ClientPublic":
        return cls(
            id=client.id,
            name=client.name,
            reference_id=client.reference_id,
            description=client.description,
            status="archived" if client.archived else "active",
            created_at=client.created_at,
            updated_at=client.updated_at,
        )


class ClientPage(BaseModel):
    items: list[ClientPublic]
    next_cursor: str | None = Field(description="Pass as ?cursor= to get the next page; null on the last page")
