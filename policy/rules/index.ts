import { PolicyRule } from "../rule";
import { AlertSchedulesPausedOutsideProduction } from "./AlertSchedulesPausedOutsideProduction";
import { BoundedConcurrency } from "./BoundedConcurrency";
import { BoundedRetries } from "./BoundedRetries";
import { ExplicitSchedulePauseStatus } from "./ExplicitSchedulePauseStatus";
import { GrantsWithinRolePrivileges } from "./GrantsWithinRolePrivileges";
import { GroupOwnedSecurables } from "./GroupOwnedSecurables";
import { JobDurationHealthRule } from "./JobDurationHealthRule";
import { JobFailureNotifications } from "./JobFailureNotifications";
import { JobTimeout } from "./JobTimeout";
import { NoAllPrivilegesOrManage } from "./NoAllPrivilegesOrManage";
import { NoBroadPrincipals } from "./NoBroadPrincipals";
import { NoDevelopmentPipelinesInProduction } from "./NoDevelopmentPipelinesInProduction";
import { NoDuplicateGrant } from "./NoDuplicateGrant";
import { NoForceDestroy } from "./NoForceDestroy";
import { NoIgnoreChangesOnJobs } from "./NoIgnoreChangesOnJobs";
import { NoSecretLiterals } from "./NoSecretLiterals";
import { NoServingAutoCapture } from "./NoServingAutoCapture";
import { OneAuthoritativeGrantsPerSecurable } from "./OneAuthoritativeGrantsPerSecurable";
import { PipelineFailureNotifications } from "./PipelineFailureNotifications";
import { PipelineNamesAreUnique } from "./PipelineNamesAreUnique";
import { PipelinesPublishToUnityCatalog } from "./PipelinesPublishToUnityCatalog";
import { PreventDestroyOnStatefulResources } from "./PreventDestroyOnStatefulResources";
import { PrincipalsAreGroupsOrServicePrincipals } from "./PrincipalsAreGroupsOrServicePrincipals";
import { ProviderHasNoCredentials } from "./ProviderHasNoCredentials";
import { QualityMonitorFailureNotifications } from "./QualityMonitorFailureNotifications";
import { QueueScheduledRuns } from "./QueueScheduledRuns";
import { RemoteEncryptedState } from "./RemoteEncryptedState";
import { ReferencesResolveInStack } from "./ReferencesResolveInStack";
import { RequiredTags } from "./RequiredTags";
import { RunAsServicePrincipal } from "./RunAsServicePrincipal";
import { SecretFieldsUseVariables } from "./SecretFieldsUseVariables";
import { SecretVariablesAreSensitive } from "./SecretVariablesAreSensitive";
import { ServingEndpointPermissions } from "./ServingEndpointPermissions";
import { ServingKeysUseSecretScopes } from "./ServingKeysUseSecretScopes";
import { ServingScaleToZeroExplicit } from "./ServingScaleToZeroExplicit";
import { SortedJobTasks } from "./SortedJobTasks";

/** The policy pack, grouped by area. A new rule is a new file plus one line here. */
export const POLICY_RULES: readonly PolicyRule[] = [
  // Secrets and credentials
  NoSecretLiterals,
  SecretFieldsUseVariables,
  SecretVariablesAreSensitive,
  ServingKeysUseSecretScopes,
  ProviderHasNoCredentials,
  RemoteEncryptedState,
  // Unity Catalog access
  NoBroadPrincipals,
  NoAllPrivilegesOrManage,
  PrincipalsAreGroupsOrServicePrincipals,
  OneAuthoritativeGrantsPerSecurable,
  NoDuplicateGrant,
  GroupOwnedSecurables,
  GrantsWithinRolePrivileges,
  // Data loss
  NoForceDestroy,
  PreventDestroyOnStatefulResources,
  // Pipelines
  PipelinesPublishToUnityCatalog,
  PipelineNamesAreUnique,
  NoDevelopmentPipelinesInProduction,
  PipelineFailureNotifications,
  // Jobs
  RunAsServicePrincipal,
  JobTimeout,
  BoundedRetries,
  JobFailureNotifications,
  JobDurationHealthRule,
  BoundedConcurrency,
  QueueScheduledRuns,
  ExplicitSchedulePauseStatus,
  SortedJobTasks,
  NoIgnoreChangesOnJobs,
  // Model serving
  ServingEndpointPermissions,
  ServingScaleToZeroExplicit,
  NoServingAutoCapture,
  // Monitors and alerts
  QualityMonitorFailureNotifications,
  AlertSchedulesPausedOutsideProduction,
  // Operations
  RequiredTags,
  // Terraform structure
  ReferencesResolveInStack,
];
