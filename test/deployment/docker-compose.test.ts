// docker-compose.yml cannot be run on these machines (no Docker engine), so what can be checked
// without it is checked here: it parses, the default services stay as README's `docker compose
// up -d` expects, and the "cluster" profile's pieces name each other consistently.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

const ROOT = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string> | string[];
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = load(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;
const cluster = Object.entries(services).filter(([, s]) => s.profiles?.includes('cluster'));
const option = (service: Service, flag: string) => service.command?.[service.command.indexOf(flag) + 1];
const env = (service: Service) => (Array.isArray(service.environment) ? Object.fromEntries(service.environment.map((e) => e.split('='))) : (service.environment ?? {})) as Record<string, string>;

/** Every collection name the code gives a model: `conn.model<…>('Name', schema, 'collection')`. */
function collectionsOfTheCode(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts')) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/\.model<[^>]+>\('\w+', \w+, '(\w+)'\)/g)) names.add(m[1]);
        // Lists of ids share one model definition, named where they are made.
        for (const m of text.matchAll(/defineIdListModel\(conn, '\w+', '(\w+)'\)/g)) names.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return names;
}

describe('docker-compose.yml', () => {
  it('when parsed, then the default services have no profile, so `docker compose up -d` starts them as before', () => {
    for (const name of ['mongodb', 'elasticsearch', 'redis']) expect(services[name].profiles).toBeUndefined();
    for (const [, service] of Object.entries(services)) expect(service.image).toMatch(/^(mongo:7\.0|redis:7|docker\.elastic\.co\/elasticsearch\/elasticsearch:8\.19\.8)$/);
  });

  it('when every profile runs at once, then no host port is taken twice, every named volume is declared and every dependency exists', () => {
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (!source.startsWith('.')) expect(compose.volumes).toHaveProperty([source]);
      }
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(services).toHaveProperty([dependency]);
    }
  });

  it('when the cluster profile runs, then mongos names the config server replica set and the init script adds the two shard replica sets', () => {
    const config = cluster.filter(([, s]) => s.command?.includes('--configsvr'));
    const shards = cluster.filter(([, s]) => s.command?.includes('--shardsvr'));
    expect(config).toHaveLength(1);
    expect(shards).toHaveLength(2);
    const [[configName, configService]] = config;
    expect(option(services.mongos, '--configdb')).toBe(`${option(configService, '--replSet')}/${configName}:${option(configService, '--port')}`);
    const script = readFileSync(path.join(ROOT, 'scripts/mongo-cluster/init-sharding.js'), 'utf8');
    for (const [name, service] of shards) expect(script).toContain(`['${option(service, '--replSet')}', '${name}:${option(service, '--port')}']`);
    // The script is mounted where the init container runs it from.
    const init = services['mongo-cluster-init'];
    expect(init.volumes).toContain('./scripts/mongo-cluster:/init:ro');
    expect(init.command).toContain('/init/init-sharding.js');
  });

  it('when the init script shards collections, then each is one the code defines, and it parses as JavaScript', () => {
    const script = readFileSync(path.join(ROOT, 'scripts/mongo-cluster/init-sharding.js'), 'utf8');
    expect(() => new Function(script)).not.toThrow();
    const hashed = [.../const HASHED_ID = \[([^\]]+)\]/.exec(script)![1].matchAll(/'(\w+)'/g)].map((m) => m[1]);
    expect(hashed).toEqual(expect.arrayContaining(['contacts', 'contact_keys', 'pending_sync', 'notes', 'contact_inboxes', 'contact_inbox_keys', 'contact_links', 'inbox_links', 'contact_import_rejections']));
    // Every collection is read and written by _id: no ranged key is left.
    expect(script).not.toMatch(/shardCollection\([^)]*, (?!\{ _id: 'hashed' \})/);
    const defined = collectionsOfTheCode();
    for (const name of hashed) expect([name, defined.has(name)]).toEqual([name, true]);
  });

  it('when the cluster profile runs, then its three Elasticsearch nodes form one cluster', () => {
    const nodes = cluster.filter(([, s]) => s.image?.includes('elasticsearch')).map(([name, s]) => ({ name, env: env(s) }));
    expect(nodes).toHaveLength(3);
    const names = nodes.map((n) => n.env['node.name']);
    expect(names).toEqual(nodes.map((n) => n.name));
    for (const node of nodes) {
      expect(node.env['cluster.name']).toBe('contacts');
      expect(node.env['discovery.seed_hosts'].split(',')).toEqual(names);
      expect(node.env['cluster.initial_master_nodes'].split(',')).toEqual(names);
      expect(node.env['discovery.type']).toBeUndefined();
    }
  });
});
