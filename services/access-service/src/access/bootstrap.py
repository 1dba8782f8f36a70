"""Composition root: settings → runtime (database, Kafka, relay, consumers) plus what
access adds: signing keys, password hashing, the login limiter, token revocation."""

import json

import structlog
from redis.asyncio import Redis

from access.adapters.clock import SystemClock
from access.adapters.db import MIGRATIONS, AccessUnitOfWork
from access.adapters.keys import SigningKeys, dev_secret_box
from access.adapters.limiter import LoginLimits, MemoryLoginLimiter, RedisLoginLimiter
from access.adapters.passwords import Argon2Passwords
from access.adapters.revocations import DbRevocations
from access.entrypoints.consumers import register_consumers
from access.handlers.auth import create_operator
from access.handlers.invitations import InvitationPolicy
from access.settings import AccessSettings
from service_runtime.runtime import Runtime
from service_runtime.secrets import SecretBox

log = structlog.get_logger()


class AccessRuntime(Runtime):
    settings: AccessSettings

    def __init__(self, settings: AccessSettings) -> None:
        super().__init__(
            settings, migrations=MIGRATIONS, unit_of_work=AccessUnitOfWork, follow_access_revocations=False
        )  # access knows its users and sessions first-hand
        self.clock = SystemClock()
        self.passwords = Argon2Passwords(workers=settings.password_hash_workers, queue=settings.password_hash_queue)
        invitation_keys = [key.get_secret_value() for key in settings.invitation_keys]
        self.invitation_box = SecretBox(invitation_keys) if invitation_keys else None
        self.policy = InvitationPolicy(public_url=settings.public_url, seal=self._seal, days=settings.invitation_days)
        self.keys = SigningKeys(
            self.sessions,
            box=self.secrets or dev_secret_box(settings.dev_key_file),
            clock=self.clock,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            token_seconds=settings.access_token_seconds,
            rotation_days=settings.key_rotation_days,
        )
        self.keys.on_change = self._trust
        self.verifier.jwks_url = ""  # its own keys, first-hand: never fetched over HTTP from itself
        self.revocations = DbRevocations(self.sessions)
        limits = LoginLimits(
            per_pair=settings.login_attempts_per_account_and_source,
            per_account=settings.login_attempts_per_account,
            per_source=settings.login_attempts_per_source,
            window=settings.login_window_seconds,
            base_delay=settings.login_base_delay_seconds,
            max_delay=settings.login_max_delay_seconds,
        )
        if settings.redis_url:
            self.limiter = RedisLoginLimiter(
                Redis.from_url(settings.redis_url), namespace=f"{settings.topic_prefix}access:", limits=limits
            )
        else:  # one process, counts in memory: see adapters/limiter.py
            self.limiter = MemoryLoginLimiter(limits=limits)

    def _seal(self, link: str) -> str:
        if self.invitation_box is None:
            raise RuntimeError("STOREFRONTS_INVITATION_KEYS is not set: invitation links cannot be sealed")
        return self.invitation_box.encrypt(link)

    def _trust(self, own: dict) -> None:
        """This service verifies its own tokens from its own keys (no HTTP to itself), plus a
        static JWKS when configured (tests, offline tools)."""
        static = json.loads(self.settings.jwks_json) if self.settings.jwks_json else {"keys": []}
        self.verifier.use_jwks({"keys": [*own["keys"], *static.get("keys", [])]})

    async def start(self) -> None:
        if self.invitation_box is None:
            raise RuntimeError(
                "STOREFRONTS_INVITATION_KEYS (a JSON list of Fernet keys, shared with the notifier "
                "alone) is required: invitation links travel sealed for the notifier"
            )
        await super().start()
        await self.keys.ensure_current()
        await self.bootstrap_operator()

    async def bootstrap_operator(self) -> None:
        email, password = (
            self.settings.bootstrap_operator_email,
            self.settings.bootstrap_operator_password.get_secret_value(),
        )
        if email and password:
            await create_operator(
                email,
                password,
                first_name="Storefronts",
                last_name="Operator",
                uow=self.uow(),
                passwords=self.passwords,
                replace_password=False,
            )
            log.info("operator.bootstrapped")

    async def stop(self) -> None:
        try:
            await self.limiter.close()
            self.passwords.close()
        finally:
            await super().stop()


def build(settings: AccessSettings) -> AccessRuntime:
    runtime = AccessRuntime(settings)
    register_consumers(runtime)
    return runtime
