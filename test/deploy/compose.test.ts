import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";

// `docker compose config` needs the compose plugin, which this machine lacks; this reads the file the way compose
// does (YAML with merge keys, ${VAR:?…} substitution) and checks what the deployment relies on.
interface Service {
  image?: string;
  build?: string;
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  security_opt?: string[];
  secrets?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
}

async function loadCompose(vars: Record<string, string>): Promise<Compose> {
  const text = await readFile("docker-compose.yml", "utf8");
  const substituted = text.replace(/\$\{([A-Z_]+)(?::\?[^}]*)?\}/g, (_m, name: string) => {
    if (!(name in vars)) throw new Error(`compose would refuse to start: ${name} is unset`);
    return vars[name];
  });
  return parse(substituted, { merge: true }) as Compose;
}

const seconds = (d: string): number => {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`unexpected duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
};

describe("docker-compose.yml", () => {
  it("refuses to start without POSTGRES_PASSWORD", async () => {
    await expect(loadCompose({})).rejects.toThrow(/POSTGRES_PASSWORD is unset/);
  });

  it("has PostgreSQL, one web process and two workers, each app role on its own /data volume", async () => {
    const compose = await loadCompose({ POSTGRES_PASSWORD: "pw" });
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual(["postgres", "web", "worker-1", "worker-2"]);

    const pg = services.postgres;
    expect(pg.image).toMatch(/^postgres:\d+/);
    expect(pg.volumes).toEqual(["pgdata:/var/lib/postgresql/data"]);
    expect(pg.healthcheck?.test.join(" ")).toContain("pg_isready");

    const dataVolumes = new Set<string>();
    for (const name of ["web", "worker-1", "worker-2"]) {
      const s = services[name];
      expect(s.build, name).toBe(".");
      expect(s.env_file, name).toBe(".env");
      expect(s.depends_on, name).toEqual({ postgres: { condition: "service_healthy" } });
      expect(s.healthcheck?.test.join(" "), name).toContain("/healthz");
      const data = (s.volumes ?? []).filter((v) => v.endsWith(":/data"));
      expect(data, name).toHaveLength(1);
      dataVolumes.add(data[0].split(":")[0]);
      // Claude's bubblewrap needs user namespaces, but unconfined seccomp is an operator's choice, not a default.
      expect(JSON.stringify(s.security_opt ?? []), name).not.toContain("unconfined");
      expect(s.secrets, name).toEqual(["github_app_private_key"]);
    }
    expect(dataVolumes.size).toBe(3);
    for (const v of [...dataVolumes, "pgdata"]) expect(Object.keys(compose.volumes)).toContain(v);
    expect(services.web.ports).toEqual(["3000:3000"]);
    expect(services["worker-1"].ports).toBeUndefined();
    expect(compose.secrets.github_app_private_key.file).toBe("./codex-dispatch.private-key.pem");
  });

  it("gives each role an environment the app accepts, pointed at the postgres service", async () => {
    const { services } = await loadCompose({ POSTGRES_PASSWORD: "pw" });
    const roles: Record<string, string> = { web: "web", "worker-1": "worker", "worker-2": "worker" };
    for (const [name, role] of Object.entries(roles)) {
      const env = readEnv(services[name].environment);
      expect(env.ROLE, name).toBe(role);
      expect(env.DATABASE_URL, name).toBe("postgres://codex:pw@postgres:5432/codex_dispatch");
      expect(env.dataDir, name).toBe("/data");
      expect(services[name].environment?.PRIVATE_KEY_PATH, name).toBe("/run/secrets/github_app_private_key");
      // Docker sends SIGKILL after stop_grace_period: the app's own grace must end first, so that it can hand
      // the running jobs back instead of being killed with them.
      expect(seconds(services[name].stop_grace_period ?? "10s"), name).toBeGreaterThan(env.SHUTDOWN_GRACE_SECONDS);
    }
    expect(services.postgres.environment).toMatchObject({ POSTGRES_USER: "codex", POSTGRES_PASSWORD: "pw", POSTGRES_DB: "codex_dispatch" });
  });

  it("checks the same /healthz on the same port as the image's HEALTHCHECK", async () => {
    const dockerfile = await readFile("Dockerfile", "utf8");
    expect(dockerfile).toMatch(/HEALTHCHECK .*\/healthz/);
    expect(dockerfile).toMatch(/PORT=3000/);
    const { services } = await loadCompose({ POSTGRES_PASSWORD: "pw" });
    expect(services["worker-2"].healthcheck?.test.join(" ")).toContain("http://127.0.0.1:3000/healthz");
    expect(services["worker-2"].environment?.PORT).toBe("3000");
  });
});
