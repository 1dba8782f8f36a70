"""What the notifier says to people about postback endpoints, in English and French, by key.

Errors carry a key and its values; the sentence is chosen when the answer is written, in the
request's language (``Accept-Language``). A key missing here is shown as it is."""

from service_runtime.messages import Catalog

TITLES: dict[str, dict[str, str]] = {
    "InvalidEndpoint": {"en": "Invalid postback endpoint", "fr": "Point de postback non valide"},
    "RefusedUrl": {"en": "URL refused", "fr": "URL refusée"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "postback_url_length": {
        "en": "The URL must have 1 to {most} characters.",
        "fr": "L'URL doit compter de 1 à {most} caractères.",
    },
    "postback_url_characters": {
        "en": "The URL must not hold spaces or control characters.",
        "fr": "L'URL ne doit contenir ni espaces ni caractères de contrôle.",
    },
    "postback_url_not_http": {
        "en": "The URL must be an http(s) URL with a host.",
        "fr": "L'URL doit être une adresse http(s) avec un nom d'hôte.",
    },
    "postback_url_https": {
        "en": "Postback URLs must use HTTPS.",
        "fr": "Les URL de postback doivent utiliser HTTPS.",
    },
    "postback_url_credentials": {
        "en": "The URL must not hold credentials.",
        "fr": "L'URL ne doit pas contenir d'identifiants.",
    },
    "postback_event_types_unknown": {
        "en": "Unknown event types: {unknown}. Known: {known}.",
        "fr": "Types d'événements inconnus : {unknown}. Types connus : {known}.",
    },
    "postback_event_types_empty": {
        "en": "An endpoint wants at least one event type.",
        "fr": "Un point de postback doit recevoir au moins un type d'événement.",
    },
    "postback_description_character": {
        "en": "The description holds a character that is not allowed ({character}).",
        "fr": "La description contient un caractère non autorisé ({character}).",
    },
    "postback_description_length": {
        "en": "The description has at most {most} characters.",
        "fr": "La description compte au plus {most} caractères.",
    },
    "postback_status_invalid": {
        "en": "The status is 'enabled' or 'paused'.",
        "fr": "Le statut est « enabled » (actif) ou « paused » (en pause).",
    },
    "postback_overlap_negative": {
        "en": "The overlap cannot be negative.",
        "fr": "Le chevauchement ne peut pas être négatif.",
    },
    # the outbound guard's reasons (service_runtime.outbound.UnsafeUrl codes)
    "url_scheme_refused": {
        "en": "Only http and https URLs are allowed, not '{scheme}'.",
        "fr": "Seules les URL http et https sont acceptées, pas « {scheme} ».",
    },
    "url_no_host": {"en": "The URL has no host.", "fr": "L'URL n'a pas de nom d'hôte."},
    "url_credentials": {
        "en": "URLs with credentials in them are not allowed.",
        "fr": "Les URL contenant des identifiants ne sont pas acceptées.",
    },
    "url_unresolvable": {
        "en": "The host '{host}' cannot be resolved.",
        "fr": "Le nom d'hôte « {host} » est introuvable.",
    },
    "url_private_address": {
        "en": "The host '{host}' resolves to a private or reserved address ({address}).",
        "fr": "Le nom d'hôte « {host} » désigne une adresse privée ou réservée ({address}).",
    },
}

CATALOG = Catalog(TITLES, MESSAGES)
