# Sourced by the Azure DevOps script steps (azure-pipelines.yml) after `set -euo pipefail`, with
# STACK set. It prepares one stack's step environment:
#   * optional credentials (which exist depends on the state backend's cloud) that are undefined
#     reach the script as the literal text $(NAME): they are unset, so no tool reads them as values;
#   * required variables (host, destination secrets) that are unset, empty or literal $(NAME) fail
#     the step, naming them, never printing a value (scripts/ci-guard.ts require-env);
#   * TF_PROVIDER_MIRROR, when set, becomes a CLI config that installs databricks/databricks from
#     that filesystem mirror only (docs/terraform-validation.md);
#   * STACK_DIR points at the synthesized stack.
for v in DATABRICKS_CLIENT_ID DATABRICKS_CLIENT_SECRET ARM_CLIENT_ID ARM_CLIENT_SECRET ARM_TENANT_ID \
  ARM_SUBSCRIPTION_ID AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN TF_PROVIDER_MIRROR; do
  case "${!v:-}" in '$('*')' | '') unset "$v" ;; esac
done
npm run --silent ci-guard -- require-env STACK DATABRICKS_HOST TF_VAR_slack_webhook_url TF_VAR_pagerduty_integration_key \
  TF_VAR_teams_webhook_url TF_VAR_incident_webhook_url TF_VAR_incident_webhook_username TF_VAR_incident_webhook_password
if [ -n "${TF_PROVIDER_MIRROR:-}" ]; then
  printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n  direct {\n    exclude = ["registry.terraform.io/databricks/*"]\n  }\n}\n' \
    "$TF_PROVIDER_MIRROR" >"$AGENT_TEMPDIRECTORY/terraformrc"
  export TF_CLI_CONFIG_FILE="$AGENT_TEMPDIRECTORY/terraformrc"
fi
STACK_DIR="cdktf.out/stacks/$STACK"
export STACK_DIR
