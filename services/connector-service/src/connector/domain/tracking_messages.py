"""What the connector says about tracking pushed back to the shops, in English and French, by key
(merged into messages.CATALOG)."""

MESSAGES: dict[str, dict[str, str]] = {
    "tracking_pending": {
        "en": "The tracking of parcel {tracking_number} is on its way to the shop.",
        "fr": "Le suivi du colis {tracking_number} est en cours d'envoi à la boutique.",
    },
    "tracking_pushed": {
        "en": "The shop took the tracking of parcel {tracking_number}; we are checking it shows on the order.",
        "fr": "La boutique a reçu le suivi du colis {tracking_number} ; nous vérifions qu'il apparaît sur la commande.",
    },
    "tracking_confirmed": {
        "en": "The shop shows the tracking of parcel {tracking_number} on the order: the buyer can follow it.",
        "fr": "La boutique affiche le suivi du colis {tracking_number} sur la commande : l'acheteur peut le suivre.",
    },
    "tracking_mismatch": {
        "en": "The shop accepted the tracking of parcel {tracking_number}, but the order does not show it. "
        "Check the order in the shop and add the tracking by hand if it is missing.",
        "fr": "La boutique a accepté le suivi du colis {tracking_number}, mais la commande ne l'affiche pas. "
        "Vérifiez la commande dans la boutique et ajoutez le suivi à la main s'il manque.",
    },
    "tracking_failed": {
        "en": "The tracking of parcel {tracking_number} could not be given to the shop. Add it in the shop by hand.",
        "fr": "Le suivi du colis {tracking_number} n'a pas pu être transmis à la boutique. Ajoutez-le à la main "
        "dans la boutique.",
    },
    "tracking_not_applicable": {
        "en": "This store has no shop to tell: the tracking of parcel {tracking_number} is kept here only.",
        "fr": "Cette boutique n'a pas de site à informer : le suivi du colis {tracking_number} est conservé ici "
        "seulement.",
    },
    "tracking_nothing_to_fulfil": {
        "en": "The shop has nothing left to ship on this order (already fulfilled or cancelled in the shop).",
        "fr": "La boutique n'a plus rien à expédier sur cette commande (déjà traitée ou annulée dans la boutique).",
    },
    "tracking_order_unknown": {
        "en": "The shop does not know order {platform_order_id} (deleted in the shop?).",
        "fr": "La boutique ne connaît pas la commande {platform_order_id} (supprimée dans la boutique ?).",
    },
}
