from access.domain.errors import WeakPassword

PASSWORD_MIN = 12
PASSWORD_MAX = 256
EMAIL_PART_MIN = 5


def password_rules() -> dict[str, int | bool]:
    """The rules below, for a page to explain before anyone types."""
    return {
        "min_length": PASSWORD_MIN,
        "max_length": PASSWORD_MAX,
        "no_single_repeated_character": True,
        "no_email_or_email_name": True,
        "email_name_min_length": EMAIL_PART_MIN,
    }


def check_password(password: str, *, email: str) -> None:
    """At least 12 characters, not only one repeated character, and not containing the email
    address, nor the part before its @ when that part is long enough to be a real name
    (``EMAIL_PART_MIN``): a short part such as "ada" hides in honest words ("Canada") and
    the refusal would claim something untrue."""
    if len(password) < PASSWORD_MIN:
        raise WeakPassword("password_too_short", field="password", minimum=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise WeakPassword("password_too_long", field="password", maximum=PASSWORD_MAX)
    if len(set(password)) == 1:
        raise WeakPassword("password_repeated", field="password")
    address = email.strip().casefold()
    local = address.split("@", 1)[0]
    folded = password.casefold()
    if address in folded or (len(local) >= EMAIL_PART_MIN and local in folded):
        raise WeakPassword("password_contains_email", field="password", part=local)
