/** A problem found in a configuration file, located by its field path. */
export interface ConfigProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** A `${VAR:default}` whose variable was unset, so the default was used (what `--strict` refuses). */
export interface DefaultUsed {
  readonly path: (string | number)[];
  readonly variable: string;
}

// Bounded quantifiers keep each match attempt constant-time, so substitution is linear in the text.
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]{0,127})(?::([^}]{0,1024}))?\}/g;
const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]{0,127})(?::([^}]{0,1024}))?\}$/;

/**
 * Replaces `${VAR}` and `${VAR:default}` in every string of a parsed YAML tree.
 *
 * A string that is exactly one reference is typed after substitution, so
 * `enabled: ${SLACK_ENABLED:false}` yields a boolean and `port: ${PORT:587}` a number, as the
 * reference platform's loader did. A reference embedded in a longer string stays text.
 * `${VAR:}` as a whole value leaves the field unset; a plain `${VAR}` that is unset is a problem.
 *
 * Mappings come out prototype-free (`Object.create(null)`), so a key such as `__proto__` stays
 * an ordinary key the loader can refuse instead of changing what the tree reads.
 */
export function substituteEnvironment(
  tree: unknown,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: (string | number)[] = [],
  defaultsUsed: DefaultUsed[] = [],
): unknown {
  if (typeof tree === "string") return substituteString(tree, env, problems, path, defaultsUsed);
  if (Array.isArray(tree)) return tree.map((item, i) => substituteEnvironment(item, env, problems, [...path, i], defaultsUsed));
  if (tree !== null && typeof tree === "object") {
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(tree)) {
      const substituted = substituteEnvironment((tree as Record<string, unknown>)[key], env, problems, [...path, key], defaultsUsed);
      if (substituted !== undefined) out[key] = substituted;
    }
    return out;
  }
  return tree;
}

function substituteString(
  text: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: (string | number)[],
  defaultsUsed: DefaultUsed[],
): unknown {
  if (!text.includes("${")) return text;
  const missing: string[] = [];
  const replaced = text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const value = Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) {
      defaultsUsed.push({ path, variable: name });
      return fallback;
    }
    missing.push(name);
    return "";
  });
  for (const name of missing) {
    problems.push({
      path,
      message: `environment variable ${name} is not set (write \${${name}:default} to give a default)`,
    });
  }
  if (WHOLE_REFERENCE.test(text)) {
    // An empty whole value means "not configured": the key is dropped so optional fields stay unset.
    if (replaced === "") return undefined;
    if (replaced === "true" || replaced === "false") return replaced === "true";
    if (/^-?\d{1,15}(\.\d{1,15})?$/.test(replaced)) return Number(replaced);
  }
  return replaced;
}
