/**
 * Shortest reason accepted for an exception: a policy suppression (YAML or construct) or a
 * plan-gate allow-list entry. One number, so an exception valid in one place is valid in all.
 */
export const MIN_REASON_LENGTH = 10;
