import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "../constructs/core";

/**
 * Terraform 1.11 is the oldest release whose S3 backend supports `use_lockfile` as a GA feature
 * (experimental in 1.10; https://developer.hashicorp.com/terraform/language/backend/s3#state-locking),
 * and the aut example backend sets it.
 */
const MINIMUM = { major: 1, minor: 11 };

/**
 * The `required_version` constraint of every synthesized stack, derived from `.terraform-version`
 * (the one Terraform pin, read by CI and the validator too): `~> MAJOR.MINOR` of the pin, i.e.
 * that minor release or any later 1.x. It admits the pinned version (patch updates included) and
 * refuses every older Terraform, which would fail `init` on `use_lockfile` or plan with a
 * different provider protocol; it does not cap below 2.0 because 1.x minor releases keep
 * compatibility (https://developer.hashicorp.com/terraform/language/v1-compatibility-promises).
 */
export function requiredTerraformVersion(projectRoot: string): string {
  const file = path.join(projectRoot, ".terraform-version");
  const pinned = fs.readFileSync(file, "utf8").trim();
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(pinned);
  if (!match) throw new Error(`${path.relative(projectRoot, file)}: expected a version such as 1.11.4, got "${pinned.slice(0, 40)}"`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < MINIMUM.major || (major === MINIMUM.major && minor < MINIMUM.minor)) {
    throw new Error(`${path.relative(projectRoot, file)}: Terraform ${pinned} predates ${MINIMUM.major}.${MINIMUM.minor}, which the S3 backend's use_lockfile needs`);
  }
  return `~> ${major}.${minor}`;
}

/** Writes `terraform.required_version` into the stack's `terraform` block. */
export function applyTerraformSettings(stack: TerraformStack, projectRoot: string): void {
  stack.addOverride("terraform.required_version", requiredTerraformVersion(projectRoot));
}
