import { describe, expect, it } from "vitest";
import { chartName } from "../../components/charts/pinned-charts";
import { STACK_NAMES } from "../../policies/offline/stack-files";
import { referenceChartValues, referenceChartVersion, unknownValuesKeys } from "../harness/chart-reference";
import { schemaProblems } from "../harness/component-checks";
import { runStackFile } from "../harness/run-stack";

/** Kubernetes resources that are not objects in the cluster: providers and remote components. */
const NOT_OBJECTS = [/^pulumi:providers:/, /^kubernetes:helm\.sh\//];

describe.each(STACK_NAMES)("Kubernetes objects of stack %s", (stack) => {
  it("each validate against their CRD (custom resources) or kubernetes-models (core API)", async () => {
    const run = await runStackFile(stack);
    const objects = run.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && !NOT_OBJECTS.some((p) => p.test(r.type)),
    );
    expect(objects.length).toBeGreaterThan(0);
    expect(await schemaProblems(objects)).toEqual([]);
  });

  it("each have a valid name (RFC 1123 subdomain), which the schemas do not check", async () => {
    const run = await runStackFile(stack);
    const objects = run.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && !NOT_OBJECTS.some((p) => p.test(r.type)),
    );
    for (const object of objects) {
      const name = object.inputs.metadata?.name;
      if (name === undefined) continue; // auto-named by Pulumi, which always produces a valid name
      expect(name, `${object.type} ${object.name}`).toMatch(
        /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      );
    }
  });

  it("cert-manager is installed at the pinned version with values its chart has", async () => {
    const run = await runStackFile(stack);
    const [manager] = run.resources.filter((r) => r.type === "kubernetes-cert-manager:index:CertManager");
    const { helmOptions, ...values } = manager?.inputs ?? {};
    expect(helmOptions.version).toBe(referenceChartVersion(chartName("cert-manager")));
    expect(unknownValuesKeys(values, referenceChartValues("cert-manager"))).toEqual([]);
  });
});
