"""Sign-in, token refresh, sign-out and the caller's own profile. Thin.

Browsers (the console) keep the refresh token in an httpOnly, SameSite=Strict cookie scoped
to ``/auth`` (Secure when the page is served over https), set by ``/auth/login`` and
``/auth/refresh`` and cleared by ``/auth/logout``: a script never sees it, so it is never
in localStorage. API clients keep using the JSON body, which still carries the pair."""

from typing import Annotated

from fastapi import APIRouter, Body, Cookie, Request, Response, status

from access.commands import LogIn
from access.entrypoints.deps import RuntimeDep, UowDep
from access.entrypoints.schemas import Credentials, RefreshRequest, TokenPair, UserPublic
from access.handlers import auth
from service_runtime.auth import CurrentPrincipal
from service_runtime.http import client_address
from service_runtime.problems import Unauthorized, problem, problem_responses

router = APIRouter(prefix="/auth", tags=["auth"])

REFRESH_COOKIE = "storefronts_refresh"
COOKIE_PATH = "/auth"


def _served_over_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _keep_refresh_token(response: Response, request: Request, tokens: TokenPair, session_days: int) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=session_days * 86400,
        path=COOKIE_PATH,
        httponly=True,
        secure=_served_over_https(request),
        samesite="strict",
    )


def _forget_refresh_token(response: Response, request: Request) -> None:
    response.delete_cookie(
        REFRESH_COOKIE, path=COOKIE_PATH, httponly=True, secure=_served_over_https(request), samesite="strict"
    )


@router.post(
    "/login",
    response_model=TokenPair,
    responses=problem_responses(401, 429, **{"401": "Wrong email or password (always the same answer)"}),
)
async def log_in(body: Credentials, request: Request, response: Response, uow: UowDep, runtime: RuntimeDep):
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
    pair = TokenPair.of(tokens)
    _keep_refresh_token(response, request, pair, runtime.settings.session_days)
    return pair


@router.post(
    "/refresh",
    response_model=TokenPair,
    responses=problem_responses(
        401, **{"401": "The refresh token is unknown, expired or was already used (the session ends)"}
    ),
)
async def refresh(
    request: Request,
    response: Response,
    uow: UowDep,
    runtime: RuntimeDep,
    body: Annotated[RefreshRequest | None, Body()] = None,
    cookie: Annotated[str | None, Cookie(alias=REFRESH_COOKIE, include_in_schema=False)] = None,
):
    """A new token pair for a refresh token, given in the body or, when there is no body, by
    the browser's refresh cookie (which the answer replaces). A refresh token used twice ends
    its session."""
    if body is not None:
        return TokenPair.of(
            await auth.refresh_session(body.refresh_token, uow=uow, clock=runtime.clock, tokens=runtime.keys)
        )
    try:
        if not cookie:
            raise Unauthorized("There is no session to refresh: sign in.")
        pair = TokenPair.of(await auth.refresh_session(cookie, uow=uow, clock=runtime.clock, tokens=runtime.keys))
    except Unauthorized as error:  # the cookie is missing or spent: the browser drops it
        answer = problem(
            401,
            title=error.title,
            detail=error.detail,
            instance=request.url.path,
            headers={"WWW-Authenticate": "Bearer"},
            **error.extensions,
        )
        _forget_refresh_token(answer, request)
        return answer
    _keep_refresh_token(response, request, pair, runtime.settings.session_days)
    return pair


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(principal: CurrentPrincipal, request: Request, uow: UowDep, runtime: RuntimeDep):
    """End the caller's session: its access and refresh tokens stop working, and the
    browser's refresh cookie is cleared."""
    await auth.log_out(principal.session_id, uow=uow, clock=runtime.clock)
    answer = Response(status_code=status.HTTP_204_NO_CONTENT)
    _forget_refresh_token(answer, request)
    return answer


@router.get("/me", response_model=UserPublic)
async def me(principal: CurrentPrincipal, uow: UowDep):
    user = await auth.get_user(principal.subject, uow=uow)
    if user is None:
        raise Unauthorized("This token does not belong to a Storefronts user.")
    return UserPublic.of(user)
