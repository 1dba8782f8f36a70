"""Command line of the access service."""

import argparse
import asyncio
import os

from access.settings import AccessSettings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m access")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="Serve the HTTP API and the consumers (the default)")
    commands.add_parser("rotate-key", help="Add a new token signing key; the previous one is retired")
    operator = commands.add_parser("create-operator", help="Create an operator, or reset an operator's password")
    operator.add_argument("--email", required=True)
    operator.add_argument(
        "--password", default=os.environ.get("ACCESS_OPERATOR_PASSWORD"), help="or ACCESS_OPERATOR_PASSWORD"
    )
    operator.add_argument("--first-name", default="Storefronts")
    operator.add_argument("--last-name", default="Operator")
    clear = commands.add_parser(
        "clear-login-limit", help="Let an account sign in again at once after failed attempts slowed it down"
    )
    clear.add_argument("--email", required=True)
    args = parser.parse_args(argv)
    settings = AccessSettings()
    if args.command in (None, "serve"):
        return _serve(settings)
    if args.command == "create-operator" and not args.password:
        parser.error("--password or ACCESS_OPERATOR_PASSWORD is required")
    return asyncio.run(_admin(settings, args))


def _serve(settings: AccessSettings) -> int:
    from access.main import create_app
    from service_runtime.http import serve

    serve(create_app(settings), host=settings.bind_host, port=settings.port)
    return 0


async def _admin(settings: AccessSettings, args: argparse.Namespace) -> int:
    from access.bootstrap import build
    from access.handlers.auth import clear_login_limit, create_operator
    from service_runtime.problems import DomainError

    if args.command == "rotate-key":
        settings.require_secret_keys()  # the new private key is stored encrypted with them
    runtime = build(settings)
    try:
        await runtime.migrate()
        if args.command == "rotate-key":
            print(f"new signing key: {await runtime.keys.rotate()}")
        elif args.command == "clear-login-limit":
            if not settings.redis_url:
                print(
                    "no STOREFRONTS_REDIS_URL: the attempts are counted in the service's memory; restart it to clear them"
                )
                return 1
            dropped = await clear_login_limit(args.email, limiter=runtime.limiter)
            print(f"sign-in attempts of {args.email.strip().lower()} cleared ({dropped} counters)")
        else:
            user = await create_operator(
                args.email,
                args.password,
                first_name=args.first_name,
                last_name=args.last_name,
                uow=runtime.uow(),
                passwords=runtime.passwords,
            )
            print(f"operator {user.email} ({user.id}) is active")
    except DomainError as error:
        print(f"error: {error.detail}")
        return 1
    finally:
        await runtime.limiter.close()
        runtime.passwords.close()
        await runtime.engine.dispose()
    return 0
