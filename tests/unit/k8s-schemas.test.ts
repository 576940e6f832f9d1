import { describe, expect, it } from "vitest";
import { checkKubernetesObject } from "../harness/k8s-schemas";

describe("checkKubernetesObject (the check itself)", () => {
  it("validates custom resources against the reference CRDs", async () => {
    const issuer = {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: "selfsigned" },
      spec: { selfSigned: {} },
    };
    expect(await checkKubernetesObject("kubernetes:cert-manager.io/v1:ClusterIssuer", issuer)).toEqual({
      validatedBy: "crd",
      errors: [],
    });
    const broken = await checkKubernetesObject("kubernetes:cert-manager.io/v1:ClusterIssuer", {
      ...issuer,
      spec: { acme: { server: 42 } },
    });
    expect(broken.errors.join("\n")).toMatch(/\/spec\/acme/);
  });

  it("validates core objects with kubernetes-models", async () => {
    const policy = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "x" },
      spec: { podSelector: {} },
    };
    expect(
      (await checkKubernetesObject("kubernetes:networking.k8s.io/v1:NetworkPolicy", policy)).errors,
    ).toEqual([]);
    const broken = await checkKubernetesObject("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
      ...policy,
      spec: { podSelector: {}, ingress: [{ ports: [{ port: { bad: true } }] }] },
    });
    expect(broken.validatedBy).toBe("kubernetes-models");
    expect(broken.errors.length).toBeGreaterThan(0);
  });

  it("reports types it has no schema for", async () => {
    expect(await checkKubernetesObject("kubernetes:example.com/v1:Widget", {})).toEqual({
      validatedBy: undefined,
      errors: [],
    });
  });
});
