"""``python -m bench.shopify_simulator``: the Shopify simulator of libs/platform-simulators with
the bench's settings (catalog size, the GraphQL cost bucket) and a clock on its GraphQL endpoint.

``GET /bench/graphql`` answers how many GraphQL requests came, the seconds the simulator spent
answering them, and the span from the first one's arrival to the last one's answer: the rest of
the span is the client's time between calls (its throttle waits, its own work on each page)."""

import argparse
import time
from typing import Any

import uvicorn
from fastapi import Request
from platform_simulators.shopify import SimulatorConfig, create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--products", type=int, default=2500, help="products per shop")
    parser.add_argument("--variants", type=int, default=4, help="variants per product")
    parser.add_argument("--restore-rate", type=float, default=100.0, help="cost points restored a second")
    parser.add_argument("--bucket-max", type=float, default=2000.0, help="cost points the bucket holds")
    args = parser.parse_args()
    config = SimulatorConfig(
        catalog_products=args.products,
        variants_per_product=args.variants,
        restore_rate=args.restore_rate,
        bucket_max=args.bucket_max,
        demo_shops=(),
    )
    app = create_app(config)
    stats: dict[str, Any] = {"requests": 0, "busy_seconds": 0.0, "first_at": None, "last_at": None}

    @app.middleware("http")
    async def clock(request: Request, call_next: Any) -> Any:
        if not request.url.path.endswith("/graphql.json"):
            return await call_next(request)
        started = time.monotonic()
        if stats["first_at"] is None:
            stats["first_at"] = started
        response = await call_next(request)
        stats["last_at"] = time.monotonic()
        stats["requests"] += 1
        stats["busy_seconds"] += stats["last_at"] - started
        return response

    @app.get("/bench/graphql")
    async def graphql_stats() -> Any:
        span = (stats["last_at"] - stats["first_at"]) if stats["first_at"] is not None else 0.0
        return {
            "requests": stats["requests"],
            "busy_seconds": round(stats["busy_seconds"], 3),
            "span_seconds": round(span, 3),
        }

    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
