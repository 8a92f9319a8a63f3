// What the scripts that run services of their own (faults, cluster-check) share: the
// environment for scripts/services.sh to start them on other ports and folders, a fresh
// database and index in them, and how their figures are printed.
import { loadConfig } from '../src/config';
import { createDependencies, type Dependencies } from '../src/dependencies';
import { createLogger } from '../src/shared/logger';

/** scripts/services.sh's environment for services of a script's own (ports, folder, heap). */
export function ownServicesEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...settings };
  // services.sh leaves alone a service whose URL is set: these must be unset for it to start ours.
  delete env.MONGODB_URI;
  delete env.ELASTICSEARCH_URL;
  delete env.REDIS_URL;
  return env;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Milliseconds as seconds with one decimal. */
export const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** A latency figure, or "-" when there is none. */
export const msFig = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(0)} ms`);

/** Dependencies on the script's own services, with an empty database and index (nobody else's data is there). */
export async function freshDependencies(appEnv: NodeJS.ProcessEnv): Promise<Dependencies> {
  const deps = await createDependencies(loadConfig({ ...appEnv, LOG_LEVEL: 'silent' }), createLogger('silent'));
  await deps.conn.db!.dropDatabase();
  if (await deps.es.indices.existsAlias({ name: deps.index })) {
    await deps.es.indices.delete({ index: Object.keys(await deps.es.indices.getAlias({ name: deps.index })) });
  }
  await deps.ensureIndex();
  return deps;
}
