import { describe, expect, it } from "vitest";
import {
  allocateSubnets,
  cidrsOverlap,
  formatCidr,
  isValidCidr,
  parseCidr,
} from "../../components/network/cidr";
import { alicloudSubnetLayout, awsSubnetLayout } from "../../components/network/subnet-layout";

describe("parseCidr", () => {
  it("parses a block and formats it back", () => {
    const block = parseCidr("10.20.0.0/16");
    expect(block).toEqual({ base: 10 * 2 ** 24 + 20 * 2 ** 16, prefixLength: 16 });
    expect(formatCidr(block.base, block.prefixLength)).toBe("10.20.0.0/16");
  });

  it.each([
    ["10.0.0.0", "not an IPv4 CIDR"],
    ["10.0.0.256/24", "octet above 255"],
    ["10.0.0.0/33", "prefix length above 32"],
    ["10.0.0.1/16", "did you mean 10.0.0.0/16"],
  ])("rejects %s", (cidr, message) => {
    expect(() => parseCidr(cidr)).toThrow(message);
    expect(isValidCidr(cidr)).toBe(false);
  });
});

describe("cidrsOverlap", () => {
  it("detects containment and disjoint blocks", () => {
    expect(cidrsOverlap("10.0.0.0/16", "10.0.128.0/17")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
    expect(cidrsOverlap("172.20.0.0/16", "10.0.0.0/8")).toBe(false);
  });
});

describe("allocateSubnets", () => {
  it("aligns each block to its own size and never overlaps", () => {
    const blocks = allocateSubnets("10.0.0.0/16", [
      { key: "a", prefixLength: 20 },
      { key: "b", prefixLength: 19 },
      { key: "c", prefixLength: 24 },
    ]);
    // b cannot start at 10.0.16.0 (not /19-aligned), so it moves to 10.0.32.0.
    expect(blocks).toEqual({ a: "10.0.0.0/20", b: "10.0.32.0/19", c: "10.0.64.0/24" });
  });

  it("names the request that does not fit", () => {
    expect(() =>
      allocateSubnets("10.0.0.0/24", [
        { key: "big", prefixLength: 25 },
        { key: "bigger", prefixLength: 23 },
      ]),
    ).toThrow(/subnet "bigger"/);
    expect(() =>
      allocateSubnets("10.0.0.0/24", [
        { key: "x", prefixLength: 25 },
        { key: "y", prefixLength: 25 },
        { key: "z", prefixLength: 25 },
      ]),
    ).toThrow('no room left for subnet "z"');
  });
});

describe("subnet layouts", () => {
  it("gives Alibaba Cloud a /19 pod and a /20 node vSwitch per zone, disjoint", () => {
    const layout = alicloudSubnetLayout("10.20.0.0/16", ["h", "i", "j"]);
    expect(layout).toEqual([
      { zone: "h", podCidr: "10.20.0.0/19", nodeCidr: "10.20.96.0/20" },
      { zone: "i", podCidr: "10.20.32.0/19", nodeCidr: "10.20.112.0/20" },
      { zone: "j", podCidr: "10.20.64.0/19", nodeCidr: "10.20.128.0/20" },
    ]);
    const all = layout.flatMap((zone) => [zone.podCidr, zone.nodeCidr]);
    for (const [i, a] of all.entries())
      for (const b of all.slice(i + 1)) expect(cidrsOverlap(a, b)).toBe(false);
  });

  it("gives AWS a /19 private and a /22 public subnet per zone", () => {
    expect(awsSubnetLayout("10.30.0.0/16", ["a", "b"])).toEqual([
      { zone: "a", privateCidr: "10.30.0.0/19", publicCidr: "10.30.64.0/22" },
      { zone: "b", privateCidr: "10.30.32.0/19", publicCidr: "10.30.68.0/22" },
    ]);
  });

  it("refuses more zones than the VPC can hold", () => {
    expect(() => alicloudSubnetLayout("10.0.0.0/16", ["a", "b", "c", "d", "e", "f"])).toThrow("no room left");
  });
});
