import { IConstruct } from "constructs";

/**
 * Thrown at construction when props break an invariant. The message names the construct path
 * and the prop, so the fault is found without reading a stack trace.
 */
export class ValidationError extends Error {
  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = "ValidationError";
  }
}

/** Collects every problem first and throws once, so a user fixes all props in one pass. */
export function throwIfProblems(scope: IConstruct, problems: string[]): void {
  if (problems.length > 0) throw new ValidationError(scope, problems.join("; "));
}
