"""What order intake says in a problem+json answer, in English and French, by key: the titles of
its refusals, and the refusals said by a code (domain/texts.py) with their values. The console
says the same codes from its own catalogue; the English sentences are domain/texts.py's."""

from service_runtime.messages import Catalog

TITLES: dict[str, dict[str, str]] = {
    "InvalidOrderInput": {"en": "Invalid order", "fr": "Commande non valide"},
    "OrderNotFound": {"en": "Order not found", "fr": "Commande introuvable"},
    "IllegalTransition": {"en": "Status change not allowed", "fr": "Changement de statut non autorisé"},
    "OrderNotEditable": {"en": "Order cannot be changed", "fr": "La commande ne peut pas être modifiée"},
    "StoreNotKnown": {"en": "Store not known", "fr": "Boutique inconnue"},
    "DuplicateReference": {"en": "Order reference already used", "fr": "Référence de commande déjà utilisée"},
}

#: A line of a placed order: "Line 2: ..." (``line`` counts from 1), by the line problem's code.
_LINE: dict[str, tuple[str, str]] = {
    "order_line.quantity_range": (
        "quantity must be a whole number from 1 to {max}",
        "la quantité doit être un nombre entier de 1 à {max}",
    ),
    "order_line.product_and_sku": (
        "give a product UID or a SKU, not both",
        "donnez un UID de produit ou un SKU, pas les deux",
    ),
    "order_line.product_or_sku_required": (
        "a product UID or a SKU is required",
        "un UID de produit ou un SKU est obligatoire",
    ),
    "order_line.design_files_required": (
        "a line by product UID needs at least one design file URL",
        "une ligne par UID de produit demande au moins une URL de fichier de design",
    ),
    "order_line.too_many_design_files": ("too many design file URLs", "trop d'URL de fichiers de design"),
    "order_line.design_file_not_url": ("'{url}' is not an http(s) URL", "« {url} » n'est pas une URL http(s)"),
    "order_line.design_files_with_sku": (
        "a line by SKU takes its design files from the store's mapping",
        "une ligne par SKU prend ses fichiers de design dans la liaison de la boutique",
    ),
    "order_csv.sku_unmapped": (
        "SKU '{sku}' is not mapped in this store",
        "le SKU « {sku} » n'est pas relié dans cette boutique",
    ),
}

MESSAGES: dict[str, dict[str, str]] = {
    code: {"en": f"Line {{line}}: {english}.", "fr": f"Ligne {{line}} : {french}."}
    for code, (english, french) in _LINE.items()
} | {
    "address.country_unknown": {
        "en": "Country code '{country}' is not an ISO country code.",
        "fr": "Le code pays « {country} » n'est pas un code pays ISO.",
    },
    "order.reference_length": {
        "en": "An order reference of 1 to {max} characters is required.",
        "fr": "Une référence de commande de 1 à {max} caractères est obligatoire.",
    },
    "order.lines_count": {
        "en": "An order has 1 to {max} lines.",
        "fr": "Une commande a de 1 à {max} lignes.",
    },
}

CATALOG = Catalog(titles=TITLES, messages=MESSAGES)
