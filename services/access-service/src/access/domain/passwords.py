from access.domain.errors import WeakPassword

PASSWORD_MIN = 12
PASSWORD_MAX = 256


def check_password(password: str, *, email: str) -> None:
    """At least 12 characters, not only one repeated character, not containing the email's local part."""
    if len(password) < PASSWORD_MIN:
        raise WeakPassword(f"The password needs at least {PASSWORD_MIN} characters.", field="password")
    if len(password) > PASSWORD_MAX:
        raise WeakPassword(f"The password is longer than {PASSWORD_MAX} characters.", field="password")
    if len(set(password)) == 1:
        raise WeakPassword("The password cannot be one repeated character.", field="password")
    local = email.split("@", 1)[0].lower()
    if len(local) >= 3 and local in password.lower():
        raise WeakPassword("The password cannot contain your email address.", field="password")
