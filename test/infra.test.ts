/**
 * The deployment files (infra/) cannot run here (no Docker, no cluster), so this checks what can go
 * wrong in them without running them: every variable they set is one the apps read and parses as
 * the apps parse it, every build target exists, and every service name, port and selector points
 * at something that is there.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { apiEnvSchema, apiOnlyEnvSchema } from "@scfnccl/api";
import { platformEnvSchema } from "@scfnccl/platform";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

const infra = (name: string) => readFileSync(fileURLToPath(new URL(`../infra/${name}`, import.meta.url)), "utf8");

/** `${VAR:-default}` as compose expands it when VAR is unset. */
const expand = (v: unknown) => String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");

const platformKeys = Object.keys(platformEnvSchema.shape);
const apiKeys = [...platformKeys, ...Object.keys(apiOnlyEnvSchema.shape)];
const webKeys = ["API_URL", "WEB_PORT", "WEB_HOST"];

interface ComposeService {
  build?: { dockerfile: string; target?: string };
  environment?: Record<string, unknown>;
  ports?: string[];
  depends_on?: Record<string, unknown>;
}

describe("infra/compose.yaml", () => {
  const compose = parse(infra("compose.yaml"), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;

  it("builds only targets its Dockerfiles define", () => {
    for (const [name, s] of Object.entries(services)) {
      if (!s.build?.target) continue;
      const dockerfile = infra(s.build.dockerfile.replace(/^infra\//, ""));
      expect(dockerfile, `${name}: target ${s.build.target}`).toMatch(new RegExp(`^FROM \\S+ AS ${s.build.target}$`, "m"));
    }
  });

  it("gives the API and the worker only variables they read, and values they accept", () => {
    const check = (name: string, keys: string[], schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }) => {
      const env = Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, expand(v)]));
      expect(Object.keys(env).filter((k) => !keys.includes(k)), `${name}: unknown variables`).toEqual([]);
      const parsed = schema.safeParse(env);
      expect(parsed.success, `${name}: ${JSON.stringify(parsed.error)}`).toBe(true);
    };
    check("api", apiKeys, apiEnvSchema);
    check("worker-gpu", platformKeys, platformEnvSchema);
  });

  it("points the web app at the API service and port, after the API is healthy", () => {
    const web = services["web"]!;
    expect(Object.keys(web.environment ?? {}).filter((k) => !webKeys.includes(k))).toEqual([]);
    const api = new URL(expand(web.environment!["API_URL"]));
    expect(api.hostname).toBe("api");
    expect(services["api"]!.ports).toContain(`${api.port}:${api.port}`);
    expect(web.depends_on).toHaveProperty("api");
  });
});

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    ports?: { port: number; targetPort: number }[];
    template?: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; env?: { name: string; value: string }[]; ports?: { containerPort: number }[] }[] } };
  };
}

describe("infra/k8s/platform.yaml", () => {
  const objects = parseAllDocuments(infra("k8s/platform.yaml")).map((d) => d.toJS() as K8sObject);
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const services = objects.filter((o) => o.kind === "Service");

  it("sets only variables the containers read", () => {
    const known: Record<string, string[]> = { api: apiKeys, worker: platformKeys, web: webKeys };
    for (const d of deployments) {
      for (const c of d.spec.template!.spec.containers) {
        const names = (c.env ?? []).map((e) => e.name);
        expect(names.filter((n) => !known[c.name]!.includes(n)), `${d.metadata.name}/${c.name}`).toEqual([]);
      }
    }
  });

  it("has a deployment behind every service, on the port its container listens on", () => {
    for (const s of services) {
      const d = deployments.find((dep) => Object.entries(s.spec.selector!).every(([k, v]) => dep.spec.template!.metadata.labels[k] === v));
      expect(d, `service ${s.metadata.name}`).toBeDefined();
      const ports = d!.spec.template!.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
      for (const p of s.spec.ports!) expect(ports, `service ${s.metadata.name}`).toContain(p.targetPort);
    }
  });

  it("points the web app at the API service", () => {
    const web = deployments.find((d) => d.metadata.name === "scfnccl-web")!;
    const url = new URL(web.spec.template!.spec.containers[0]!.env!.find((e) => e.name === "API_URL")!.value);
    expect(services.map((s) => s.metadata.name)).toContain(url.hostname);
  });
});

describe("infra/Dockerfile.gpu", () => {
  const dockerfile = infra("Dockerfile.gpu");
  const env = (name: string) => dockerfile.match(new RegExp(`^ENV .*\\b${name}=(\\S+)`, "m"))?.[1];

  it("trains on webgpu over the NVIDIA driver's Vulkan: the loader installed, the graphics capability asked for", () => {
    expect(platformEnvSchema.safeParse({ BACKEND: env("BACKEND") }).success).toBe(true);
    expect(env("BACKEND")).toBe("webgpu");
    expect(env("NVIDIA_DRIVER_CAPABILITIES")?.split(",")).toEqual(expect.arrayContaining(["compute", "utility", "graphics"]));
    expect(dockerfile).toMatch(/apt-get install .*\blibvulkan1\b/);
    expect(dockerfile).toMatch(/icd\.d\/nvidia_icd\.json/);
    const compose = parse(infra("compose.yaml"), { merge: true }) as {
      services: Record<string, { build?: { dockerfile: string }; deploy?: { resources: { reservations: { devices: { capabilities: string[] }[] } } } }>;
    };
    const gpu = Object.values(compose.services).find((s) => s.build?.dockerfile === "infra/Dockerfile.gpu");
    expect(gpu?.deploy?.resources.reservations.devices[0]?.capabilities).toEqual(expect.arrayContaining(["gpu", "graphics"]));
  });
});
