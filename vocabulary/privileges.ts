/**
 * Unity Catalog privilege sets per access role: data, read by stacks to turn principals into
 * grants, and by the policy pack to check that no grant exceeds its role.
 * `ALL_PRIVILEGES` and `MANAGE` appear nowhere: ALL_PRIVILEGES expands to privileges that do not
 * exist yet, and MANAGE lets a non-owner re-grant (security notes §2.1).
 */
export type AccessRole = "admin" | "writer" | "reader" | "auditor";

export const CATALOG_PRIVILEGES: Readonly<Record<AccessRole, readonly string[]>> = {
  admin: ["APPLY_TAG", "BROWSE", "CREATE_SCHEMA", "USE_CATALOG"],
  writer: ["BROWSE", "USE_CATALOG"],
  reader: ["BROWSE", "USE_CATALOG"],
  // Metadata only: BROWSE shows objects without granting data access.
  auditor: ["BROWSE", "USE_CATALOG"],
};

export const SCHEMA_PRIVILEGES: Readonly<Record<AccessRole, readonly string[]>> = {
  admin: [
    "APPLY_TAG",
    "CREATE_FUNCTION",
    "CREATE_TABLE",
    "CREATE_VOLUME",
    "EXECUTE",
    "MODIFY",
    "READ_VOLUME",
    "REFRESH",
    "SELECT",
    "USE_SCHEMA",
    "WRITE_VOLUME",
  ],
  writer: ["CREATE_FUNCTION", "CREATE_TABLE", "EXECUTE", "MODIFY", "READ_VOLUME", "REFRESH", "SELECT", "USE_SCHEMA", "WRITE_VOLUME"],
  reader: ["EXECUTE", "READ_VOLUME", "SELECT", "USE_SCHEMA"],
  auditor: ["USE_SCHEMA"],
};

export const VOLUME_PRIVILEGES: Readonly<Record<AccessRole, readonly string[]>> = {
  admin: ["APPLY_TAG", "READ_VOLUME", "WRITE_VOLUME"],
  writer: ["READ_VOLUME", "WRITE_VOLUME"],
  reader: ["READ_VOLUME"],
  auditor: ["READ_VOLUME"],
};

/** Read access to one system schema; `system.*` is shared by the whole metastore. */
export const SYSTEM_SCHEMA_READ_PRIVILEGES: readonly string[] = ["SELECT", "USE_SCHEMA"];
