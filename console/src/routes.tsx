import type { ReactNode } from "react";
import type { Role } from "./api/types";
import type { MessageKey } from "./i18n/messages";
import { AddClientPage } from "./pages/AddClient";
import { ClientPage } from "./pages/ClientPage";
import { ClientsPage } from "./pages/Clients";
import { BulkMappingPage } from "./pages/BulkMapping";
import { ConnectProductPage } from "./pages/ConnectProduct";
import { ConnectStorePage } from "./pages/ConnectStore";
import { CreateProductPage } from "./pages/CreateProduct";
import { EmailsPage } from "./pages/Emails";
import { HomePage } from "./pages/Home";
import { OrderViewPage } from "./pages/OrderPage";
import { ImportOrdersPage, PlaceOrderPage } from "./pages/ManualOrders";
import { OrdersPage } from "./pages/Orders";
import { PostbackLogPage, PostbacksPage } from "./pages/Postbacks";
import { PublishRequestPage } from "./pages/PublishRequest";
import { StoreSettingsPage } from "./pages/StorePage";
import { StoreProductsPage } from "./pages/StoreProducts";
import { StoresPage } from "./pages/Stores";
import { TemplatesPage } from "./pages/Templates";
import { TeamPage } from "./pages/Team";

/**
 * The signed-in screens. A new capability (stores, mapping, orders, postbacks) adds its
 * pages here: the path under /console, who may see it (what its API allows), and its entry
 * in the navigation, if any.
 */
export interface ConsoleRoute {
  path: string;
  element: ReactNode;
  roles: readonly Role[];
  nav?: MessageKey;
}

export const ROUTES: readonly ConsoleRoute[] = [
  { path: "clients", element: <ClientsPage />, roles: ["operator"], nav: "nav.clients" },
  { path: "clients/new", element: <AddClientPage />, roles: ["operator"] },
  { path: "clients/:clientId/:tab?", element: <ClientPage />, roles: ["operator"] },
  { path: "clients/:clientId/postbacks/:endpointId", element: <ClientPage />, roles: ["operator"] },
  { path: "home", element: <HomePage />, roles: ["admin", "store_manager", "order_manager", "read_only"], nav: "nav.home" },
  { path: "stores", element: <StoresPage />, roles: ["admin", "store_manager", "order_manager", "read_only"], nav: "nav.stores" },
  { path: "stores/connect", element: <ConnectStorePage />, roles: ["operator", "admin"] },
  { path: "stores/:storeId", element: <StoreSettingsPage />, roles: ["operator", "admin", "store_manager", "order_manager", "read_only"] },
  { path: "stores/:storeId/products", element: <StoreProductsPage />, roles: ["operator", "admin", "store_manager", "order_manager", "read_only"] },
  { path: "stores/:storeId/products/:productId", element: <ConnectProductPage />, roles: ["operator", "admin", "store_manager", "order_manager", "read_only"] },
  { path: "stores/:storeId/create-product", element: <CreateProductPage />, roles: ["operator", "admin", "store_manager"] },
  { path: "stores/:storeId/publish-requests/:requestId", element: <PublishRequestPage />, roles: ["operator", "admin", "store_manager", "order_manager", "read_only"] },
  { path: "stores/:storeId/templates", element: <TemplatesPage />, roles: ["operator", "admin", "store_manager", "order_manager", "read_only"] },
  { path: "stores/:storeId/bulk", element: <BulkMappingPage />, roles: ["operator", "admin", "store_manager", "order_manager", "read_only"] },
  { path: "stores/:storeId/place-order", element: <PlaceOrderPage />, roles: ["operator", "admin", "order_manager"] },
  { path: "stores/:storeId/import-orders", element: <ImportOrdersPage />, roles: ["operator", "admin", "order_manager"] },
  { path: "orders", element: <OrdersPage />, roles: ["operator", "admin", "store_manager", "order_manager", "read_only"], nav: "nav.orders" },
  { path: "orders/:orderId", element: <OrderViewPage />, roles: ["operator", "admin", "store_manager", "order_manager", "read_only"] },
  { path: "team", element: <TeamPage />, roles: ["admin"], nav: "nav.team" },
  { path: "emails", element: <EmailsPage />, roles: ["operator", "admin"], nav: "nav.emails" },
  { path: "postbacks", element: <PostbacksPage />, roles: ["admin"], nav: "nav.postbacks" },
  { path: "postbacks/:endpointId", element: <PostbackLogPage />, roles: ["admin"] },
];

/** Where a role lands after signing in. */
export function landing(role: Role | null): string {
  return role === "operator" ? "/console/clients" : "/console/home";
}

export function routesFor(role: Role | null): readonly ConsoleRoute[] {
  return role ? ROUTES.filter((route) => route.roles.includes(role)) : [];
}

/** The screens a role may not see: routed to "Page not found", so that a path another role has
 * (stores/connect) is never taken for a parameter of one this role has (stores/:storeId). */
export function refusedFor(role: Role | null): readonly ConsoleRoute[] {
  return ROUTES.filter((route) => !role || !route.roles.includes(role));
}
