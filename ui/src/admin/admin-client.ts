import { gatewayJson } from "../session/gateway-request.js";
import type { AuditPage, GroupView, KeyView, KeyWithSecret, ListPage, OrgView } from "./admin-wire.js";

const ADMIN = "/admin/v1";

function query(parameters: Record<string, string | undefined>): string {
  const entries = Object.entries(parameters).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "",
  );
  return entries.length === 0 ? "" : `?${new URLSearchParams(entries).toString()}`;
}

const id = (value: string): string => encodeURIComponent(value);

/** The admin API's calls the console makes, each with the admin key of the session. */
export const admin = {
  listKeys: (parameters: { status?: string; group?: string; cursor?: string; limit?: string } = {}) =>
    gatewayJson<ListPage<KeyView>>(`${ADMIN}/keys${query({ limit: "200", ...parameters })}`),
  createKey: (body: Record<string, unknown>) => gatewayJson<KeyWithSecret>(`${ADMIN}/keys`, "POST", body),
  updateKey: (key: string, body: Record<string, unknown>) =>
    gatewayJson<KeyView>(`${ADMIN}/keys/${id(key)}`, "PATCH", body),
  rotateKey: (key: string, graceSeconds: number) =>
    gatewayJson<KeyWithSecret>(`${ADMIN}/keys/${id(key)}/rotate`, "POST", { grace_seconds: graceSeconds }),
  revokeKey: (key: string) => gatewayJson<KeyView>(`${ADMIN}/keys/${id(key)}/revoke`, "POST", {}),
  deleteKey: (key: string) => gatewayJson<KeyView>(`${ADMIN}/keys/${id(key)}`, "DELETE"),
  listGroups: () => gatewayJson<ListPage<GroupView>>(`${ADMIN}/groups`),
  createGroup: (body: Record<string, unknown>) => gatewayJson<GroupView>(`${ADMIN}/groups`, "POST", body),
  updateGroup: (group: string, body: Record<string, unknown>) =>
    gatewayJson<GroupView>(`${ADMIN}/groups/${id(group)}`, "PATCH", body),
  listOrgs: () => gatewayJson<ListPage<OrgView>>(`${ADMIN}/orgs`),
  createOrg: (body: Record<string, unknown>) => gatewayJson<OrgView>(`${ADMIN}/orgs`, "POST", body),
  updateOrg: (org: string, body: Record<string, unknown>) =>
    gatewayJson<OrgView>(`${ADMIN}/orgs/${id(org)}`, "PATCH", body),
  audit: (parameters: Record<string, string | undefined>) =>
    gatewayJson<AuditPage>(`${ADMIN}/audit${query({ limit: "50", ...parameters })}`),
};
