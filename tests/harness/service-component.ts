/** What the tests of the platform's service components (gateway, MCP server, agent) share. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { platformHostnames } from "../../components/ingress/hostnames";
import { SharedGateway } from "../../components/ingress/shared-gateway";
import { schemaProblems, securityViolations } from "./component-checks";
import { byName, single } from "./queries";
import type { StackRun } from "./run-stack";

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
export const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
export const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
export const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
export const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export const podSpec = (run: StackRun) => single(run, DEPLOYMENT).inputs.spec.template.spec;
export const container = (run: StackRun) => podSpec(run).containers[0];
export const configText = (run: StackRun): string => single(run, CONFIG_MAP).inputs.data["config.yaml"];
export const configOf = (run: StackRun) => parse(configText(run));
export const policy = (run: StackRun, name: string) => byName(run, NETWORK_POLICY, name).inputs.spec;
/** In a whole stack: the config file of the named ConfigMap, and a Deployment's env (Secret refs or values). */
export const configNamed = (run: StackRun, configMap: string) =>
  parse(byName(run, CONFIG_MAP, configMap).inputs.data["config.yaml"]);
export const envOf = (run: StackRun, deployment: string): Record<string, unknown> =>
  Object.fromEntries(
    byName(run, DEPLOYMENT, deployment).inputs.spec.template.spec.containers[0].env.map(
      (item: { name: string; value?: string; valueFrom?: { secretKeyRef: unknown } }) => [
        item.name,
        item.valueFrom?.secretKeyRef ?? item.value,
      ],
    ),
  );
export const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

/** The platform's shared Gateway, which the security pack needs to see an HTTPRoute's TLS listener. */
export const declareSharedGateway = (namespace: string) =>
  new SharedGateway("gateway", {
    namespace,
    gatewayClassName: "envoy-gateway",
    hostnames: platformHostnames("ai.example.com"),
  });

/**
 * Per environment's arguments: every declared object validates against its schema, and the component
 * beside the shared Gateway passes the security pack's mandatory rules.
 */
export function describeEnvironmentShapes<Args>(
  shapes: readonly (readonly [string, Args])[],
  render: (args: Args, withSharedGateway: boolean) => Promise<{ run: StackRun }>,
): void {
  describe.each(shapes)("%s shape", (_environment, args) => {
    it("declares only objects that validate against their schemas", async () => {
      const { run } = await render(args, false);
      const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
      expect(objects.length).toBeGreaterThan(10);
      expect(await schemaProblems(objects)).toEqual([]);
    });

    it("passes the security pack's mandatory rules with the prod config", async () => {
      const { run } = await render(args, true);
      expect(securityViolations(run).filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    });
  });
}
