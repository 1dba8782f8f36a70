// Names for the mapping service's generated API types (src/api/generated/mapping.ts: `make docs`).
import type { components as Mapping } from "./generated/mapping";

export type CatalogProduct = Mapping["schemas"]["CatalogProductPublic"];
export type CatalogPage = Mapping["schemas"]["CatalogPage"];
export type StoreVariant = Mapping["schemas"]["StoreVariantPublic"];
export type StoreProductsPage = Mapping["schemas"]["StoreProductsPage"];
export type MappingState = StoreVariant["mapping_state"];
export type ConnectProduct = Mapping["schemas"]["ConnectProduct"];
export type VariantChoice = Mapping["schemas"]["VariantChoiceBody"];
export type ConnectedProduct = Mapping["schemas"]["ConnectedProduct"];
export type ImportJob = Mapping["schemas"]["ImportJobPublic"];
export type RowError = Mapping["schemas"]["RowError"];
export type PublishProduct = Mapping["schemas"]["PublishProduct-Input"];
export type PublishedProductBody = Mapping["schemas"]["PublishProduct-Output"];
export type VariantToPublish = Mapping["schemas"]["VariantToPublishBody-Input"];
export type PublishRequest = Mapping["schemas"]["PublishRequestPublic"];
export type ProductTemplate = Mapping["schemas"]["TemplatePublic"];
export type TemplateCreate = Mapping["schemas"]["TemplateCreate"];
