"""What the mapping service says, in English and French, by key."""

from service_runtime.messages import Catalog

TITLES: dict[str, dict[str, str]] = {
    "InvalidCatalogProduct": {"en": "Invalid catalog product", "fr": "Produit du catalogue non valide"},
    "CatalogProductNotFound": {"en": "Catalog product not found", "fr": "Produit du catalogue introuvable"},
    "CatalogProductExists": {"en": "Catalog product already exists", "fr": "Produit du catalogue déjà existant"},
    "InvalidCsv": {"en": "Invalid CSV file", "fr": "Fichier CSV non valide"},
    "CsvRowsRefused": {"en": "CSV rows refused", "fr": "Lignes CSV refusées"},
    "InvalidCursor": {"en": "Invalid cursor", "fr": "Curseur non valide"},
    "StoreNotFound": {"en": "Store not found", "fr": "Boutique introuvable"},
    "StoreProductNotFound": {"en": "Store product not found", "fr": "Produit de la boutique introuvable"},
    "MappingNotFound": {"en": "Mapping not found", "fr": "Association introuvable"},
    "MayNotChangeMappings": {"en": "Forbidden", "fr": "Interdit"},
    "MappingRefused": {"en": "Mapping refused", "fr": "Association refusée"},
    "ImportNotFound": {"en": "Import not found", "fr": "Import introuvable"},
    "TemplateNotFound": {"en": "Template not found", "fr": "Modèle introuvable"},
    "PublishRequestNotFound": {"en": "Publish request not found", "fr": "Demande de publication introuvable"},
}

MESSAGES: dict[str, dict[str, str]] = {
    # catalog
    "uid_required": {"en": "The product UID is required.", "fr": "L'UID du produit est obligatoire."},
    "uid_too_long": {
        "en": "The product UID is longer than {maximum} characters.",
        "fr": "L'UID du produit dépasse {maximum} caractères.",
    },
    "uid_malformed": {
        "en": "The product UID '{uid}' is not of the form type_product_attribute… "
        "(lower-case letters, digits and '-' between '_').",
        "fr": "L'UID du produit « {uid} » n'est pas de la forme type_produit_attribut… "
        "(minuscules, chiffres et « - » entre les « _ »).",
    },
    "uid_type_unknown": {
        "en": "The product UID '{uid}' does not start with a known product type ({types}).",
        "fr": "L'UID du produit « {uid} » ne commence pas par un type de produit connu ({types}).",
    },
    "title_required": {"en": "The title is required.", "fr": "Le titre est obligatoire."},
    "title_too_long": {
        "en": "The title is longer than {maximum} characters.",
        "fr": "Le titre dépasse {maximum} caractères.",
    },
    "title_character_refused": {
        "en": "The title contains a character that is not allowed ({character}).",
        "fr": "Le titre contient un caractère non autorisé ({character}).",
    },
    "attribute_name_invalid": {
        "en": "The attribute name '{name}' is not valid (lower-case letters, digits and '_').",
        "fr": "Le nom d'attribut « {name} » n'est pas valide (minuscules, chiffres et « _ »).",
    },
    "attribute_value_invalid": {
        "en": "The value of the attribute '{name}' is empty, too long or holds a refused character.",
        "fr": "La valeur de l'attribut « {name} » est vide, trop longue ou contient un caractère refusé.",
    },
    "attributes_malformed": {
        "en": "Attributes are written name=value, separated by '|' (e.g. size=M|colour=White).",
        "fr": "Les attributs s'écrivent nom=valeur, séparés par « | » (ex. size=M|colour=White).",
    },
    "formats_required": {
        "en": "At least one accepted design format is required.",
        "fr": "Au moins un format de fichier accepté est obligatoire.",
    },
    "format_unknown": {
        "en": "The design format '{format}' is not one we check ({formats}).",
        "fr": "Le format de fichier « {format} » n'est pas pris en charge ({formats}).",
    },
    "min_dpi_out_of_range": {
        "en": "The minimum resolution must be between 1 and 2400 DPI.",
        "fr": "La résolution minimale doit être comprise entre 1 et 2400 DPI.",
    },
    "dimension_out_of_range": {
        "en": "The print area dimension must be above 0 and at most 10,000 mm.",
        "fr": "La dimension de la zone d'impression doit être supérieure à 0 et au plus 10 000 mm.",
    },
    "bleed_out_of_range": {
        "en": "The bleed must be between 0 and 100 mm.",
        "fr": "Le fond perdu doit être compris entre 0 et 100 mm.",
    },
    "print_files_required": {
        "en": "At least one print file name (e.g. front) is required.",
        "fr": "Au moins un nom de fichier d'impression (ex. front) est obligatoire.",
    },
    "print_file_name_invalid": {
        "en": "The print file name '{name}' is not valid.",
        "fr": "Le nom de fichier d'impression « {name} » n'est pas valide.",
    },
    "number_invalid": {
        "en": "'{value}' is not a number.",
        "fr": "« {value} » n'est pas un nombre.",
    },
    "boolean_invalid": {
        "en": "'{value}' is not true or false.",
        "fr": "« {value} » n'est ni true ni false.",
    },
    "value_required": {"en": "A value is required.", "fr": "Une valeur est obligatoire."},
    "catalog_product_not_found": {
        "en": "No catalog product with UID '{uid}'.",
        "fr": "Aucun produit du catalogue avec l'UID « {uid} ».",
    },
    "catalog_product_exists": {
        "en": "A catalog product with UID '{uid}' already exists.",
        "fr": "Un produit du catalogue avec l'UID « {uid} » existe déjà.",
    },
    "uid_repeated": {
        "en": "The UID '{uid}' is already on line {first_line}.",
        "fr": "L'UID « {uid} » figure déjà à la ligne {first_line}.",
    },
    # CSV files
    "csv_empty": {"en": "The file is empty.", "fr": "Le fichier est vide."},
    "csv_not_text": {
        "en": "The file is not a CSV file (it holds binary data).",
        "fr": "Le fichier n'est pas un fichier CSV (il contient des données binaires).",
    },
    "csv_not_utf8": {
        "en": "The file is not UTF-8 text (byte {position}); save it as CSV UTF-8.",
        "fr": "Le fichier n'est pas du texte UTF-8 (octet {position}) ; enregistrez-le en CSV UTF-8.",
    },
    "csv_unreadable": {
        "en": "The file cannot be read as CSV: {reason}.",
        "fr": "Le fichier ne peut pas être lu comme un CSV : {reason}.",
    },
    "csv_malformed_line": {
        "en": "Line {line} cannot be read as CSV: {reason}.",
        "fr": "La ligne {line} ne peut pas être lue comme du CSV : {reason}.",
    },
    "csv_missing_columns": {
        "en": "The file lacks the column(s) {columns}; its header must name {expected}.",
        "fr": "Il manque au fichier la ou les colonnes {columns} ; son en-tête doit nommer {expected}.",
    },
    "csv_rows_refused": {
        "en": "{count} row(s) of the file are refused; nothing was changed.",
        "fr": "{count} ligne(s) du fichier sont refusées ; rien n'a été modifié.",
    },
    # stores and mappings
    "cursor_invalid": {
        "en": "The cursor is not one this API returned.",
        "fr": "Ce curseur n'a pas été renvoyé par cette API.",
    },
    "store_not_found": {
        "en": "No store with id '{store_id}'.",
        "fr": "Aucune boutique avec l'identifiant « {store_id} ».",
    },
    "store_product_not_found": {
        "en": "The store has no product '{product_id}'.",
        "fr": "La boutique n'a pas de produit « {product_id} ».",
    },
    "mapping_not_found": {
        "en": "The variant '{variant}' of '{product}' is not connected to a catalog product.",
        "fr": "La variante « {variant} » de « {product} » n'est associée à aucun produit du catalogue.",
    },
    "role_may_not_map": {
        "en": "Only the client's admin or a store manager may change mappings.",
        "fr": "Seuls l'administrateur du client ou un gestionnaire de boutique peuvent modifier les associations.",
    },
    "mapping_refused": {
        "en": "{count} problem(s) prevent connecting '{product}'; nothing was changed.",
        "fr": "{count} problème(s) empêchent d'associer « {product} » ; rien n'a été modifié.",
    },
    "variant_unknown": {
        "en": "The product '{product}' has no variant '{variant}'.",
        "fr": "Le produit « {product} » n'a pas de variante « {variant} ».",
    },
    "publish_request_not_found": {
        "en": "No publish request '{publish_request_id}' for this store.",
        "fr": "Aucune demande de publication « {publish_request_id} » pour cette boutique.",
    },
    "template_not_found": {
        "en": "No template '{template_id}'.",
        "fr": "Aucun modèle « {template_id} ».",
    },
    "publish_refused": {
        "en": "{count} problem(s) prevent publishing '{product}'; nothing was sent to the shop.",
        "fr": "{count} problème(s) empêchent de publier « {product} » ; rien n'a été envoyé à la boutique.",
    },
    "sku_repeated": {
        "en": "The SKU '{variant}' is given to more than one variant.",
        "fr": "Le SKU « {variant} » est donné à plus d'une variante.",
    },
    "variant_repeated": {
        "en": "The variant '{variant}' is already on line {first_line}.",
        "fr": "La variante « {variant} » figure déjà à la ligne {first_line}.",
    },
    "import_not_found": {
        "en": "No import '{job_id}' for this store.",
        "fr": "Aucun import « {job_id} » pour cette boutique.",
    },
    "uid_unknown": {
        "en": "Variant '{variant}': no catalog product with UID '{uid}'.",
        "fr": "Variante « {variant} » : aucun produit du catalogue avec l'UID « {uid} ».",
    },
    "uid_retired": {
        "en": "Variant '{variant}': the catalog product '{uid}' is retired.",
        "fr": "Variante « {variant} » : le produit du catalogue « {uid} » est retiré.",
    },
    "option_mismatch": {
        "en": "Variant '{variant}': its {option} '{value}' does not match the catalog product '{uid}' ({expected}).",
        "fr": "Variante « {variant} » : son option {option} « {value} » ne correspond pas au produit "
        "du catalogue « {uid} » ({expected}).",
    },
    "print_file_required": {
        "en": "Variant '{variant}': a design file is required for '{print_file}'.",
        "fr": "Variante « {variant} » : un fichier de design est obligatoire pour « {print_file} ».",
    },
    "print_file_unknown": {
        "en": "Variant '{variant}': the catalog product '{uid}' has no print file '{print_file}' ({expected}).",
        "fr": "Variante « {variant} » : le produit du catalogue « {uid} » n'a pas de fichier d'impression "
        "« {print_file} » ({expected}).",
    },
    "design_file_url_refused": {
        "en": "Variant '{variant}', file '{url}': this address is not allowed ({reason}).",
        "fr": "Variante « {variant} », fichier « {url} » : cette adresse n'est pas autorisée ({reason}).",
    },
    "design_file_unreachable": {
        "en": "Variant '{variant}', file '{url}': the file cannot be downloaded ({reason}).",
        "fr": "Variante « {variant} », fichier « {url} » : le fichier ne peut pas être téléchargé ({reason}).",
    },
    "design_file_missing": {
        "en": "Variant '{variant}', file '{url}': the server answered {status}, the file does not exist there.",
        "fr": "Variante « {variant} », fichier « {url} » : le serveur a répondu {status}, le fichier n'y existe pas.",
    },
    "design_file_too_large": {
        "en": "Variant '{variant}', file '{url}': the file is larger than {maximum_mb} MB.",
        "fr": "Variante « {variant} », fichier « {url} » : le fichier dépasse {maximum_mb} Mo.",
    },
    "design_file_format_unknown": {
        "en": "Variant '{variant}', file '{url}': the content is not a design file we accept "
        "(PNG, JPEG, PDF, TIFF or SVG), whatever its name says.",
        "fr": "Variante « {variant} », fichier « {url} » : le contenu n'est pas un fichier de design accepté "
        "(PNG, JPEG, PDF, TIFF ou SVG), quel que soit son nom.",
    },
    "design_file_format_refused": {
        "en": "Variant '{variant}', file '{url}': a {format} file, but '{uid}' accepts {formats}.",
        "fr": "Variante « {variant} », fichier « {url} » : un fichier {format}, mais « {uid} » accepte {formats}.",
    },
    "design_file_resolution_low": {
        "en": "Variant '{variant}', file '{url}': {width}×{height} px prints at {dpi} DPI on '{uid}', "
        "below the {min_dpi} DPI required ({needed_width}×{needed_height} px).",
        "fr": "Variante « {variant} », fichier « {url} » : {width}×{height} px s'imprime à {dpi} DPI sur "
        "« {uid} », sous les {min_dpi} DPI exigés ({needed_width}×{needed_height} px).",
    },
}

# why a design file's address is refused (the outbound guard's reason codes) or its download
# failed: said inside design_file_url_refused and design_file_unreachable as {reason}
REASONS: dict[str, dict[str, str]] = {
    "url_scheme_refused": {
        "en": "only http and https addresses are allowed, not '{scheme}'",
        "fr": "seules les adresses http et https sont acceptées, pas « {scheme} »",
    },
    "url_no_host": {"en": "the address has no host", "fr": "l'adresse n'a pas de nom d'hôte"},
    "url_credentials": {
        "en": "addresses holding credentials are not allowed",
        "fr": "les adresses contenant des identifiants ne sont pas acceptées",
    },
    "url_unresolvable": {
        "en": "the host '{host}' cannot be resolved",
        "fr": "le nom d'hôte « {host} » est introuvable",
    },
    "url_private_address": {
        "en": "the host '{host}' resolves to a private or reserved address ({address})",
        "fr": "l'hôte « {host} » correspond à une adresse privée ou réservée ({address})",
    },
    "url_refused": {"en": "the address is refused", "fr": "l'adresse est refusée"},
    "fetch_timeout": {"en": "no answer within {seconds} s", "fr": "aucune réponse en {seconds} s"},
    "fetch_connect_failed": {
        "en": "the server cannot be reached",
        "fr": "le serveur est injoignable",
    },
    "fetch_too_many_redirects": {"en": "too many redirects", "fr": "trop de redirections"},
    "fetch_invalid_url": {"en": "the address is not a valid URL", "fr": "l'adresse n'est pas une URL valide"},
    "fetch_protocol_error": {
        "en": "the server's answer is not valid HTTP",
        "fr": "la réponse du serveur n'est pas du HTTP valide",
    },
    "fetch_connection_lost": {
        "en": "the connection was lost during the download",
        "fr": "la connexion a été perdue pendant le téléchargement",
    },
    "fetch_failed": {"en": "the download failed", "fr": "le téléchargement a échoué"},
}


class MappingCatalog(Catalog):
    """The catalog whose messages may hold a reason said by its own key: a ``reason_code`` value
    is rendered in the same language into ``{reason}`` (no English inside a French sentence)."""

    def render(self, key: str, locale: str, values: dict[str, object] | None = None) -> str:
        code = (values or {}).get("reason_code")
        if isinstance(code, str):
            values = {**(values or {}), "reason": super().render(code, locale, values)}
        return super().render(key, locale, values)


CATALOG = MappingCatalog(TITLES, MESSAGES | REASONS)
