import type { Role } from "../api/types";

/** What a role may do, mirroring what the APIs allow (services' route dependencies): the
 * console offers nothing the API would refuse. */
export interface Capabilities {
  manageClients: boolean; // client-service: operators only
  manageStorefrontAccess: boolean; // access: OperatorOfClient
  viewTeam: boolean; // access: AdminOrOperator
  manageTeam: boolean;
  viewEmails: boolean; // notifier: operator, admin
  managePostbacks: boolean; // notifier's postback endpoints: operator, the client's admin
  addStores: boolean; // connector: AddsStores (operator, admin)
  manageStores: boolean; // connector: ManagesStores (operator, admin, store manager: sync, disconnect)
  manageOrders: boolean; // order intake: ACTING (operator, admin, order manager: cancel, correct an address)
}

export function capabilities(role: Role | null | undefined): Capabilities {
  const operator = role === "operator";
  const admin = role === "admin";
  return {
    manageClients: operator,
    manageStorefrontAccess: operator,
    viewTeam: operator || admin,
    manageTeam: admin,
    viewEmails: operator || admin,
    managePostbacks: operator || admin,
    addStores: operator || admin,
    manageStores: operator || admin || role === "store_manager",
    manageOrders: operator || admin || role === "order_manager",
  };
}

/** Whether a role changes anything anywhere: Read-only sees no button that does. */
export function changesAnything(role: Role | null | undefined): boolean {
  return Object.entries(capabilities(role)).some(([name, allowed]) => name.startsWith("manage") && allowed);
}

/** The last active admin cannot be demoted nor removed (access's rule): the user whose
 * change would break it, given the team. */
export function isLastActiveAdmin(
  user: { id: string; role: string; status: string },
  team: ReadonlyArray<{ id: string; role: string; status: string }>,
): boolean {
  if (user.role !== "admin" || user.status !== "active") return false;
  return !team.some((other) => other.id !== user.id && other.role === "admin" && other.status === "active");
}
