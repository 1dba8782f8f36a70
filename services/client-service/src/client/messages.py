"""What the client service says to operators, in English and French, by key."""

from service_runtime.messages import Catalog

TITLES: dict[str, dict[str, str]] = {
    "InvalidClient": {"en": "Invalid client", "fr": "Client non valide"},
    "ClientNotFound": {"en": "Client not found", "fr": "Client introuvable"},
    "DuplicateReference": {"en": "Client reference already used", "fr": "Référence client déjà utilisée"},
    "ClientArchived": {"en": "Client archived", "fr": "Client archivé"},
    "ClientNotArchived": {"en": "Client not archived", "fr": "Client non archivé"},
    "InvalidCursor": {"en": "Invalid cursor", "fr": "Curseur non valide"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "name_required": {"en": "The client name is required.", "fr": "Le nom du client est obligatoire."},
    "name_too_long": {
        "en": "The client name is longer than {maximum} characters.",
        "fr": "Le nom du client dépasse {maximum} caractères.",
    },
    "name_character_refused": {
        "en": "The client name contains a character that is not allowed ({character}).",
        "fr": "Le nom du client contient un caractère non autorisé ({character}).",
    },
    "reference_id_character_refused": {
        "en": "The client reference ID contains a character that is not allowed ({character}).",
        "fr": "La référence client contient un caractère non autorisé ({character}).",
    },
    "description_character_refused": {
        "en": "The description contains a character that is not allowed ({character}).",
        "fr": "La description contient un caractère non autorisé ({character}).",
    },
    "reference_too_long": {
        "en": "The client reference ID is longer than {maximum} characters.",
        "fr": "La référence client dépasse {maximum} caractères.",
    },
    "reference_spaces": {
        "en": "The client reference ID cannot contain spaces.",
        "fr": "La référence client ne peut pas contenir d'espaces.",
    },
    "description_too_long": {
        "en": "The description is longer than {maximum} characters.",
        "fr": "La description dépasse {maximum} caractères.",
    },
    "client_not_found": {
        "en": "No client with id '{client_id}'.",
        "fr": "Aucun client avec l'identifiant « {client_id} ».",
    },
    "reference_taken": {
        "en": "The client reference ID '{reference_id}' is already used by another client.",
        "fr": "La référence client « {reference_id} » est déjà utilisée par un autre client.",
    },
    "archived_cannot_change": {
        "en": "The client '{name}' is archived and cannot be changed.",
        "fr": "Le client « {name} » est archivé et ne peut pas être modifié.",
    },
    "already_archived": {
        "en": "The client '{name}' is already archived.",
        "fr": "Le client « {name} » est déjà archivé.",
    },
    "not_archived": {"en": "The client '{name}' is not archived.", "fr": "Le client « {name} » n'est pas archivé."},
    "cursor_invalid": {
        "en": "The cursor is not one this API returned.",
        "fr": "Ce curseur n'a pas été renvoyé par cette API.",
    },
}

CATALOG = Catalog(TITLES, MESSAGES)
