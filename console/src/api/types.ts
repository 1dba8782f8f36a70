// Names for the generated API types (src/api/generated: `make docs` regenerates them).
import type { components as Access } from "./generated/access";
import type { components as Client } from "./generated/client";
import type { components as Connector } from "./generated/connector";
import type { components as Notifier } from "./generated/notifier";

// every member but title and status may be absent from a problem+json body
export type Problem = Partial<Access["schemas"]["Problem"]> & Pick<Access["schemas"]["Problem"], "title" | "status">;
export type TokenPair = Access["schemas"]["TokenPair"];
export type User = Access["schemas"]["UserPublic"];
export type UserCreate = Access["schemas"]["UserCreate"];
export type UserUpdate = Access["schemas"]["UserUpdate"];
export type UserList = Access["schemas"]["UserList"];
export type StorefrontAccess = Access["schemas"]["StorefrontAccessPublic"];
export type StorefrontAccessUpdate = Access["schemas"]["StorefrontAccessUpdate"];
export type AdminUpdate = Access["schemas"]["AdminUpdate"];
export type InvitationInspection = Access["schemas"]["InvitationInspection"];
export type InvitationAcceptance = Access["schemas"]["InvitationAcceptance"];
export type Credentials = Access["schemas"]["Credentials"];
export type ClientRecord = Client["schemas"]["ClientPublic"];
export type ClientCreate = Client["schemas"]["ClientCreate"];
export type ClientPage = Client["schemas"]["ClientPage"];
export type Email = Notifier["schemas"]["EmailPublic"];
export type EmailList = Notifier["schemas"]["EmailList"];
export type Endpoint = Notifier["schemas"]["EndpointPublic"];
export type EndpointWithSecret = Notifier["schemas"]["EndpointWithSecret"];
export type EndpointList = Notifier["schemas"]["EndpointList"];
export type EndpointCreate = Notifier["schemas"]["EndpointCreate"];
export type EndpointChange = Notifier["schemas"]["EndpointChange"];
export type Delivery = Notifier["schemas"]["DeliveryPublic"];
export type DeliveryList = Notifier["schemas"]["DeliveryList"];
export type Attempt = Notifier["schemas"]["AttemptPublic"];
export type ReplayRange = Notifier["schemas"]["ReplayRange"];
export type Replayed = Notifier["schemas"]["Replayed"];

export type Role = "operator" | "admin" | "store_manager" | "order_manager" | "read_only";
export const CLIENT_ROLES = ["admin", "store_manager", "order_manager", "read_only"] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];
export type Store = Connector["schemas"]["StorePublic"];
export type StorePage = Connector["schemas"]["StorePage"];
export type Sync = Connector["schemas"]["SyncPublic"];
export type Health = Connector["schemas"]["HealthPublic"];
export type Install = Connector["schemas"]["InstallPublic"];
export type PresseroConnected = Connector["schemas"]["PresseroConnected"];
export type WooCommerceConnect = Connector["schemas"]["WooCommerceConnect"];
