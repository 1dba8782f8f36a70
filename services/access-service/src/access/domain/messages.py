"""What the access service says to people, in English and French, by key.

Errors carry a key and its values, never the sentence: the sentence is chosen when the
answer is written, in the reader's language (the user's or client's, else the request's
``Accept-Language``). A key missing here is shown as it is (older free-text details)."""

from service_runtime.messages import DEFAULT_LOCALE, LOCALES, Catalog, locale_from_header, pick_locale

__all__ = ["CATALOG", "DEFAULT_LOCALE", "LOCALES", "locale_from_header", "pick_locale", "render", "title"]

TITLES: dict[str, dict[str, str]] = {
    "InvalidUser": {"en": "Invalid user", "fr": "Utilisateur non valide"},
    "WeakPassword": {"en": "Password too weak", "fr": "Mot de passe trop faible"},
    "ClientNotFound": {"en": "Client not found", "fr": "Client introuvable"},
    "ClientNotYetKnown": {"en": "Client not yet known", "fr": "Client pas encore connu"},
    "UserNotFound": {"en": "User not found", "fr": "Utilisateur introuvable"},
    "ClientArchived": {"en": "Client archived", "fr": "Client archivé"},
    "AccessDisabled": {"en": "Storefront access disabled", "fr": "Accès Storefronts désactivé"},
    "EmailTaken": {"en": "Email already used", "fr": "Adresse e-mail déjà utilisée"},
    "LastAdmin": {"en": "Last admin", "fr": "Dernier administrateur"},
    "AlreadyActive": {"en": "Account already active", "fr": "Compte déjà activé"},
    "NotActive": {"en": "User not active", "fr": "Utilisateur non actif"},
    "AdminNotPending": {"en": "No pending admin", "fr": "Aucun administrateur en attente"},
    "InvalidInvitation": {"en": "Invitation not usable", "fr": "Invitation inutilisable"},
    "UnknownInvitation": {"en": "Invalid invitation", "fr": "Invitation non valide"},
    "LoginFailed": {"en": "Login failed", "fr": "Échec de la connexion"},
    "TooManyAttempts": {"en": "Too many attempts", "fr": "Trop de tentatives"},
    "SessionEnded": {"en": "Session ended", "fr": "Session terminée"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "client_not_found": {
        "en": "No client with id '{client_id}'.",
        "fr": "Aucun client avec l'identifiant « {client_id} ».",
    },
    "client_not_yet_known": {
        "en": "Storefronts access does not know the client '{client_id}' yet. A client created a moment ago "
        "reaches it within a second or two: try again. If it persists, check the client's id.",
        "fr": "L'accès Storefronts ne connaît pas encore le client « {client_id} ». Un client créé à l'instant "
        "y arrive en une ou deux secondes : réessayez. Si cela persiste, vérifiez l'identifiant du client.",
    },
    "client_archived_no_access": {
        "en": "The client '{name}' is archived: Storefronts access cannot be turned on. Restore the client first.",
        "fr": "Le client « {name} » est archivé : l'accès Storefronts ne peut pas être activé. "
        "Restaurez d'abord le client.",
    },
    "access_off": {
        "en": "Storefronts access of this client is turned off.",
        "fr": "L'accès Storefronts de ce client est désactivé.",
    },
    "access_off_account": {
        "en": "Storefronts access of this account is turned off.",
        "fr": "L'accès Storefronts de ce compte est désactivé.",
    },
    "email_taken": {
        "en": "The email '{email}' already belongs to a Storefronts user.",
        "fr": "L'adresse « {email} » appartient déjà à un utilisateur Storefronts.",
    },
    "admin_is_other": {
        "en": "This client's admin is {email}. To correct a mistyped address, change it with "
        "PATCH /clients/{client_id}/storefront-access/admin; add other users from the client's account.",
        "fr": "L'administrateur de ce client est {email}. Pour corriger une adresse mal saisie, modifiez-la avec "
        "PATCH /clients/{client_id}/storefront-access/admin ; ajoutez les autres utilisateurs depuis le "
        "compte du client.",
    },
    "admin_not_pending": {
        "en": "This client has no admin waiting for an invitation.",
        "fr": "Ce client n'a aucun administrateur en attente d'invitation.",
    },
    "admin_already_active": {
        "en": "The admin {email} has already activated their account: there is no invitation to resend. "
        "They sign in with their password.",
        "fr": "L'administrateur {email} a déjà activé son compte : il n'y a pas d'invitation à renvoyer. "
        "Il se connecte avec son mot de passe.",
    },
    "admin_email_locked": {
        "en": "The admin {email} has already activated their account: their address can no longer be changed. "
        "Hand the admin role to another active user instead.",
        "fr": "L'administrateur {email} a déjà activé son compte : son adresse ne peut plus être modifiée. "
        "Confiez plutôt le rôle d'administrateur à un autre utilisateur actif.",
    },
    "user_already_active": {
        "en": "{email} has already activated their account: there is no invitation to resend.",
        "fr": "{email} a déjà activé son compte : il n'y a pas d'invitation à renvoyer.",
    },
    "user_not_found": {
        "en": "No user with id '{user_id}' in this client.",
        "fr": "Aucun utilisateur avec l'identifiant « {user_id} » chez ce client.",
    },
    "new_admin_not_active": {
        "en": "Only an active user of this client can become its admin: {email} has not activated their account.",
        "fr": "Seul un utilisateur actif de ce client peut en devenir administrateur : {email} n'a pas encore "
        "activé son compte.",
    },
    "last_admin": {
        "en": "This user is the client's last active admin: make another active admin first.",
        "fr": "Cet utilisateur est le dernier administrateur actif du client : nommez d'abord un autre "
        "administrateur actif.",
    },
    "invitation_unknown": {
        "en": "This invitation link is not valid: check that the whole link from the email was used.",
        "fr": "Ce lien d'invitation n'est pas valide : vérifiez que le lien de l'e-mail a été utilisé en entier.",
    },
    "invitation_used": {
        "en": "This invitation link has already been used: sign in instead.",
        "fr": "Ce lien d'invitation a déjà été utilisé : connectez-vous.",
    },
    "invitation_replaced": {
        "en": "This invitation link was replaced by a newer one: use the latest email.",
        "fr": "Ce lien d'invitation a été remplacé par un plus récent : utilisez le dernier e-mail reçu.",
    },
    "invitation_expired": {
        "en": "This invitation link has expired: ask for a new invitation.",
        "fr": "Ce lien d'invitation a expiré : demandez une nouvelle invitation.",
    },
    "invitation_user_removed": {
        "en": "This account was removed from the client's Storefronts: the invitation no longer works.",
        "fr": "Ce compte a été retiré de l'espace Storefronts du client : l'invitation ne fonctionne plus.",
    },
    "password_too_short": {
        "en": "The password needs at least {minimum} characters.",
        "fr": "Le mot de passe doit contenir au moins {minimum} caractères.",
    },
    "password_too_long": {
        "en": "The password is longer than {maximum} characters.",
        "fr": "Le mot de passe dépasse {maximum} caractères.",
    },
    "password_repeated": {
        "en": "The password cannot be one repeated character.",
        "fr": "Le mot de passe ne peut pas être un seul caractère répété.",
    },
    "password_contains_email": {
        "en": "The password cannot contain your email address or its part before the @ ('{part}').",
        "fr": "Le mot de passe ne peut pas contenir votre adresse e-mail ni sa partie avant le @ (« {part} »).",
    },
    "email_required": {"en": "The email address is required.", "fr": "L'adresse e-mail est obligatoire."},
    "email_invalid": {
        "en": "The email address is not valid: {reason}",
        "fr": "L'adresse e-mail n'est pas valide.",
    },
    "first_name_required": {"en": "The first name is required.", "fr": "Le prénom est obligatoire."},
    "last_name_required": {"en": "The last name is required.", "fr": "Le nom est obligatoire."},
    "first_name_too_long": {
        "en": "The first name is longer than {maximum} characters.",
        "fr": "Le prénom dépasse {maximum} caractères.",
    },
    "last_name_too_long": {
        "en": "The last name is longer than {maximum} characters.",
        "fr": "Le nom dépasse {maximum} caractères.",
    },
    "first_name_character_refused": {
        "en": "The first name contains a character that is not allowed ({character}).",
        "fr": "Le prénom contient un caractère non autorisé ({character}).",
    },
    "last_name_character_refused": {
        "en": "The last name contains a character that is not allowed ({character}).",
        "fr": "Le nom contient un caractère non autorisé ({character}).",
    },
    "locale_invalid": {
        "en": "The locale must be one of {choices}.",
        "fr": "La langue doit être l'une de : {choices}.",
    },
    "role_invalid": {"en": "The role must be one of {choices}.", "fr": "Le rôle doit être l'un de : {choices}."},
    "store_manager_needs_store": {
        "en": "A store manager needs at least one store id.",
        "fr": "Un gestionnaire de boutique a besoin d'au moins un identifiant de boutique.",
    },
    "stores_only_for_store_manager": {
        "en": "Only a store manager is limited to stores; leave store_ids empty.",
        "fr": "Seul un gestionnaire de boutique est limité à des boutiques ; laissez store_ids vide.",
    },
    "stores_too_many": {"en": "At most {maximum} stores.", "fr": "Au plus {maximum} boutiques."},
    "store_unknown": {
        "en": "This client has no store with id '{store_id}'. A store connected a moment ago reaches "
        "Storefronts access within a second or two: try again. If it persists, check the store's id.",
        "fr": "Ce client n'a aucune boutique avec l'identifiant « {store_id} ». Une boutique connectée à l'instant "
        "arrive dans l'accès Storefronts en une ou deux secondes : réessayez. Si cela persiste, vérifiez "
        "l'identifiant de la boutique.",
    },
    "store_disconnected": {
        "en": "The store '{name}' ({store_id}) is disconnected: reconnect it before giving it to a store manager.",
        "fr": "La boutique « {name} » ({store_id}) est déconnectée : reconnectez-la avant de la confier à un "
        "gestionnaire de boutique.",
    },
}


CATALOG = Catalog(TITLES, MESSAGES)


def render(key: str, locale: str, values: dict[str, object] | None = None) -> str:
    return CATALOG.render(key, locale, values)


def title(name: str, locale: str, default: str) -> str:
    return CATALOG.title(name, locale, default)
