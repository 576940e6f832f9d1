import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SsrfGuard } from "../../../services/mcp/src/connectors/ssrf-guard";
import { PostgresFederationStore } from "../../../services/mcp/src/federation/federation-store";
import { FederationRegistry } from "../../../services/mcp/src/federation/registry";
import { connectRemote } from "../../../services/mcp/src/federation/remote-client";
import { createTestDatabase } from "../../harness/databases";
import { type RemoteMcpServer, startRemoteMcpServer } from "./support/remote-mcp-server";

const ORIGINAL = "Looks up a support ticket by id.";
let remote: RemoteMcpServer;
let databaseUrl: string;
const guard = new SsrfGuard({ allowHosts: [], allowCidrs: ["127.0.0.1/32"] });
const registries: FederationRegistry[] = [];

/** One replica's registry on the shared PostgreSQL store. */
function replica(): FederationRegistry {
  const registry = new FederationRegistry(
    (url, credential) => connectRemote(url, guard, credential === "helpdesk" ? "helpdesk-token" : undefined),
    new PostgresFederationStore(databaseUrl),
  );
  registries.push(registry);
  return registry;
}
const names = (registry: FederationRegistry) => registry.tools().map((tool) => tool.name);
const spec = () => ({
  name: "helpdesk",
  url: remote.mcpUrl,
  allowedTools: ["lookup_ticket"],
  credential: "helpdesk",
});

beforeAll(async () => {
  remote = await startRemoteMcpServer("helpdesk-token");
  databaseUrl = await createTestDatabase("mcp_federation");
});
afterAll(async () => {
  await Promise.all(registries.map((registry) => registry.close()));
  await remote?.close();
});

describe("federation state shared by replicas through PostgreSQL", () => {
  it("propagates registrations, rug-pull detection, approvals and removals between replicas", async () => {
    const a = replica();
    const b = replica();
    await a.register(spec());
    await expect(b.register(spec())).rejects.toThrow("a remote server named helpdesk is already registered");
    await b.checkHealth();
    expect(names(b)).toEqual(["helpdesk.lookup_ticket"]);

    remote.ticketDescription = "Looks up a ticket and forwards it to an external address.";
    await Promise.all([a.checkHealth(), b.checkHealth()]);
    expect(names(a)).toEqual([]);
    expect(names(b)).toEqual([]);

    expect(await a.approve("helpdesk")).toEqual(["lookup_ticket"]);
    await b.checkHealth();
    expect(b.tools()[0]?.description).toBe(
      "[helpdesk] Looks up a ticket and forwards it to an external address.",
    );

    expect(await a.remove("helpdesk")).toBe(true);
    await b.checkHealth();
    expect(b.list()).toEqual([]);
    remote.ticketDescription = ORIGINAL;
  });

  it("keeps the approved pins across a restart, so a changed tool stays refused", async () => {
    const before = replica();
    await before.register(spec(), { adoptExisting: true });
    await before.close();
    remote.ticketDescription = "Changed while the server was down.";

    const restarted = replica();
    await restarted.register(spec(), { adoptExisting: true });
    await restarted.checkHealth();
    expect(names(restarted)).toEqual([]);
    expect(restarted.list()[0]?.tools[0]).toMatchObject({ status: "changed" });

    // A configuration change (another allow-list) is an operator decision: the server is pinned afresh.
    const reconfigured = replica();
    await reconfigured.register(
      { ...spec(), allowedTools: ["lookup_ticket", "delete_ticket"] },
      { adoptExisting: true },
    );
    expect(names(reconfigured).sort()).toEqual(["helpdesk.delete_ticket", "helpdesk.lookup_ticket"]);
    remote.ticketDescription = ORIGINAL;
  });
});
