/** server.ts as operators run it: a process with a config file, reloads, and a graceful SIGTERM. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { freePort } from "../../harness/test-servers";
import { type FakeUpstream, startFakeUpstream } from "./fakes/openai-upstream";
import { deployment, readJson } from "./start-gateway";

const SERVER = join(__dirname, "../../../services/gateway/src/server.ts");
let upstream: FakeUpstream;
let directory: string;

beforeAll(async () => {
  upstream = await startFakeUpstream("process");
  directory = mkdtempSync(join(tmpdir(), "gateway-server-"));
});

afterAll(async () => {
  await upstream.close();
  rmSync(directory, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

async function run(configPath: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      SERVER,
      "--config",
      configPath,
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, GATEWAY_MASTER_KEY: "" },
    },
  );
  let output = "";
  child.stdout?.on("data", (data) => (output += data));
  child.stderr?.on("data", (data) => (output += data));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (output.includes('"event":"listening"')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, url, output: () => output, exited };
}

const writeConfig = (name: string, models: string[]) => {
  const path = join(directory, name);
  writeFileSync(path, stringify({ model_list: models.map((model) => deployment(model, upstream.baseUrl)) }));
  return path;
};

const modelIds = async (url: string) =>
  ((await readJson(fetch(`${url}/v1/models`))) as { data: { id: string }[] }).data.map((model) => model.id);

describe("gateway process", () => {
  it("refuses to start on a bad config, listing every problem", async () => {
    const path = join(directory, "bad.yaml");
    writeFileSync(
      path,
      stringify({
        model_list: [{ model_name: "x", litellm_params: { model: "hosted_vllm/x", rpm: 0 } }],
        extra: 1,
      }),
    );
    const started = await run(path);
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain("model_list.0.litellm_params.rpm");
    expect(started.output()).toContain("extra");
  });

  it("reloads on SIGHUP, keeps the old config when the new one is invalid, and drains a stream on SIGTERM", async () => {
    const path = writeConfig("live.yaml", ["first"]);
    const started = await run(path);
    try {
      expect(await modelIds(started.url)).toEqual(["first"]);
      writeConfig("live.yaml", ["first", "second"]);
      started.child.kill("SIGHUP");
      await expect.poll(() => modelIds(started.url), { timeout: 5000 }).toEqual(["first", "second"]);

      writeFileSync(path, "model_list: []\n");
      started.child.kill("SIGHUP");
      await expect.poll(() => started.output(), { timeout: 5000 }).toContain("config_reload_rejected");
      expect(await modelIds(started.url)).toEqual(["first", "second"]);

      // A slow stream in flight when SIGTERM arrives still completes.
      upstream.script({ kind: "trickle", delayMs: 150 });
      const streaming = fetch(`${started.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "first", stream: true, messages: [{ role: "user", content: "x" }] }),
      }).then((response) => response.text());
      await new Promise((resolve) => setTimeout(resolve, 300));
      started.child.kill("SIGTERM");
      const text = await streaming;
      expect(text).toContain("data: [DONE]");
      expect(await started.exited).toBe(0);
      expect(started.output()).toContain('"event":"stopped"');
    } finally {
      started.child.kill("SIGKILL");
    }
  });
});
