"""The ops command line. The Kafka address and topic prefix come from
STOREFRONTS_KAFKA_BOOTSTRAP and STOREFRONTS_TOPIC_PREFIX, as for the services; topic and
group names are given and shown without the prefix.

    python -m service_runtime.ops tail clients.v1                    the last 10 events per partition
    python -m service_runtime.ops tail access.v1 --follow            ... then every new one (Ctrl-C ends)
    python -m service_runtime.ops tail access.v1 --from-beginning --correlation-id 3f2a...
    python -m service_runtime.ops lag [--group access-service]       consumer lag per partition
    python -m service_runtime.ops dead-letters list [TOPIC]          see python -m service_runtime.dead_letters
    python -m service_runtime.ops invitation-link [--to EMAIL] [--token] [--wait 30]  the newest invitation mail's link
    python -m service_runtime.ops gateway                            the web app behind the gateway's /readyz and /docs/
"""

import argparse
import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path

from service_runtime import dead_letters
from service_runtime.ops.kafka_topics import TopicNotFound, tail
from service_runtime.ops.lag import consumer_lag


def _kafka() -> tuple[str, str]:
    return os.environ.get("STOREFRONTS_KAFKA_BOOTSTRAP", "127.0.0.1:9092"), os.environ.get(
        "STOREFRONTS_TOPIC_PREFIX", ""
    )


async def _tail(args: argparse.Namespace) -> int:
    bootstrap, prefix = _kafka()
    try:
        async for record in tail(
            bootstrap,
            prefix + args.topic,
            last=None if args.from_beginning else args.last,
            from_beginning=args.from_beginning,
            follow=args.follow,
            correlation_id=args.correlation_id,
            display_topic=args.topic,
        ):
            print(json.dumps(record.as_dict()) if args.json else record.line(), flush=True)
    except TopicNotFound:
        print(f"topic {prefix + args.topic} does not exist on {bootstrap}", file=sys.stderr)
        return 2
    return 0


async def _lag(args: argparse.Namespace) -> int:
    bootstrap, prefix = _kafka()
    rows = await consumer_lag(bootstrap, prefix=prefix, group=args.group)
    if args.json:
        for row in rows:
            print(json.dumps(row.as_dict()))
    else:
        print(f"{'GROUP':<32} {'TOPIC':<40} {'PART':>4} {'COMMITTED':>10} {'END':>10} {'LAG':>8}")
        for row in rows:
            print(f"{row.group:<32} {row.topic:<40} {row.partition:>4} {row.committed:>10} {row.end:>10} {row.lag:>8}")
    if not rows:
        print(
            f"no consumer group has committed offsets on {bootstrap}"
            + (f" (group {args.group!r})" if args.group else ""),
            file=sys.stderr,
        )
    return 0


def _invitation_link(args: argparse.Namespace) -> int:
    import time

    from service_runtime.ops.mail import NoInvitation, invitation_link, token_of

    deadline = time.monotonic() + args.wait
    while True:
        try:
            link = invitation_link(Path(args.maildir), args.to)
            print(token_of(link) if args.token else link)
            return 0
        except NoInvitation as error:
            if time.monotonic() >= deadline:
                print(error, file=sys.stderr)
                return 1
        time.sleep(0.5)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service_runtime.ops",
        description="Watch the topics, consumer lag and dead letters of the platform.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    tail_parser = commands.add_parser(
        "tail", help="a topic's events, decoded (type, key, subject, correlation id, time)"
    )
    tail_parser.add_argument("topic", help="e.g. access.v1, clients.v1.dlq.access-service")
    start = tail_parser.add_mutually_exclusive_group()
    start.add_argument("--last", type=int, default=10, metavar="N", help="the last N records of each partition (10)")
    start.add_argument("--from-beginning", action="store_true", help="every record the topic still holds")
    tail_parser.add_argument("--follow", "-f", action="store_true", help="then wait for new records (Ctrl-C ends)")
    tail_parser.add_argument("--correlation-id", help="only the events of this request")
    tail_parser.add_argument("--json", action="store_true", help="one JSON object per line")
    lag_parser = commands.add_parser("lag", help="each consumer group's lag per partition (end - committed)")
    lag_parser.add_argument("--group", help="only this group, e.g. access-service")
    lag_parser.add_argument("--json", action="store_true", help="one JSON object per line")
    letters = commands.add_parser("dead-letters", help="list and replay dead letters", add_help=False)
    letters.add_argument("rest", nargs=argparse.REMAINDER)
    link = commands.add_parser("invitation-link", help="the invitation link of the newest mail the SMTP catcher got")
    link.add_argument("--to", help="only mail to this address")
    link.add_argument("--token", action="store_true", help="print the token alone")
    link.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="wait up to this long for the mail to arrive (it is sent asynchronously)",
    )
    link.add_argument(
        "--maildir",
        default=os.environ.get("STOREFRONTS_MAILDIR", "var/run/mail"),
        help="where deploy/smtp.sh stores mail (STOREFRONTS_MAILDIR, var/run/mail)",
    )
    commands.add_parser("gateway", help="serve /readyz (every service's readiness) and /docs/ for the gateway")
    args = parser.parse_args(argv)
    if args.command == "dead-letters":
        return dead_letters.main(args.rest)
    if args.command == "invitation-link":
        return _invitation_link(args)
    if args.command == "gateway":
        from service_runtime.ops import gateway

        gateway.serve()
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(_tail(args) if args.command == "tail" else _lag(args))
    return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
