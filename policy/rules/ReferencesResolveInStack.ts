import { parse } from "path";
import { Finding, findingsOrCompliant, PolicyRule, SynthesizedStack } from "../rule";
import { blocks, isObject, Json, strings, walkStrings } from "../synthesized";

/** Every reference in a stack names a block that the stack itself declares. */
export const ReferencesResolveInStack: PolicyRule = {
  id: "DBX-TF-001",
  name: parse(__filename).name,
  level: "error",
  description: "Every reference (an interpolation, depends_on, a provider meta-argument, an import or moved target) names a block the stack declares.",
  explanation:
    "Each environment is its own stack with its own state, and stacks share nothing. A reference to a block the stack does not declare points " +
    "into another environment's stack, at a construct that was renamed, or at a hand edit. terraform validate catches most of these only " +
    "after the output is published, and passes an import into an undeclared address, which fails at plan. Synthesis resolves each stack on " +
    "its own (ObservabilityStack skips cdktf's cross-stack pass), so this rule is what refuses a reference into another stack. Pass the " +
    "value in as configuration instead.",
  check: (stack) => findingsOrCompliant(danglingReferences(stack)),
};

/** Named values Terraform defines itself: `each.key`, `count.index`, `path.module`, `self.id`, `terraform.workspace`. */
const BUILT_IN_ROOTS = new Set(["each", "count", "path", "self", "terraform"]);

function danglingReferences(stack: SynthesizedStack): Finding[] {
  const declared = declaredAddresses(stack);
  const providerNames = new Set([...Object.keys(stack.provider ?? {}), ...Object.keys(requiredProviders(stack))]);
  const findings: Finding[] = [];
  const report = (address: string, reference: string, where: string) => {
    if (!declared.has(reference)) findings.push({ address, message: `refers to ${reference}, which this stack does not declare (${where})` });
  };
  const checkBody = (address: string, body: unknown, metaArguments: boolean) => {
    walkStrings(body, (text, path) => {
      for (const reference of interpolatedReferences(text, providerNames)) report(address, reference, path);
    });
    if (!metaArguments || !isObject(body)) return;
    for (const dependency of strings(body.depends_on)) report(address, addressOf(dependency), "depends_on");
    if (typeof body.provider === "string") report(address, `provider.${addressOf(body.provider)}`, "provider");
  };

  for (const [kind, prefix] of [["resource", ""], ["data", "data."]] as const) {
    for (const [type, byName] of Object.entries(stack[kind] ?? {})) {
      for (const [name, body] of Object.entries(byName ?? {})) checkBody(`${prefix}${type}.${name}`, body, true);
    }
  }
  for (const [name, body] of Object.entries(stack.output ?? {})) checkBody(`output.${name}`, body, true);
  for (const [name, value] of Object.entries(asObject(stack.locals))) checkBody(`local.${name}`, value, false);
  for (const [name, configs] of Object.entries(stack.provider ?? {})) checkBody(`provider.${name}`, configs, false);
  for (const kind of ["import", "moved"] as const) {
    blocks(stack[kind]).forEach((block, i) => {
      // Named by their target, as terraform plan names them; the index only when there is none.
      const address = typeof block.to === "string" ? `${kind}.${block.to}` : `${kind}[${i}]`;
      if (typeof block.to === "string") report(address, addressOf(block.to), `${kind}[${i}].to`);
      checkBody(address, block.id, false);
    });
  }
  return findings;
}

/** `type.name` of every resource, `data.type.name`, `var.x`, `local.x`, `module.x`, `provider.name` and `provider.name.alias`. */
function declaredAddresses(stack: SynthesizedStack): Set<string> {
  const declared = new Set<string>();
  for (const [type, byName] of Object.entries(stack.resource ?? {})) for (const name of Object.keys(byName ?? {})) declared.add(`${type}.${name}`);
  for (const [type, byName] of Object.entries(stack.data ?? {})) for (const name of Object.keys(byName ?? {})) declared.add(`data.${type}.${name}`);
  for (const name of Object.keys(stack.variable ?? {})) declared.add(`var.${name}`);
  for (const name of Object.keys(asObject(stack.locals))) declared.add(`local.${name}`);
  for (const name of Object.keys(asObject(stack.module))) declared.add(`module.${name}`);
  for (const [name, configs] of Object.entries(stack.provider ?? {})) {
    declared.add(`provider.${name}`);
    for (const config of blocks(configs)) if (typeof config.alias === "string") declared.add(`provider.${name}.${config.alias}`);
  }
  return declared;
}

function requiredProviders(stack: SynthesizedStack): Json {
  return asObject(asObject(stack.terraform).required_providers);
}

function asObject(value: unknown): Json {
  return isObject(value) ? value : {};
}

/** A plain address as depends_on and import targets write it, with an index (`x.y[0]`) or braces dropped. */
function addressOf(text: string): string {
  const bare = text.replace(/^\$\{|\}$/g, "").trim();
  const parts = bare.replace(/\[[^\]]*\]/g, "").split(".");
  // module.x.y names module x; data.type.name and type.name keep their first two or three parts.
  if (parts[0] === "module") return parts.slice(0, 2).join(".");
  return parts.slice(0, parts[0] === "data" ? 3 : 2).join(".");
}

const RESOURCE_TRAVERSAL = /(?<![\w.-])(data\.)?([a-z][a-z0-9]*)(_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g;
const NAMED_VALUE = /(?<![\w.-])(var|local|module)\.([A-Za-z_][\w-]*)/g;

/**
 * The root of every traversal inside the `${...}` templates of `text`: `type.name` for a resource
 * whose type starts with a provider's name, `data.type.name`, `var.x`, `local.x`, `module.x`.
 * `$${` is Terraform's escape for a literal `${` and opens nothing; quoted strings inside an
 * expression are templates of their own, and are scanned as such rather than as code.
 */
export function interpolatedReferences(text: string, providerNames: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const code of templateExpressions(text)) {
    for (const m of code.matchAll(RESOURCE_TRAVERSAL)) {
      if (providerNames.has(m[2]) && !BUILT_IN_ROOTS.has(m[2])) found.push(`${m[1] ?? ""}${m[2]}${m[3]}.${m[4]}`);
    }
    for (const m of code.matchAll(NAMED_VALUE)) found.push(`${m[1]}.${m[2]}`);
  }
  return found;
}

/** The code of each `${...}` in a template (string literals inside it blanked), nested templates included. */
function templateExpressions(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let open = text.indexOf("${", from); open >= 0; open = text.indexOf("${", from)) {
    if (open > 0 && text[open - 1] === "$") {
      from = open + 2;
      continue;
    }
    let depth = 0;
    let code = "";
    let i = open + 2;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        const end = closingQuote(text, i);
        out.push(...templateExpressions(text.slice(i + 1, end)));
        code += " ";
        i = end;
      } else if (c === "{") {
        depth++;
        code += c;
      } else if (c === "}") {
        if (depth === 0) break;
        depth--;
        code += c;
      } else code += c;
    }
    out.push(code);
    from = i + 1;
  }
  return out;
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}
