"""What order intake says in a problem+json answer, in English and French, by key: the titles of
its refusals, and the refusals said by a code with their values. The English sentences are
domain/texts.py's (also those of the CSV report and the history); only French is written here.
The console says the same codes from its own catalogue."""

from order_intake.domain.texts import ENGLISH, LINES, ORDER_CSV, ORDERS
from service_runtime.messages import Catalog

TITLES: dict[str, dict[str, str]] = {
    "InvalidOrderInput": {"en": "Invalid order", "fr": "Commande non valide"},
    "OrderNotFound": {"en": "Order not found", "fr": "Commande introuvable"},
    "IllegalTransition": {"en": "Status change not allowed", "fr": "Changement de statut non autorisé"},
    "OrderNotEditable": {"en": "Order cannot be changed", "fr": "La commande ne peut pas être modifiée"},
    "StoreNotKnown": {"en": "Store not known", "fr": "Boutique inconnue"},
    "DuplicateReference": {"en": "Order reference already used", "fr": "Référence de commande déjà utilisée"},
}

#: A line of a placed order, by the line problem's code: "Line 2: ..." (``line`` counts from 1).
_LINE_FRENCH: dict[str, str] = {
    "order_line.quantity_range": "la quantité doit être un nombre entier de 1 à {max}",
    "order_line.product_and_sku": "donnez un UID de produit ou un SKU, pas les deux",
    "order_line.product_or_sku_required": "un UID de produit ou un SKU est obligatoire",
    "order_line.design_files_required": "une ligne par UID de produit demande au moins une URL de fichier de design",
    "order_line.too_many_design_files": "trop d'URL de fichiers de design",
    "order_line.design_file_not_url": "« {url} » n'est pas une URL http(s)",
    "order_line.design_files_with_sku": "une ligne par SKU prend ses fichiers de design dans l'association de la boutique",
    "order_csv.sku_unmapped": "le SKU « {sku} » n'est pas relié dans cette boutique",
}

#: What is wrong with the order itself, as a sentence.
_ORDER_FRENCH: dict[str, str] = {
    "address.country_unknown": "le code pays « {country} » n'est pas un code pays ISO",
    "order.reference_length": "une référence de commande de 1 à {max} caractères est obligatoire",
    "order.lines_count": "une commande a de 1 à {max} lignes",
}

_ENGLISH = ENGLISH | LINES | ORDERS | ORDER_CSV


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


MESSAGES: dict[str, dict[str, str]] = {
    code: {"en": f"Line {{line}}: {_ENGLISH[code]}.", "fr": f"Ligne {{line}} : {french}."}
    for code, french in _LINE_FRENCH.items()
} | {code: {"en": _sentence(_ENGLISH[code]), "fr": _sentence(french)} for code, french in _ORDER_FRENCH.items()}

CATALOG = Catalog(titles=TITLES, messages=MESSAGES)
