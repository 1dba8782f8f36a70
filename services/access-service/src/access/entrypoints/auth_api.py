"""Sign-in, token refresh, sign-out and the caller's own profile. Thin."""

from fastapi import APIRouter, Request, Response, status

from access.commands import LogIn
from access.entrypoints.deps import RuntimeDep, UowDep
from access.entrypoints.schemas import Credentials, RefreshRequest, TokenPair, UserPublic
from access.handlers import auth
from service_runtime.auth import CurrentPrincipal
from service_runtime.http import client_address
from service_runtime.problems import Unauthorized, problem_responses

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=TokenPair,
    responses=problem_responses(401, 429, **{"401": "Wrong email or password (always the same answer)"}),
)
async def log_in(body: Credentials, request: Request, uow: UowDep, runtime: RuntimeDep):
    """Email and password → a 15-minute access token and a single-use refresh token.
    Every failure answers the same 401; repeated attempts answer 429 with Retry-After, and
    503 with Retry-After when too many passwords are being checked at once."""
    tokens = await auth.log_in(
        LogIn(body.email, body.password, client_address(request)),
        uow=uow,
        clock=runtime.clock,
        passwords=runtime.passwords,
        tokens=runtime.keys,
        limiter=runtime.limiter,
        session_days=runtime.settings.session_days,
    )
    return TokenPair.of(tokens)


@router.post(
    "/refresh",
    response_model=TokenPair,
    responses=problem_responses(
        401, **{"401": "The refresh token is unknown, expired or was already used (the session ends)"}
    ),
)
async def refresh(body: RefreshRequest, uow: UowDep, runtime: RuntimeDep):
    """A new token pair for a refresh token. A refresh token used twice ends its session."""
    return TokenPair.of(
        await auth.refresh_session(body.refresh_token, uow=uow, clock=runtime.clock, tokens=runtime.keys)
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(principal: CurrentPrincipal, uow: UowDep, runtime: RuntimeDep):
    """End the caller's session: its access and refresh tokens stop working."""
    await auth.log_out(principal.session_id, uow=uow, clock=runtime.clock)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic)
async def me(principal: CurrentPrincipal, uow: UowDep):
    user = await auth.get_user(principal.subject, uow=uow)
    if user is None:
        raise Unauthorized("This token does not belong to a Storefronts user.")
    return UserPublic.of(user)
