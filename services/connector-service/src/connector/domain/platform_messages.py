"""What the connector says about WooCommerce and Pressero stores, in English and French, by key
(merged into messages.CATALOG)."""

TITLES: dict[str, dict[str, str]] = {
    "InvalidShopUrl": {"en": "Invalid shop address", "fr": "Adresse de boutique non valide"},
    "ShopNotRecognised": {"en": "Not a WooCommerce shop", "fr": "Ce n'est pas une boutique WooCommerce"},
    "CredentialsRefused": {"en": "Shop refused the keys", "fr": "La boutique a refusé les clés"},
    "ShopUnreachable": {"en": "Shop unreachable", "fr": "Boutique injoignable"},
    "ClientUnknown": {"en": "Client not ready for Pressero", "fr": "Client pas prêt pour Pressero"},
    "IntegrationUnknown": {"en": "Unknown integration", "fr": "Intégration inconnue"},
    "IntegrationTaken": {"en": "Integration already connected", "fr": "Intégration déjà connectée"},
    "InvalidShopOrder": {"en": "Order cannot be read", "fr": "Commande illisible"},
    "WebhookSignatureInvalid": {"en": "Invalid webhook signature", "fr": "Signature de webhook non valide"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "webhook_signature_invalid": {
        "en": "The webhook signature does not match its body: nothing was stored.",
        "fr": "La signature du webhook ne correspond pas à son contenu : rien n'a été enregistré.",
    },
    "woo_url_required": {
        "en": "Enter the address of your WooCommerce shop, e.g. https://shop.example.com.",
        "fr": "Saisissez l'adresse de votre boutique WooCommerce, par exemple https://boutique.exemple.fr.",
    },
    "woo_url_invalid": {
        "en": "'{url}' is not a web address. Enter your shop's address, e.g. https://shop.example.com.",
        "fr": "« {url} » n'est pas une adresse web. Saisissez l'adresse de votre boutique, par exemple "
        "https://boutique.exemple.fr.",
    },
    "woo_url_https_required": {
        "en": "The shop address '{url}' uses plain http. WooCommerce keys must travel over HTTPS: "
        "enter the https:// address of your shop (install an SSL certificate first if it has none).",
        "fr": "L'adresse « {url} » utilise http sans chiffrement. Les clés WooCommerce doivent passer par "
        "HTTPS : saisissez l'adresse https:// de votre boutique (installez d'abord un certificat SSL s'il "
        "n'y en a pas).",
    },
    "woo_url_private": {
        "en": "The shop address '{url}' points to a private or local network address that we cannot "
        "reach from the Internet. Enter your shop's public address.",
        "fr": "L'adresse « {url} » désigne une adresse de réseau privé ou local, inaccessible depuis "
        "Internet. Saisissez l'adresse publique de votre boutique.",
    },
    "woo_url_moved": {
        "en": "The shop at '{url}' answers from another address: '{moved}'. Enter that address.",
        "fr": "La boutique « {url} » répond depuis une autre adresse : « {moved} ». Saisissez cette adresse.",
    },
    "woo_key_shape": {
        "en": "The consumer key starts with 'ck_'. Copy it from WooCommerce › Settings › Advanced › REST API.",
        "fr": "La clé client commence par « ck_ ». Copiez-la depuis WooCommerce › Réglages › Avancé › API REST.",
    },
    "woo_secret_shape": {
        "en": "The consumer secret starts with 'cs_'. Copy it from WooCommerce › Settings › Advanced › REST API.",
        "fr": "La clé secrète commence par « cs_ ». Copiez-la depuis WooCommerce › Réglages › Avancé › API REST.",
    },
    "woo_key_refused": {
        "en": "The shop refused the consumer key and secret ({reason}). Check that you copied both keys "
        "of the same key pair, and that the key has not been revoked.",
        "fr": "La boutique a refusé la clé client et la clé secrète ({reason}). Vérifiez que vous avez copié "
        "les deux clés de la même paire et que la clé n'a pas été révoquée.",
    },
    "woo_key_read_only": {
        "en": "The key has only Read permission: we need Read/Write to register the order webhooks. "
        "Create a key with Read/Write permission.",
        "fr": "La clé n'a que la permission Lecture : il faut Lecture/Écriture pour enregistrer les webhooks "
        "de commandes. Créez une clé avec la permission Lecture/Écriture.",
    },
    "woo_not_woocommerce": {
        "en": "No WooCommerce shop answers at '{url}' (we found no WooCommerce REST API there). Check "
        "the address, and that WooCommerce is installed with pretty permalinks turned on.",
        "fr": "Aucune boutique WooCommerce ne répond à « {url} » (pas d'API REST WooCommerce). Vérifiez "
        "l'adresse, et que WooCommerce est installé avec les permaliens « jolis » activés.",
    },
    "woo_unreachable": {
        "en": "We could not reach '{url}' ({reason}). Check the address and that the shop is online.",
        "fr": "Impossible de joindre « {url} » ({reason}). Vérifiez l'adresse et que la boutique est en ligne.",
    },
    "woo_shop_taken": {
        "en": "This WooCommerce shop is already connected as the store '{name}'.",
        "fr": "Cette boutique WooCommerce est déjà connectée sous le nom « {name} ».",
    },
    "order_without_address": {
        "en": "Order {order} has no shipping or billing address.",
        "fr": "La commande {order} n'a ni adresse de livraison ni adresse de facturation.",
    },
    "order_without_lines": {
        "en": "Order {order} has no product line.",
        "fr": "La commande {order} n'a aucune ligne de produit.",
    },
    "order_unreadable": {
        "en": "The order payload cannot be read: {reason}",
        "fr": "Le contenu de la commande est illisible : {reason}",
    },
    "pressero_reference_missing": {
        "en": "The client '{name}' has no client reference ID. A Pressero store is identified by the "
        "client reference ID: an operator must set one on the client first (Clients › edit).",
        "fr": "Le client « {name} » n'a pas de référence client. Une boutique Pressero est identifiée par la "
        "référence client : un opérateur doit d'abord en saisir une sur la fiche du client.",
    },
    "pressero_client_unknown": {
        "en": "The client '{client_id}' is not known to the connector yet (or is archived). Try again in a moment.",
        "fr": "Le client « {client_id} » n'est pas encore connu du connecteur (ou il est archivé). "
        "Réessayez dans un instant.",
    },
    "pressero_integration_unknown": {
        "en": "No Pressero store has the integration ID '{integration_id}'.",
        "fr": "Aucune boutique Pressero n'a l'identifiant d'intégration « {integration_id} ».",
    },
    "pressero_integration_taken": {
        "en": "The integration ID '{integration_id}' is already connected as the store '{name}'.",
        "fr": "L'identifiant d'intégration « {integration_id} » est déjà connecté sous le nom « {name} ».",
    },
    "pressero_security_key_short": {
        "en": "The security key must be at least {minimum} characters long.",
        "fr": "La clé de sécurité doit comporter au moins {minimum} caractères.",
    },
}
