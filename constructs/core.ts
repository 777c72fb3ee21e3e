/**
 * The one module that names the CDK engine. Moving to CDK Terrain (cdktn) is this file's
 * import specifiers plus the provider deep paths (see README, "Portability").
 */
export {
  Annotations,
  App,
  Aspects,
  Fn,

  LocalBackend,
  S3Backend,
  AzurermBackend,
  GcsBackend,
  RemoteBackend,
  NamedRemoteWorkspace,
  TerraformElement,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  TerraformOutput,
  Token,
} from "cdktf";
export type { IAspect } from "cdktf";
/** cdktf's address hashing (private API, stable since 0.1): lets a stack keep pre-existing addresses. */
export { makeUniqueId } from "cdktf/lib/private/unique";
