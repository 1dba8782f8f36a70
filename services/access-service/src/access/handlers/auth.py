"""Login, refresh, logout and operator accounts."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from access.commands import LogIn
from access.domain import EmailTaken, LoginFailed, User
from access.domain.errors import SessionEnded, TooManyAttempts
from access.domain.invitations import hash_token, new_token
from access.domain.passwords import check_password
from access.domain.sessions import RefreshToken, Session
from access.domain.users import clean_email, new_user
from access.ports import Clock, LoginLimiter, PasswordHasher, TokenIssuer, UnitOfWork
from storefront_events import SessionEnded as SessionEndedEvent

LOGIN_FAILED = "Email or password is incorrect."


@dataclass(frozen=True)
class Tokens:
    access_token: str
    expires_in: int
    refresh_token: str
    user: User


async def log_in(
    cmd: LogIn,
    *,
    uow: UnitOfWork,
    clock: Clock,
    passwords: PasswordHasher,
    tokens: TokenIssuer,
    limiter: LoginLimiter,
    session_days: int,
) -> Tokens:
    """Email + password → an access token and a refresh token. Unknown email, wrong password,
    a user not yet active or removed, and a client whose access is off all get the same 401.
    Every attempt is counted before its password is checked (parallel guesses cannot slip
    between a check and a count); past the limits of the account from this address, of the
    account, or of this address, 429 with a delay that grows with each further attempt.
    A hash made with older argon2 parameters is replaced by one made with today's."""
    email = cmd.email.strip().lower()
    if wait := await limiter.attempt(account=email, source=cmd.source):
        raise TooManyAttempts("Too many failed sign-in attempts. Try again later.", retry_after=wait)
    now = clock.now()
    async with uow:
        user = await uow.users.by_email(email)
        matches = await passwords.verify_password(user.password_hash if user else None, cmd.password)
        if user is None or not matches or not await _may_sign_in(uow, user):
            raise LoginFailed(LOGIN_FAILED)
        if user.password_hash and passwords.needs_rehash(user.password_hash):
            user = user.activated(await passwords.hash_password(cmd.password))
            await uow.users.put(user)
        session = Session(str(uuid.uuid4()), user.id, now, now + timedelta(days=session_days))
        uow.sessions.add(session)
        refresh = new_token()
        uow.sessions.add_refresh(RefreshToken(hash_token(refresh), session.id))
        await uow.commit()
    await limiter.succeeded(account=email, source=cmd.source)
    access_token, ttl = await tokens.issue(user, session_id=session.id)
    return Tokens(access_token, ttl, refresh, user)


async def refresh_session(refresh_token: str, *, uow: UnitOfWork, clock: Clock, tokens: TokenIssuer) -> Tokens:
    """Each refresh token works once and is replaced by a new one. Presenting a used one
    again means it leaked: the whole session ends."""
    now = clock.now()
    token_hash = hash_token(refresh_token)
    async with uow:
        known = await uow.sessions.refresh_token(token_hash)
        session = await uow.sessions.get(known.session_id) if known else None
        if known is None or session is None:
            raise SessionEnded("The refresh token is not valid.")
        if known.used_at is not None or not await uow.sessions.use_refresh(token_hash, now):
            await _end(uow, session, now, reason="refresh_token_reused")
            await uow.commit()
            raise SessionEnded("This refresh token was already used; the session has been ended for safety.")
        user = await uow.users.get(session.user_id)
        if not session.alive(now) or user is None or not await _may_sign_in(uow, user):
            raise SessionEnded("The session has ended; sign in again.")
        fresh = new_token()
        uow.sessions.add_refresh(RefreshToken(hash_token(fresh), session.id))
        await uow.commit()
    access_token, ttl = await tokens.issue(user, session_id=session.id)
    return Tokens(access_token, ttl, fresh, user)


async def log_out(session_id: str | None, *, uow: UnitOfWork, clock: Clock) -> None:
    """Ends the session: its access tokens are refused at once here and, once they read
    SessionEnded, in every other service; its refresh token stops working."""
    if not session_id:
        return
    async with uow:
        session = await uow.sessions.get(session_id)
        if session is not None:
            await _end(uow, session, clock.now(), reason="logout")
        await uow.commit()


async def _end(uow: UnitOfWork, session: Session, now: datetime, *, reason: str) -> None:
    """Ends a session still alive and tells every service (SessionEnded); an ended one stays as it is."""
    if not await uow.sessions.revoke(session.id, now):
        return
    user = await uow.users.get(session.user_id)
    uow.outbox.add(
        SessionEndedEvent(
            client_id=user.client_id if user else None, user_id=session.user_id, session_id=session.id, reason=reason
        )
    )


async def get_user(user_id: str, *, uow: UnitOfWork) -> User | None:
    async with uow:
        return await uow.users.get(user_id)


async def create_operator(
    email: str,
    password: str,
    *,
    first_name: str,
    last_name: str,
    uow: UnitOfWork,
    passwords: PasswordHasher,
    replace_password: bool = True,
) -> User:
    """Creates an active operator (the print provider's staff), or sets the password of an existing one."""
    operator = new_user(
        str(uuid.uuid4()), client_id=None, email=email, first_name=first_name, last_name=last_name, role="operator"
    )
    check_password(password, email=operator.email)
    async with uow:
        existing = await uow.users.by_email(clean_email(email))
        if existing is not None and existing.role != "operator":
            raise EmailTaken(f"The email '{operator.email}' belongs to a client user.", field="email")
        if existing is not None and not replace_password:
            return existing
        user = (existing or operator).activated(await passwords.hash_password(password))
        await uow.users.put(user)
        await uow.commit()
    return user


async def _may_sign_in(uow: UnitOfWork, user: User) -> bool:
    if user.status != "active" or not user.has_scope:  # a store manager whose every store was disconnected
        return False
    if user.client_id is None:
        return user.role == "operator"
    access = await uow.access.get(user.client_id)
    return access is not None and access.enabled


async def clear_login_limit(email: str, *, limiter: LoginLimiter) -> int:
    """The operator's way out for an account slowed down by failed sign-ins (its own owner's, or
    someone else's guesses): forgets the account's attempts from every address."""
    return await limiter.clear(account=email.strip().lower())
