"""The background task that sends postbacks: a dispatcher finds the endpoints with due
deliveries and gives each its own lane (a task with its own kept-alive connections), so a
slow or failing endpoint only ever holds up its own deliveries. A lane sends up to
``endpoint_concurrency`` deliveries at once (never two of one order: the next one waits until
the earlier is delivered or given up), records the answers that came in together in one
commit, and ends when its endpoint has nothing in flight nor due."""

import asyncio
from datetime import timedelta

import structlog

from notifier import postback_handlers as handlers
from notifier.ports import Clock, WebhookConnection, WebhookSender
from notifier.postbacks import Delivery, Endpoint, Response, RetrySchedule, webhook_headers
from service_runtime.background import BackgroundTask

log = structlog.get_logger()


class PostbackDelivery(BackgroundTask):
    name = "postback-delivery"

    def __init__(
        self,
        uow_factory,
        sender: WebhookSender,
        clock: Clock,
        *,
        schedule: RetrySchedule,
        timeout_seconds: float,
        sweep_seconds: float,
        endpoint_concurrency: int,
        max_endpoints: int,
        on_endpoint_disabled=None,
    ) -> None:
        super().__init__()
        self._uow_factory = uow_factory
        self._sender = sender
        self._clock = clock
        self._schedule = schedule
        self._lease = timedelta(seconds=timeout_seconds + 30)
        self._sweep_seconds = sweep_seconds
        self._endpoint_concurrency = endpoint_concurrency
        self._max_endpoints = max_endpoints
        self._lanes: dict[str, asyncio.Task] = {}
        self._on_endpoint_disabled = on_endpoint_disabled

    async def run(self) -> None:
        try:
            while True:
                try:
                    await self.dispatch()
                except asyncio.CancelledError:
                    raise
                except Exception as error:  # database down: deliveries stay pending, the next pass retries
                    log.warning("postback.dispatch_failed", error=repr(error))
                await self.sleep(self._sweep_seconds)
        finally:
            lanes = [lane for lane in self._lanes.values() if not lane.done()]
            for lane in lanes:
                lane.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)
            self._lanes.clear()

    async def dispatch(self) -> None:
        """Starts a lane for each endpoint with due deliveries that has none running."""
        self._lanes = {endpoint_id: lane for endpoint_id, lane in self._lanes.items() if not lane.done()}
        room = self._max_endpoints - len(self._lanes)
        if room <= 0:
            return
        due = await handlers.endpoints_due(uow=self._uow_factory(), clock=self._clock, limit=room + len(self._lanes))
        for endpoint_id in due:
            if endpoint_id not in self._lanes and len(self._lanes) < self._max_endpoints:
                self._lanes[endpoint_id] = asyncio.create_task(self._lane(endpoint_id), name=f"postbacks:{endpoint_id}")

    async def _lane(self, endpoint_id: str) -> None:
        """Keeps up to ``endpoint_concurrency`` attempts of the endpoint in flight over the
        lane's open connections. Each round records, in one commit, the attempts answered
        since the last one and claims more as slots free up (or every sweep); the lane ends
        once nothing is in flight nor due."""
        in_flight: set[asyncio.Task[tuple[str, Response]]] = set()
        answered: list[tuple[str, Response]] = []
        try:
            async with self._sender.connection() as connection:
                while True:
                    free = self._endpoint_concurrency - len(in_flight)
                    if answered or free > 0:
                        lane_round = await handlers.record_and_claim(
                            endpoint_id,
                            answered,
                            uow=self._uow_factory(),
                            clock=self._clock,
                            schedule=self._schedule,
                            limit=free,
                            lease=self._lease,
                        )
                        answered = []
                        if any(outcome.endpoint_disabled for outcome in lane_round.outcomes):
                            if self._on_endpoint_disabled is not None:
                                self._on_endpoint_disabled()
                        if lane_round.claimed and lane_round.endpoint is not None:
                            endpoint = lane_round.endpoint
                            in_flight.update(
                                asyncio.create_task(self._attempt(connection, endpoint, delivery))
                                for delivery in lane_round.claimed
                            )
                    if not in_flight:
                        return
                    done, pending = await asyncio.wait(
                        in_flight, timeout=self._sweep_seconds, return_when=asyncio.FIRST_COMPLETED
                    )
                    answered = [attempt.result() for attempt in done]
                    in_flight = set(pending)
        except asyncio.CancelledError:
            for attempt in in_flight:
                attempt.cancel()
            raise
        except Exception as error:  # database down: the leases run out and the deliveries are due again
            log.warning("postback.lane_failed", endpoint_id=endpoint_id, unrecorded=len(answered), error=repr(error))
            await asyncio.gather(*in_flight, return_exceptions=True)
        finally:
            self.wake()  # the dispatcher looks again (the lane may have stopped with work left)

    async def _attempt(
        self, connection: WebhookConnection, endpoint: Endpoint, delivery: Delivery
    ) -> tuple[str, Response]:
        headers = webhook_headers(endpoint, webhook_id=delivery.id, body=delivery.body, now=self._clock.now())
        return delivery.id, await connection.post(endpoint.url, headers=headers, body=delivery.body)
