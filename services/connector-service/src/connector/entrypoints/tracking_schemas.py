"""What GET /stores/{id}/orders/{platform_order_id}/tracking returns."""

from datetime import datetime

from pydantic import BaseModel, Field

from connector.entrypoints.schemas import ProblemPublic


class ParcelPublic(BaseModel):
    order_id: str = Field(description="The order's id in order intake")
    tracking_number: str
    carrier: str | None = None
    tracking_url: str | None = None
    line_ids: list[str] = Field(description="Order intake's lines in the parcel; empty: the whole order")
    state: str = Field(description="pending, pushed, confirmed, mismatch, failed or not_applicable")
    said: ProblemPublic = Field(description="The state in the reader's language")
    attempts: int
    next_attempt_at: datetime | None = Field(default=None, description="When a pending push is tried again")
    last_error: ProblemPublic | None = Field(default=None, description="Why the last attempt did not succeed")
    pushed_at: datetime | None = None
    confirmed_at: datetime | None = Field(default=None, description="When the shop was seen showing the tracking")


class OrderTrackingPublic(BaseModel):
    store_id: str
    platform_order_id: str
    parcels: list[ParcelPublic]
