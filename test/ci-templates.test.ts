import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { backendType, bind, listStacks, missingEnv, requireRemoteBackend, runGuard, verify } from "../scripts/ci-guard";
import { exampleStack, exampleConfigs, PROJECT_ROOT, tempDir } from "./helpers";

const load = (file: string): any => parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"));
const text = (file: string): string => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
const scriptsOf = (steps: any[]): string => steps.map((s) => `${s.run ?? s.script ?? ""}`).join("\n");
const indexOf = (steps: any[], pattern: RegExp): number => steps.findIndex((s) => pattern.test(`${s.run ?? s.script ?? ""}`));
const WORKFLOWS = fs
  .readdirSync(path.join(PROJECT_ROOT, ".github/workflows"))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => `.github/workflows/${f}`);

// ---------------------------------------------------------------------------------------------
// GitHub's workflow loader rule for reusable workflows, emulated.
// "The GITHUB_TOKEN permissions passed from the caller workflow can be only downgraded (not
// elevated) by the called workflow" (https://docs.github.com/en/actions/using-workflows/reusing-workflows,
// "Access and permissions"). A job's token gets `jobs.<id>.permissions`, else the workflow-level
// `permissions`; "If you specify the access for any of these permissions, all of those that are not
// specified are set to none" (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token).
// With no `permissions` anywhere the repository default applies; we assume the restricted default
// (contents and packages read), the setting GitHub recommends and uses for new repositories.
// ---------------------------------------------------------------------------------------------
const SCOPES = ["actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues", "models", "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses"];
const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };
type Perms = Record<string, "none" | "read" | "write">;
const RESTRICTED_DEFAULT: Perms = Object.fromEntries(SCOPES.map((s) => [s, s === "contents" || s === "packages" ? "read" : "none"])) as Perms;

export function normalizePermissions(p: unknown): Perms | undefined {
  if (p === undefined || p === null) return undefined;
  const all = (level: "none" | "read" | "write") => Object.fromEntries(SCOPES.map((s) => [s, s === "id-token" && level === "read" ? "none" : level])) as Perms;
  if (p === "read-all") return all("read");
  if (p === "write-all") return all("write");
  if (typeof p !== "object") throw new Error(`permissions: unsupported value ${JSON.stringify(p)}`);
  const out = all("none");
  for (const [k, v] of Object.entries(p as Record<string, string>)) {
    if (!SCOPES.includes(k) || !(v in LEVEL)) throw new Error(`permissions: unknown scope or level ${k}: ${v}`);
    out[k] = v as Perms[string];
  }
  return out;
}

/** The errors GitHub's loader reports for every reusable-workflow call in `file` (recursively). */
export function reusableWorkflowPermissionErrors(file: string, read: (f: string) => any = load): string[] {
  const errors: string[] = [];
  const visit = (wfFile: string, inherited: Perms | undefined, via: string) => {
    const wf = read(wfFile);
    const wfPerms = normalizePermissions(wf.permissions);
    for (const [id, job] of Object.entries<any>(wf.jobs ?? {})) {
      const requested = normalizePermissions(job.permissions) ?? wfPerms;
      // A called workflow's job may only keep or lower what its caller allows.
      if (inherited && requested) {
        for (const scope of SCOPES) {
          if (LEVEL[requested[scope]] > LEVEL[inherited[scope]]) {
            errors.push(`${via}: The nested job '${id}' is requesting '${scope}: ${requested[scope]}', but is only allowed '${scope}: ${inherited[scope]}'.`);
          }
        }
      }
      const granted = requested ?? inherited ?? RESTRICTED_DEFAULT;
      if (typeof job.uses === "string" && job.uses.startsWith("./")) visit(job.uses.replace(/^\.\//, ""), granted, `${wfFile} jobs.${id}`);
    }
  };
  visit(file, undefined, file);
  return errors;
}

describe("GitHub's reusable-workflow rules, emulated over every workflow", () => {
  test.each(WORKFLOWS)("%s: every reusable-workflow call grants what the called workflow's jobs ask for", (file) => {
    expect(reusableWorkflowPermissionErrors(file)).toEqual([]);
  });

  test("the emulation reports the load-time error GitHub gave for the old terraform.yml", () => {
    const docs: Record<string, any> = {
      "caller.yml": { permissions: { contents: "read" }, jobs: { "apply-dev": { uses: "./callee.yml" } } },
      "callee.yml": { on: { workflow_call: {} }, permissions: { contents: "read", "id-token": "write" }, jobs: { apply: { "runs-on": "ubuntu-latest", steps: [] } } },
    };
    expect(reusableWorkflowPermissionErrors("caller.yml", (f) => docs[f])).toEqual([
      "caller.yml jobs.apply-dev: The nested job 'apply' is requesting 'id-token: write', but is only allowed 'id-token: none'.",
    ]);
    // Granting it on the caller job fixes it; a job-level block in the callee is checked the same way.
    docs["caller.yml"].jobs["apply-dev"].permissions = { contents: "read", "id-token": "write" };
    expect(reusableWorkflowPermissionErrors("caller.yml", (f) => docs[f])).toEqual([]);
    docs["callee.yml"].jobs.apply.permissions = { "pull-requests": "write" };
    expect(reusableWorkflowPermissionErrors("caller.yml", (f) => docs[f])).toHaveLength(1);
  });

  test.each(WORKFLOWS)("%s: jobs that call a reusable workflow use only the keys GitHub allows there, with declared inputs", (file) => {
    // https://docs.github.com/en/actions/using-workflows/reusing-workflows#supported-keywords-for-jobs-that-call-a-reusable-workflow
    const allowed = new Set(["name", "uses", "with", "secrets", "needs", "if", "permissions", "strategy", "concurrency"]);
    for (const [id, job] of Object.entries<any>(load(file).jobs)) {
      if (!job.uses) continue;
      expect([id, Object.keys(job).filter((k) => !allowed.has(k))]).toEqual([id, []]);
      const called = load(job.uses.replace(/^\.\//, ""));
      const inputs = called.on?.workflow_call?.inputs ?? {};
      expect(Object.keys(job.with ?? {}).filter((k) => !(k in inputs))).toEqual([]);
      for (const [name, spec] of Object.entries<any>(inputs)) if (spec.required) expect(job.with).toHaveProperty(name);
    }
  });
});

describe("one Terraform version: .terraform-version", () => {
  const pin = text(".terraform-version").trim();
  test("holds one exact version", () => expect(pin).toMatch(/^\d+\.\d+\.\d+$/));

  test("no template pins a Terraform version of its own; each reads .terraform-version", () => {
    for (const file of [...WORKFLOWS, "azure-pipelines.yml"]) {
      const t = text(file);
      const literal = [...t.matchAll(/(terraform_version|terraformVersion|TERRAFORM_VERSION)\s*:\s*["']?(\d+\.\d+[^\s"']*)/g)].map((m) => m[0]);
      expect([file, literal]).toEqual([file, []]);
    }
    const wf = load(".github/workflows/terraform.yml");
    expect(scriptsOf(wf.jobs.build.steps)).toContain(".terraform-version");
    for (const job of ["plan", "drift"]) {
      const setup = wf.jobs[job].steps.find((s: any) => `${s.uses}`.startsWith("hashicorp/setup-terraform"));
      expect(setup.with.terraform_version).toBe("${{ needs.build.outputs.terraform_version }}");
    }
    const apply = load(".github/workflows/apply.yml").jobs.apply.steps;
    expect(apply.find((s: any) => `${s.uses}`.startsWith("hashicorp/setup-terraform")).with.terraform_version).toBe("${{ steps.tfv.outputs.version }}");
    expect(scriptsOf(apply)).toContain(".terraform-version");
    const ado = text("azure-pipelines.yml");
    const installers = [...ado.matchAll(/task: TerraformInstaller@1\n\s+inputs:\n\s+terraformVersion: (.+)/g)].map((m) => m[1]);
    expect(installers.length).toBeGreaterThanOrEqual(9);
    expect(new Set(installers)).toEqual(new Set(["$(terraformVersion)"]));
    expect(ado.match(/setvariable variable=terraformVersion\]\$\(tr -d '\[:space:\]' < \.terraform-version\)/g)).toHaveLength(installers.length);
  });
});

describe("no plan-for-apply or apply from a local backend", () => {
  const stacks = Object.fromEntries(Object.keys(exampleConfigs()).map((env) => [env, exampleStack(env)]));
  const out = tempDir("dbx-ci-out-");
  fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify({ stacks: Object.fromEntries(Object.keys(stacks).map((s) => [s, {}])) }));
  for (const [env, stack] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(out, "stacks", env), { recursive: true });
    fs.writeFileSync(path.join(out, "stacks", env, "cdk.tf.json"), JSON.stringify(stack));
  }

  test("the example dev stack has a local backend and stays out of CI apply; aut and prod are applied", () => {
    expect(backendType(stacks.dev as any)).toBe("local");
    expect(listStacks(out)).toEqual({ stacks: ["aut", "dev", "prod"], applyStacks: ["aut", "prod"] });
    expect(() => requireRemoteBackend(path.join(out, "stacks", "dev"))).toThrow(/cdk\.tf\.json: the stack's state backend is "local": CI refuses to plan-for-apply or apply it/);
    expect(requireRemoteBackend(path.join(out, "stacks", "prod"))).toBe("azurerm");
    expect(backendType({ terraform: {} })).toBe("local");
    expect(backendType({ terraform: { cloud: { organization: "o" } } })).toBe("cloud");
  });

  test("GitHub: main plans and applies only remote-backend stacks, and each apply refuses a local backend again", () => {
    const wf = load(".github/workflows/terraform.yml");
    expect(wf.jobs.plan.strategy.matrix.stack).toBe("${{ fromJSON(github.event_name == 'pull_request' && needs.build.outputs.stacks || needs.build.outputs.apply_stacks) }}");
    const plan = wf.jobs.plan.steps;
    const guard = plan.findIndex((s: any) => /require-remote-backend/.test(s.run ?? ""));
    expect(plan[guard].if).toBe("github.event_name == 'push'");
    expect(guard).toBeLessThan(indexOf(plan, /plan .* -out=tfplan/));
    expect(plan[indexOf(plan, /plan .* -out=tfplan/)].run).toContain("github.event_name == 'pull_request' && '-lock=false' || '-lock-timeout=5m'");
    for (const [job, stack] of [["apply-dev", "dev"], ["apply-aut", "aut"], ["apply-prod", "prod"]]) expect(wf.jobs[job].if).toContain(`contains(fromJSON(needs.build.outputs.apply_stacks), '${stack}')`);
    expect(wf.jobs.drift.strategy.matrix.stack).toBe("${{ fromJSON(needs.build.outputs.apply_stacks) }}");
    const apply = load(".github/workflows/apply.yml").jobs.apply.steps;
    expect(indexOf(apply, /require-remote-backend/)).toBeLessThan(indexOf(apply, /apply -lock-timeout=5m tfplan/));
  });

  test("Azure DevOps: the same, per stage", () => {
    const p = load("azure-pipelines.yml");
    const stage = (n: string) => p.stages.find((s: any) => s.stage === n);
    for (const env of ["dev", "aut", "prod"]) {
      const name = `Apply${env[0].toUpperCase()}${env.slice(1)}`;
      expect(stage(name).condition).toContain(`containsValue(split(dependencies.Build.outputs['build.stacks.applyStacks'], ','), '${env}')`);
      const steps = stage(name).jobs[0].strategy.runOnce.deploy.steps;
      const run = scriptsOf(steps);
      expect(run.indexOf("require-remote-backend")).toBeLessThan(run.indexOf("apply -lock-timeout=5m tfplan"));
      expect(stage("Drift").jobs.find((j: any) => j.job === `drift_${env}`).condition).toContain(`'${env}')`);
    }
  });
});

describe("GitHub Actions: .github/workflows/terraform.yml", () => {
  const wf = load(".github/workflows/terraform.yml");
  const apply = load(".github/workflows/apply.yml");
  const jobs = wf.jobs;

  test("runs on pull requests and pushes to main, and on a schedule", () => {
    expect(wf.on.pull_request.branches).toEqual(["main"]);
    expect(wf.on.push.branches).toEqual(["main"]);
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
  });

  test("build runs npm ci, npm test and synth, and derives the stack lists from manifest.json", () => {
    expect(indexOf(jobs.build.steps, /^npm ci$/)).toBeLessThan(indexOf(jobs.build.steps, /^npm test$/));
    expect(indexOf(jobs.build.steps, /^npm test$/)).toBeLessThan(indexOf(jobs.build.steps, /^npm run typecheck$/));
    expect(indexOf(jobs.build.steps, /^npm run typecheck$/)).toBeLessThan(indexOf(jobs.build.steps, /^npm run synth -- --strict$/));
    expect(scriptsOf(jobs.build.steps)).toContain("ci-guard -- stacks cdktf.out --github-output");
  });

  test("plan: preflight, init, plan -out, show -json, the stack-keyed plan gate, the binding, then the artifact", () => {
    const steps = jobs.plan.steps;
    const order = [/preflight -- "\$STACK" --for plan/, /terraform .*init/, /terraform .* plan .*-out=tfplan/, /show -json tfplan/, /plan-gate -- "\$STACK_DIR\/plan.json" --stack "\$STACK" --allow \.github\/plan-gate-allow\.yaml/, /ci-guard -- bind "\$STACK_DIR" --commit "\$GITHUB_SHA"/].map((r) => indexOf(steps, r));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const upload = steps.findIndex((s: any) => `${s.uses}`.startsWith("actions/upload-artifact"));
    expect(upload).toBeGreaterThan(order.at(-1)!);
    // Only the plan files, never the stack directory (its .terraform/ holds a ~60 MB provider).
    const paths = String(steps[upload].with.path).trim().split("\n");
    expect(paths.every((p) => /^\$\{\{ env\.STACK_DIR \}\}\/(tfplan|plan\.json|plan-binding\.json|plan-gate\.txt|summary\.md|audit\.md|audit\.json)$/.test(p))).toBe(true);
  });

  test("one pull-request comment per stack, updated in place (found by a marker), not a new one per push", () => {
    const comment = jobs.plan.steps.find((s: any) => `${s.uses}`.startsWith("actions/github-script"));
    expect(comment.if).toContain("pull_request");
    expect(comment.with.script).toContain("<!-- dbx-observability-plan:${process.env.STACK} -->");
    expect(comment.with.script).toContain("updateComment");
    expect(comment.with.script).toMatch(/if \(mine\)[\s\S]*else await github\.rest\.issues\.createComment/);
    expect(scriptsOf(jobs.plan.steps)).toContain('echo "<!-- dbx-observability-plan:$STACK -->"');
  });

  test("the run summary the prod approver sees carries the plan gate verdict, the plan lines and the binding", () => {
    const summary = jobs.plan.steps.find((s: any) => /summary\.md/.test(s.run ?? "") && /GITHUB_STEP_SUMMARY/.test(s.run ?? ""));
    expect(summary.if).toBe("always()");
    for (const part of ["plan-gate.txt", "grep -E '^( *# |Plan:|No changes)'", "plan-binding.json"]) expect(summary.run).toContain(part);
  });

  test("applies dev (when remote), then aut, then prod, only after the gated plan and only on main", () => {
    expect(jobs["apply-dev"].needs).toEqual(["build", "plan"]);
    expect(jobs["apply-dev"].if).toContain("refs/heads/main");
    expect(jobs["apply-aut"].needs).toContain("apply-dev");
    expect(jobs["apply-aut"].if).toContain("needs.apply-dev.result == 'skipped'");
    expect(jobs["apply-prod"].needs).toContain("apply-aut");
    expect(jobs["apply-prod"].if).toContain("needs.apply-aut.result == 'success'");
    for (const [job, stack] of [["apply-dev", "dev"], ["apply-aut", "aut"], ["apply-prod", "prod"]]) {
      expect(jobs[job].uses).toBe("./.github/workflows/apply.yml");
      expect(jobs[job].with.stack).toBe(stack);
    }
  });

  test("apply runs in the stack's environment, verifies the binding, and applies the saved plan file", () => {
    expect(apply.on.workflow_call.inputs.stack.required).toBe(true);
    expect(apply.jobs.apply.environment).toBe("${{ inputs.stack }}");
    const steps = apply.jobs.apply.steps;
    expect(steps.some((s: any) => s.with?.name === "plan-${{ inputs.stack }}")).toBe(true);
    const verifyAt = indexOf(steps, /ci-guard -- verify "\$STACK_DIR" --commit "\$GITHUB_SHA" --state/);
    const applyAt = indexOf(steps, /terraform .* apply .*tfplan$/m);
    expect(verifyAt).toBeGreaterThan(indexOf(steps, /state pull|init/) - 1);
    expect(verifyAt).toBeLessThan(applyAt);
    expect(indexOf(steps, /preflight -- "\$STACK" --for apply/)).toBeLessThan(applyAt);
    expect(scriptsOf(steps)).not.toMatch(/-auto-approve|cdktf deploy/);
  });

  test("drift: scheduled plan -detailed-exitcode where exit 2 fails the job", () => {
    expect(jobs.drift.if).toContain("schedule");
    const run = scriptsOf(jobs.drift.steps);
    expect(run).toContain("-detailed-exitcode");
    expect(run).toMatch(/"\$code" -eq 2/);
    expect(run).toContain('exit "$code"');
  });

  test("secrets: from the environment's store; pull-request plans get read-only pr-* environments, placeholders for destination secrets, and forks get no plan", () => {
    expect(jobs.plan.environment).toBe("${{ github.event_name == 'pull_request' && format('pr-{0}', matrix.stack) || format('plan-{0}', matrix.stack) }}");
    expect(jobs.plan.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    for (const [k, v] of Object.entries<string>(jobs.plan.env)) {
      if (!k.startsWith("TF_VAR_")) continue;
      expect(v).toMatch(/^\$\{\{ github\.event_name == 'pull_request' && '[^']*placeholder[^']*' \|\| secrets\.TF_VAR_[A-Z_]+ \}\}$/);
    }
    for (const job of [jobs.plan, jobs.drift, apply.jobs.apply]) {
      expect(job.env.DATABRICKS_CLIENT_SECRET).toBe("${{ secrets.DATABRICKS_CLIENT_SECRET }}");
      expect(job.env.DATABRICKS_HOST).toBe("${{ secrets.DATABRICKS_HOST }}");
      expect(scriptsOf(job.steps)).toContain("filesystem_mirror");
      // An undefined secret is "" in GitHub: a step names it before Terraform runs.
      const required = job.steps.findIndex((s: any) => /ci-guard -- require-env DATABRICKS_HOST/.test(s.run ?? ""));
      expect(required).toBeGreaterThanOrEqual(0);
      expect(required).toBeLessThan(indexOf(job.steps, /terraform .*init/));
      for (const name of Object.keys(job.env).filter((k) => k.startsWith("TF_VAR_"))) expect(job.steps[required].run).toContain(name);
    }
    expect(jobs["apply-prod"].secrets).toBe("inherit");
  });
});

describe("Azure Pipelines: azure-pipelines.yml", () => {
  const p = load("azure-pipelines.yml");
  const stage = (name: string) => p.stages.find((s: any) => s.stage === name);
  const planJob = (env: string) => stage("Plan").jobs.find((j: any) => j.job === `plan_${env}`);
  const applyJob = (env: string) => stage(`Apply${env[0].toUpperCase()}${env.slice(1)}`).jobs[0];
  const envOf = (step: any) => step.env ?? {};

  test("triggers on main, pull requests to main and a schedule", () => {
    expect(p.trigger.branches.include).toEqual(["main"]);
    expect(p.pr.branches.include).toEqual(["main"]);
    expect(p.schedules[0].always).toBe(true);
  });

  test("build runs npm ci, npm test, synth and publishes the stack lists", () => {
    const steps = stage("Build").jobs[0].steps;
    expect(indexOf(steps, /^npm ci$/)).toBeLessThan(indexOf(steps, /^npm test$/));
    expect(indexOf(steps, /^npm test$/)).toBeLessThan(indexOf(steps, /^npm run typecheck$/));
    expect(indexOf(steps, /^npm run typecheck$/)).toBeLessThan(indexOf(steps, /^npm run synth -- --strict$/));
    expect(steps.find((s: any) => s.name === "stacks").script).toContain("ci-guard -- stacks cdktf.out --ado");
  });

  test("plan jobs: preflight, plan -out, show -json, stack-keyed gate, binding, then a publish of the plan files only", () => {
    for (const env of ["dev", "aut", "prod"]) {
      const steps = planJob(env).steps;
      const run = scriptsOf(steps);
      const order = ['preflight -- "$STACK" --for plan', 'plan "$LOCK" -out=tfplan', "show -json tfplan", '--stack "$STACK" --allow .github/plan-gate-allow.yaml', 'ci-guard -- bind "$STACK_DIR" --commit "$BUILD_SOURCEVERSION"'].map((s) => run.indexOf(s));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(run).toContain("##vso[task.uploadsummary]");
      expect(run).toContain("grep -E '^( *# |Plan:|No changes)'");
      const publish = steps.find((s: any) => s.publish);
      expect(publish.publish).toBe(`$(Build.ArtifactStagingDirectory)/plan-${env}`);
      expect(run).toContain("for f in tfplan plan.json plan-binding.json plan-gate.txt summary.md audit.md audit.json");
    }
  });

  test("apply stages run in order dev -> aut -> prod, deploy to environments, verify the binding and apply the saved plan", () => {
    expect(stage("ApplyDev").dependsOn).toEqual(["Build", "Plan"]);
    expect(stage("ApplyDev").condition).toContain("refs/heads/main");
    expect(stage("ApplyAut").dependsOn).toContain("ApplyDev");
    expect(stage("ApplyAut").condition).toContain("in(dependencies.ApplyDev.result, 'Succeeded', 'Skipped')");
    expect(stage("ApplyProd").dependsOn).toContain("ApplyAut");
    for (const env of ["dev", "aut", "prod"]) {
      const job = applyJob(env);
      expect(job.environment).toBe(`databricks-${env}`);
      const steps = job.strategy.runOnce.deploy.steps;
      expect(steps.some((s: any) => s.artifact === `plan-${env}`)).toBe(true);
      const run = scriptsOf(steps);
      expect(run).toMatch(/apply -lock-timeout=5m tfplan$/m);
      expect(run.indexOf('ci-guard -- verify "$STACK_DIR" --commit "$BUILD_SOURCEVERSION"')).toBeLessThan(run.indexOf("apply -lock-timeout=5m tfplan"));
      expect(run.indexOf('preflight -- "$STACK" --for apply')).toBeLessThan(run.indexOf("apply -lock-timeout=5m tfplan"));
      expect(run).not.toContain("-auto-approve");
    }
  });

  test("drift jobs: scheduled plan -detailed-exitcode, exit 2 fails", () => {
    expect(stage("Drift").condition).toContain("'Schedule'");
    const run = scriptsOf(stage("Drift").jobs.flatMap((j: any) => j.steps));
    expect(run).toContain("-detailed-exitcode");
    expect(run).toContain('exit "$code"');
  });

  test("per-leg secrets: no pipeline-level group; each job links only its own stack's group", () => {
    expect(p.variables.some((v: any) => "group" in v)).toBe(false);
    const groupsOf = (job: any): string[] => JSON.stringify(job.variables).match(/databricks-observability-[a-z]+-[a-z]+/g) ?? [];
    for (const env of ["dev", "aut", "prod"]) {
      expect(groupsOf(planJob(env)).sort()).toEqual([`databricks-observability-plan-${env}`, `databricks-observability-pr-${env}`]);
      expect(groupsOf(applyJob(env))).toEqual([`databricks-observability-deploy-${env}`]);
      expect(groupsOf(stage("Drift").jobs.find((j: any) => j.job === `drift_${env}`))).toEqual([`databricks-observability-plan-${env}`]);
      // Pull-request builds link the read-only pr group; everything else the plan group.
      expect(planJob(env).variables).toContainEqual({ "${{ if eq(variables['Build.Reason'], 'PullRequest') }}": [{ group: `databricks-observability-pr-${env}` }] });
      expect(planJob(env).variables).toContainEqual({ "${{ else }}": [{ group: `databricks-observability-plan-${env}` }] });
      expect(planJob(env).condition).toContain("ne(variables['System.PullRequest.IsFork'], 'True')");
    }
  });

  test("pull-request plans map no destination secret; other runs map each secret by its own name", () => {
    const secretSteps = [...["dev", "aut", "prod"].flatMap((e) => [...planJob(e).steps, ...applyJob(e).strategy.runOnce.deploy.steps]), ...stage("Drift").jobs.flatMap((j: any) => j.steps)].filter((s: any) => s.env);
    expect(secretSteps.length).toBe(9);
    for (const step of secretSteps) {
      const env = envOf(step);
      const pr = env["${{ if eq(variables['Build.Reason'], 'PullRequest') }}"];
      const other = env["${{ else }}"] ?? {};
      if (pr) for (const v of Object.values<string>(pr)) expect(v).not.toMatch(/\$\(/);
      for (const [k, v] of Object.entries<any>({ ...env, ...other })) if (typeof v === "string") expect(v).toBe(`$(${k.startsWith("TF_VAR_") ? k.toUpperCase() : k})`);
      // Every script that gets secrets first sources the helper that refuses undefined ones.
      expect(step.script).toMatch(/^set -euo pipefail\nsource scripts\/ci-env\.sh/);
    }
    const helper = text("scripts/ci-env.sh");
    expect(helper).toContain("require-env STACK DATABRICKS_HOST TF_VAR_slack_webhook_url");
    expect(helper).toContain(`case "\${!v:-}" in '$('*')' | '') unset "$v" ;; esac`);
  });
});

describe("ci-guard", () => {
  const sha = (c: string) => c.repeat(40);
  function stackDir(): string {
    const d = path.join(tempDir("dbx-guard-"), "prod");
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, "tfplan"), `plan bytes ${Date.now()}`);
    return d;
  }
  const state = (serial: number | null) => {
    const f = path.join(tempDir("dbx-guard-state-"), "state.json");
    fs.writeFileSync(f, serial === null ? "" : JSON.stringify({ version: 4, serial, lineage: "b39e3c99-be82-1ec8-b5ae-201894e2105d", resources: [] }));
    return f;
  };

  test("a plan bound to a commit and a state verifies for the same commit and state", () => {
    const d = stackDir();
    bind(d, sha("a"), state(7));
    expect(verify(d, sha("a"), state(7))).toMatchObject({ stack: "prod", commit: sha("a"), state: { serial: 7 } });
  });

  test("a saved plan for another commit, a stale state or a different plan file is refused, each named", () => {
    const d = stackDir();
    bind(d, sha("a"), state(7));
    expect(() => verify(d, sha("b"), state(7))).toThrow(`the plan was made for commit ${sha("a")}, this run applies ${sha("b")}`);
    expect(() => verify(d, sha("a"), state(8))).toThrow(/the state changed since the plan \(serial 7 .* now serial 8/);
    fs.appendFileSync(path.join(d, "tfplan"), "tampered");
    expect(() => verify(d, sha("a"), state(7))).toThrow(/tfplan is not the plan that was reviewed/);
  });

  test("first apply: no state at plan time, and still none at apply time; state appearing in between is stale", () => {
    const d = stackDir();
    bind(d, sha("c"), state(null));
    expect(verify(d, sha("c"), state(null)).state).toEqual({ serial: null, lineage: null });
    expect(() => verify(d, sha("c"), state(1))).toThrow(/state changed/);
  });

  test("undefined secrets: unset, empty, or Azure DevOps' literal $(NAME) are reported by name, never by value", () => {
    const fake = `fake-${Date.now()}`;
    expect(missingEnv(["A", "B", "C", "D"], { A: fake, B: "", C: "$(TF_VAR_SLACK_WEBHOOK_URL)" })).toEqual(["B", "C", "D"]);
    const err: string[] = [];
    expect(runGuard(["require-env", "A", "C"], { A: fake, C: "$(C)" }, () => undefined, (l) => err.push(l))).toBe(1);
    expect(err.join("")).toContain(": C.");
    expect(err.join("")).not.toContain(fake);
    expect(runGuard(["bind"], {}, () => undefined, () => undefined)).toBe(2);
  });
});
