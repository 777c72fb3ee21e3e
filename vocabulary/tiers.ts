/**
 * The environment tiers. A tier says how an environment behaves (development: no destroy
 * protection, pipelines in development mode; production: schedules run unpaused); what each tier
 * defaults to is decided once, in stacks/config/resolve.ts.
 */
export const TIERS = ["development", "acceptance", "production"] as const;
export type Tier = (typeof TIERS)[number];
