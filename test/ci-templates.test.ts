import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "./helpers";

const load = (file: string): any => parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"));
const scriptsOf = (steps: any[]): string => steps.map((s) => `${s.run ?? s.script ?? ""}`).join("\n");
const indexOf = (steps: any[], pattern: RegExp): number => steps.findIndex((s) => pattern.test(`${s.run ?? s.script ?? ""}`));

describe("GitHub Actions: .github/workflows/terraform.yml", () => {
  const wf = load(".github/workflows/terraform.yml");
  const apply = load(".github/workflows/apply.yml");
  const jobs = wf.jobs;

  test("runs on pull requests and pushes to main, and on a schedule", () => {
    expect(wf.on.pull_request.branches).toEqual(["main"]);
    expect(wf.on.push.branches).toEqual(["main"]);
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
  });

  test("build runs npm ci, npm test and synth, and derives the stack matrix from manifest.json", () => {
    const run = scriptsOf(jobs.build.steps);
    expect(indexOf(jobs.build.steps, /^npm ci$/)).toBeLessThan(indexOf(jobs.build.steps, /^npm test$/));
    expect(indexOf(jobs.build.steps, /^npm test$/)).toBeLessThan(indexOf(jobs.build.steps, /^npm run synth$/));
    expect(run).toContain("cdktf.out/manifest.json");
    expect(jobs.plan.strategy.matrix.stack).toBe("${{ fromJSON(needs.build.outputs.stacks) }}");
  });

  test("plan: init, plan -out, show -json, then the plan gate, then the artifact apply uses", () => {
    const steps = jobs.plan.steps;
    const init = indexOf(steps, /terraform .*init/);
    const plan = indexOf(steps, /terraform .* plan .*-out=tfplan/);
    const show = indexOf(steps, /show -json tfplan/);
    const gate = indexOf(steps, /npm run plan-gate/);
    expect([init, plan, show, gate].every((i) => i >= 0)).toBe(true);
    expect(init < plan && plan < show && show < gate).toBe(true);
    const upload = steps.findIndex((s: any) => `${s.uses}`.startsWith("actions/upload-artifact") && `${s.with?.path}`.includes("tfplan"));
    expect(upload).toBeGreaterThan(gate);
    expect(scriptsOf(steps)).toContain("--allow .github/plan-gate-allow.yaml");
    expect(steps.some((s: any) => `${s.uses}`.startsWith("actions/github-script") && s.if?.includes("pull_request"))).toBe(true);
  });

  test("applies dev, then aut, then prod, only after the gated plan and only on main", () => {
    expect(jobs["apply-dev"].needs).toBe("plan");
    expect(jobs["apply-dev"].if).toContain("refs/heads/main");
    expect(jobs["apply-aut"].needs).toBe("apply-dev");
    expect(jobs["apply-prod"].needs).toBe("apply-aut");
    for (const [job, stack] of [["apply-dev", "dev"], ["apply-aut", "aut"], ["apply-prod", "prod"]]) {
      expect(jobs[job].uses).toBe("./.github/workflows/apply.yml");
      expect(jobs[job].with.stack).toBe(stack);
    }
  });

  test("apply runs in the stack's environment (prod carries the approval) and applies the saved plan file", () => {
    expect(apply.on.workflow_call.inputs.stack.required).toBe(true);
    expect(apply.jobs.apply.environment).toBe("${{ inputs.stack }}");
    const steps = apply.jobs.apply.steps;
    expect(steps.some((s: any) => s.with?.name === "plan-${{ inputs.stack }}")).toBe(true);
    const run = scriptsOf(steps);
    expect(run).toMatch(/terraform .* apply .*tfplan$/m);
    expect(run).not.toMatch(/-auto-approve|cdktf deploy/);
  });

  test("drift: scheduled plan -detailed-exitcode where exit 2 fails the job", () => {
    expect(jobs.drift.if).toContain("schedule");
    const run = scriptsOf(jobs.drift.steps);
    expect(run).toContain("-detailed-exitcode");
    expect(run).toMatch(/"\$code" -eq 2/);
    expect(run).toContain('exit "$code"');
  });

  test("credentials come from the secret store, never literals; the provider can come from a mirror", () => {
    for (const job of [jobs.plan, jobs.drift, apply.jobs.apply]) {
      expect(job.env.DATABRICKS_CLIENT_SECRET).toBe("${{ secrets.DATABRICKS_CLIENT_SECRET }}");
      expect(job.env.DATABRICKS_HOST).toBe("${{ secrets.DATABRICKS_HOST }}");
      for (const [k, v] of Object.entries(job.env)) if (k.startsWith("TF_VAR_")) expect(v).toMatch(/^\$\{\{ secrets\./);
      expect(scriptsOf(job.steps)).toContain("filesystem_mirror");
    }
    expect(jobs.plan.permissions["id-token"]).toBe("write");
  });
});

describe("Azure Pipelines: azure-pipelines.yml", () => {
  const p = load("azure-pipelines.yml");
  const stage = (name: string) => p.stages.find((s: any) => s.stage === name);

  test("triggers on main, pull requests to main and a schedule", () => {
    expect(p.trigger.branches.include).toEqual(["main"]);
    expect(p.pr.branches.include).toEqual(["main"]);
    expect(p.schedules[0].always).toBe(true);
  });

  test("build runs npm ci, npm test, synth and publishes the stack matrix from manifest.json", () => {
    const steps = stage("Build").jobs[0].steps;
    expect(indexOf(steps, /^npm ci$/)).toBeLessThan(indexOf(steps, /^npm test$/));
    expect(indexOf(steps, /^npm test$/)).toBeLessThan(indexOf(steps, /^npm run synth$/));
    expect(scriptsOf(steps)).toContain("cdktf.out/manifest.json");
    expect(stage("Plan").jobs[0].strategy.matrix).toBe("$[ stageDependencies.Build.build.outputs['stacks.matrix'] ]");
  });

  test("plan stage: plan -out, show -json, then the plan gate, then publishes the plan", () => {
    const steps = stage("Plan").jobs[0].steps;
    const plan = indexOf(steps, /plan -lock-timeout=5m -out=tfplan[\s\S]*show -json tfplan/);
    const gate = indexOf(steps, /npm run plan-gate/);
    const publish = steps.findIndex((s: any) => s.publish);
    expect(plan).toBeGreaterThanOrEqual(0);
    expect(plan < gate && gate < publish).toBe(true);
  });

  test("apply stages run in order dev -> aut -> prod, deploy to environments, and apply the saved plan", () => {
    expect(stage("ApplyDev").dependsOn).toBe("Plan");
    expect(stage("ApplyDev").condition).toContain("refs/heads/main");
    expect(stage("ApplyAut").dependsOn).toBe("ApplyDev");
    expect(stage("ApplyProd").dependsOn).toBe("ApplyAut");
    for (const env of ["dev", "aut", "prod"]) {
      const job = stage(`Apply${env[0].toUpperCase()}${env.slice(1)}`).jobs[0];
      expect(job.environment).toBe(`databricks-${env}`);
      const steps = job.strategy.runOnce.deploy.steps;
      expect(steps.some((s: any) => s.artifact === `plan-${env}`)).toBe(true);
      expect(scriptsOf(steps)).toMatch(/apply -lock-timeout=5m tfplan$/m);
      expect(scriptsOf(steps)).not.toContain("-auto-approve");
    }
  });

  test("drift stage: scheduled plan -detailed-exitcode, exit 2 fails", () => {
    expect(stage("Drift").condition).toContain("'Schedule'");
    const run = scriptsOf(stage("Drift").jobs[0].steps);
    expect(run).toContain("-detailed-exitcode");
    expect(run).toContain('exit "$code"');
  });

  test("secrets are mapped from the variable group, never literal", () => {
    expect(p.variables).toContainEqual({ group: "databricks-observability" });
    const planStep = stage("Plan").jobs[0].steps.find((s: any) => s.env);
    for (const [k, v] of Object.entries(planStep.env)) expect(v).toBe(`$(${k})`);
  });
});
