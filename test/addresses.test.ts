import { Construct } from "constructs";
import { App, makeUniqueId, TerraformStack } from "../constructs/core";
import { rootAddress } from "../stacks/addresses";

describe("root addresses of capability scopes", () => {
  const stack = new TerraformStack(new App(), "s");
  const underAnalytics = new Construct(new Construct(stack, "Analytics"), "Job");
  const underNotifications = new Construct(new Construct(stack, "Notifications"), "Job");
  const underIngestion = new Construct(new Construct(stack, "SystemTableIngestion"), "Job");

  test("a resource under Foundation, Notifications or Analytics keeps the address it had at the root", () => {
    const taken = new Map<string, string>();
    expect(rootAddress(stack.node, underAnalytics.node, taken)).toBe(makeUniqueId(["Job"]));
    expect(rootAddress(stack.node, underAnalytics.node, taken)).toBe(makeUniqueId(["Job"]));
    expect(rootAddress(stack.node, underIngestion.node, taken)).toBeUndefined();
  });

  test("two resources that would share an address are refused, naming both", () => {
    const taken = new Map<string, string>();
    rootAddress(stack.node, underAnalytics.node, taken);
    expect(() => rootAddress(stack.node, underNotifications.node, taken)).toThrow("s/Notifications/Job and s/Analytics/Job would share the Terraform address Job");
  });
});
