/** A problem found in a configuration file, located by its field path. */
export interface ConfigProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}$/;

/**
 * Replaces `${VAR}` and `${VAR:default}` in every string of a parsed YAML tree.
 *
 * A string that is exactly one reference is typed after substitution, so
 * `enabled: ${SLACK_ENABLED:false}` yields a boolean and `port: ${PORT:587}` a number, as the
 * reference platform's loader did. A reference embedded in a longer string stays text.
 * `${VAR:}` as a whole value leaves the field unset; a plain `${VAR}` that is unset is a problem.
 */
export function substituteEnvironment(
  tree: unknown,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof tree === "string") return substituteString(tree, env, problems, path);
  if (Array.isArray(tree)) return tree.map((item, i) => substituteEnvironment(item, env, problems, [...path, i]));
  if (tree !== null && typeof tree === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(tree)) {
      const substituted = substituteEnvironment(value, env, problems, [...path, key]);
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
): unknown {
  if (!text.includes("${")) return text;
  const missing: string[] = [];
  const replaced = text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (fallback !== undefined) return fallback;
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
    if (/^-?\d+(\.\d+)?$/.test(replaced)) return Number(replaced);
  }
  return replaced;
}
