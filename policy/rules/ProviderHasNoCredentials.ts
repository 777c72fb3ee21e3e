import { parse } from "path";
import { findingsOrCompliant, PolicyRule } from "../rule";
import { blocks } from "../synthesized";

const CREDENTIAL_ARGUMENTS = ["token", "client_secret", "password", "username", "azure_client_secret", "google_credentials", "azure_client_certificate"];

/** Provider blocks carry no credentials; authentication comes from the environment. */
export const ProviderHasNoCredentials: PolicyRule = {
  id: "DBX-SEC-005",
  name: parse(__filename).name,
  level: "error",
  description: "Provider blocks set no credentials (token, client_secret, password, azure_client_secret, google_credentials...).",
  explanation:
    "Credentials in the provider block are written to cdk.tf.json and, as variables, widen who must hold them. " +
    "The provider reads DATABRICKS_HOST / DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET or OIDC (github-oidc, env-oidc) from the CI runner.",
  check: (stack) => {
    const providers = Object.entries(stack.provider ?? {});
    if (providers.length === 0) return "not-applicable";
    return findingsOrCompliant(
      providers.flatMap(([name, list]) =>
        blocks(list).flatMap((p) =>
          CREDENTIAL_ARGUMENTS.filter((arg) => p[arg] !== undefined).map((arg) => ({
            address: `provider.${name}${typeof p.alias === "string" ? `.${p.alias}` : ""}`,
            message: `sets ${arg}: authenticate through DATABRICKS_* environment variables or OIDC instead`,
          })),
        ),
      ),
    );
  },
};
