"""What the connector says to operators and clients, in English and French, by key."""

from connector.domain import platform_messages, repair_messages, tracking_messages
from service_runtime.messages import Catalog

TITLES: dict[str, dict[str, str]] = {
    "InvalidStore": {"en": "Invalid store", "fr": "Boutique non valide"},
    "StoreNotFound": {"en": "Store not found", "fr": "Boutique introuvable"},
    "StoreDisconnectedAlready": {"en": "Store disconnected", "fr": "Boutique déconnectée"},
    "NotAllowed": {"en": "Not allowed", "fr": "Non autorisé"},
    "PlatformNotSupported": {"en": "Platform not supported", "fr": "Plateforme non prise en charge"},
    "PlatformError": {"en": "Shop platform error", "fr": "Erreur de la plateforme de la boutique"},
    "PlatformAuthFailed": {"en": "Shop refused the connection", "fr": "La boutique a refusé la connexion"},
    "PlatformUnavailable": {"en": "Shop platform unavailable", "fr": "Plateforme de la boutique indisponible"},
    "WebhookRefused": {"en": "Webhook refused", "fr": "Webhook refusé"},
    "WebhookNotAccepted": {"en": "Webhook not accepted", "fr": "Webhook non accepté"},
    "WebhookUnreadable": {"en": "Webhook unreadable", "fr": "Webhook illisible"},
    "OAuthRefused": {"en": "Connection refused", "fr": "Connexion refusée"},
    "SyncNotFound": {"en": "Sync not found", "fr": "Synchronisation introuvable"},
    "ParkedWebhookNotFound": {"en": "Webhook not found", "fr": "Webhook introuvable"},
    "SyncFailed": {"en": "Sync failed", "fr": "Échec de la synchronisation"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "name_required": {"en": "The store name is required.", "fr": "Le nom de la boutique est obligatoire."},
    "name_too_long": {
        "en": "The store name is longer than {maximum} characters.",
        "fr": "Le nom de la boutique dépasse {maximum} caractères.",
    },
    "name_character_refused": {
        "en": "The store name contains a character that is not allowed ({character}).",
        "fr": "Le nom de la boutique contient un caractère non autorisé ({character}).",
    },
    "platform_required": {
        "en": "A shop connection needs a platform.",
        "fr": "La connexion d'une boutique nécessite une plateforme.",
    },
    "store_not_found": {
        "en": "No store with id '{store_id}'.",
        "fr": "Aucune boutique avec l'identifiant « {store_id} ».",
    },
    "store_disconnected": {
        "en": "The store '{name}' is disconnected.",
        "fr": "La boutique « {name} » est déconnectée.",
    },
    "role_may_not_manage": {
        "en": "Your role ({role}) may read this store but not change it.",
        "fr": "Votre rôle ({role}) permet de consulter cette boutique, pas de la modifier.",
    },
    "role_may_not_add_store": {
        "en": "Only the client's admin or an operator may add a store.",
        "fr": "Seul l'administrateur du client ou un opérateur peut ajouter une boutique.",
    },
    "client_required": {
        "en": "An operator must say for which client (client_id).",
        "fr": "Un opérateur doit indiquer pour quel client (client_id).",
    },
    "platform_not_supported": {
        "en": "Stores on {platform} cannot do this yet.",
        "fr": "Les boutiques {platform} ne permettent pas encore cette opération.",
    },
    "platform_auth_failed": {
        "en": "The shop no longer accepts our connection (the app was removed or its access expired). "
        "Reconnect the store.",
        "fr": "La boutique n'accepte plus notre connexion (l'application a été retirée ou son accès a expiré). "
        "Reconnectez la boutique.",
    },
    "platform_unavailable": {
        "en": "The shop's platform is not answering right now ({reason}). We will try again.",
        "fr": "La plateforme de la boutique ne répond pas pour le moment ({reason}). Nous réessaierons.",
    },
    "platform_refused": {
        "en": "The shop's platform refused the request: {reason}",
        "fr": "La plateforme de la boutique a refusé la demande : {reason}",
    },
    "plan_restricted": {
        "en": "The shop's plan does not allow this ({reason}).",
        "fr": "L'abonnement de la boutique ne le permet pas ({reason}).",
    },
    "webhook_signature_invalid": {
        "en": "The webhook's signature does not match.",
        "fr": "La signature du webhook ne correspond pas.",
    },
    "webhook_other_shop": {
        "en": "The webhook comes from another shop than this store's.",
        "fr": "Le webhook provient d'une autre boutique que celle-ci.",
    },
    "webhook_delivery_id_missing": {
        "en": "The webhook carries no delivery id.",
        "fr": "Le webhook ne porte pas d'identifiant de livraison.",
    },
    "webhook_store_not_accepting": {
        "en": "This store takes no platform webhooks (manual or disconnected).",
        "fr": "Cette boutique n'accepte pas de webhooks de plateforme (manuelle ou déconnectée).",
    },
    "webhook_no_shipping_address": {
        "en": "Order {order} has no shipping address: it cannot be produced and shipped.",
        "fr": "La commande {order} n'a pas d'adresse de livraison : elle ne peut être produite ni expédiée.",
    },
    "webhook_payload_invalid": {
        "en": "An order sent by the shop could not be read ({reason}).",
        "fr": "Une commande envoyée par la boutique n'a pas pu être lue ({reason}).",
    },
    "webhook_field_invalid": {
        "en": "An order sent by the shop has an invalid {field_name} ({value}).",
        "fr": "Une commande envoyée par la boutique a un champ {field_name} non valide ({value}).",
    },
    "webhook_not_derived": {
        "en": "An order sent by the shop could not be taken in because of an error on our side. It is kept: "
        "retry it once the error is fixed.",
        "fr": "Une commande envoyée par la boutique n'a pas pu être prise en compte à cause d'une erreur de notre "
        "côté. Elle est conservée : relancez-la une fois l'erreur corrigée.",
    },
    "webhook_store_gone": {
        "en": "The store was removed before this webhook could be read.",
        "fr": "La boutique a été supprimée avant que ce webhook puisse être lu.",
    },
    "webhooks_parked": {
        "en": "Webhooks set aside (the shop sent them, they could not be read): {count}. Their orders are not "
        "taken in; fix the cause (or ask support), then retry them.",
        "fr": "Webhooks mis de côté (envoyés par la boutique, ils n'ont pas pu être lus) : {count}. Leurs commandes "
        "ne sont pas prises en compte ; corrigez la cause (ou contactez le support), puis relancez-les.",
    },
    "parked_webhook_not_found": {
        "en": "This store has no webhook '{webhook_id}' kept.",
        "fr": "Cette boutique ne conserve aucun webhook « {webhook_id} ».",
    },
    "shop_domain_invalid": {
        "en": "'{shop}' is not a Shopify shop address: give the shop's name or its address ending in .myshopify.com.",
        "fr": "« {shop} » n'est pas une adresse de boutique Shopify : indiquez le nom de la boutique ou son adresse "
        "en .myshopify.com.",
    },
    "oauth_signature_invalid": {
        "en": "The answer from the shop's platform is not signed correctly: start the connection again.",
        "fr": "La réponse de la plateforme de la boutique n'est pas correctement signée : recommencez la connexion.",
    },
    "oauth_state_invalid": {
        "en": "This connection link was already used or has expired: start the connection again.",
        "fr": "Ce lien de connexion a déjà été utilisé ou a expiré : recommencez la connexion.",
    },
    "oauth_wrong_shop": {
        "en": "The shop that answered ({shop}) is not the one the connection was started for.",
        "fr": "La boutique qui a répondu ({shop}) n'est pas celle pour laquelle la connexion a été lancée.",
    },
    "oauth_incomplete": {
        "en": "The shop's platform did not send back everything needed ({missing}).",
        "fr": "La plateforme de la boutique n'a pas renvoyé tout le nécessaire ({missing}).",
    },
    "etsy_no_shop": {
        "en": "This Etsy account has no shop: sign in to Etsy with the account of the shop to connect.",
        "fr": "Ce compte Etsy n'a pas de boutique : connectez-vous à Etsy avec le compte de la boutique à relier.",
    },
    "platform_rate_limited": {
        "en": "The shop's platform asks us to slow down (its request limit is reached for about {seconds} "
        "seconds). We will try again.",
        "fr": "La plateforme de la boutique nous demande de ralentir (sa limite de requêtes est atteinte pour "
        "environ {seconds} secondes). Nous réessaierons.",
    },
    "reconnect_needed": {
        "en": "The shop no longer renews our access (it was revoked or has expired): reconnect the store.",
        "fr": "La boutique ne renouvelle plus notre accès (il a été révoqué ou a expiré) : reconnectez la boutique.",
    },
    "oauth_denied": {
        "en": "The shop did not grant access ({reason}): nothing was connected.",
        "fr": "La boutique n'a pas accordé l'accès ({reason}) : rien n'a été connecté.",
    },
    "store_of_another_shop": {
        "en": "This store is connected to {shop}; connect another shop as a new store.",
        "fr": "Cette boutique est liée à {shop} ; connectez une autre boutique comme une nouvelle boutique.",
    },
    "sync_not_found": {
        "en": "No product sync with id '{sync_id}' for this store.",
        "fr": "Aucune synchronisation de produits avec l'identifiant « {sync_id} » pour cette boutique.",
    },
    "sync_interrupted": {
        "en": "The product sync was interrupted (the service restarted). Run it again.",
        "fr": "La synchronisation des produits a été interrompue (redémarrage du service). Relancez-la.",
    },
    "sync_crashed": {
        "en": "The product sync stopped on an unexpected error. Run it again; if it fails again, contact support.",
        "fr": "La synchronisation des produits s'est arrêtée sur une erreur inattendue. Relancez-la ; si elle "
        "échoue encore, contactez le support.",
    },
    "webhooks_missing": {
        "en": "The shop no longer sends us these events: {topics}. Orders may be missed; reconnect the store.",
        "fr": "La boutique ne nous envoie plus ces événements : {topics}. Des commandes pourraient manquer ; "
        "reconnectez la boutique.",
    },
}

CATALOG = Catalog(
    TITLES | platform_messages.TITLES | repair_messages.TITLES,
    MESSAGES | platform_messages.MESSAGES | repair_messages.MESSAGES | tracking_messages.MESSAGES,
)
