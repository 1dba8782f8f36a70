"""What reconciliation and connection repair say to clients and operators, in English and French."""

TITLES: dict[str, dict[str, str]] = {}

MESSAGES: dict[str, dict[str, str]] = {
    "reconcile_not_supported": {
        "en": "Orders of a {platform} store are not fetched again from a platform: they come in only one way.",
        "fr": "Les commandes d'une boutique {platform} ne sont pas récupérées à nouveau auprès d'une plateforme : "
        "elles n'arrivent que par un seul chemin.",
    },
}
