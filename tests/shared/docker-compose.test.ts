import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { loadGamesConfig } from '../../games/src/config.js';
import { loadRgsConfig } from '../../rgs/src/config.js';

/** `${VAR:-default}` as Compose resolves it with VAR unset. */
const withDefaults = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value).replace(/\$\{\w+:-([^}]*)\}/g, '$1')]));

interface ComposeService {
  build?: { context: string; dockerfile: string; target?: string };
  image?: string;
  user?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

// Docker is absent on the development machine; .ci/run runs `docker compose config` where it is.
describe('docker-compose.yml and the Dockerfile', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const { games, rgs, mongo, 'games-worker': gamesWorker } = compose.services;

  it('When the compose file is read, then Games and RGS are built from the Dockerfile and run its compiled entry points as the node user', () => {
    for (const service of [games!, gamesWorker!, rgs!]) {
      expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile', target: 'runtime' });
      expect(service.user).toBe('node');
      expect(service.volumes ?? []).toEqual([]); // no source mounted: the image is what runs
      const entry = service.command!.at(-1)!;
      expect(existsSync(entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'))).toBe(true);
    }
    expect(games!.command).toEqual(['node', 'dist/games/src/main.js']);
    expect(rgs!.command).toEqual(['node', 'dist/rgs/src/main.js']);
  });

  it('When the compose file is read, then every service has a health check and each waits for what it needs to be healthy', () => {
    for (const service of [mongo!, games!, rgs!]) expect(service.healthcheck?.test.length).toBeGreaterThan(1);
    expect(games!.healthcheck!.test.join(' ')).toContain(':4001/health');
    expect(rgs!.healthcheck!.test.join(' ')).toContain(':4000/health');
    expect(games!.depends_on).toEqual({ mongo: { condition: 'service_healthy' } });
    expect(rgs!.depends_on).toEqual({ mongo: { condition: 'service_healthy' }, games: { condition: 'service_healthy' } });
  });

  it('When the services start with the compose environment, then their configuration is valid and RGS finds Games by its service name', () => {
    const gamesConfig = loadGamesConfig(withDefaults(games!.environment!));
    const rgsConfig = loadRgsConfig(withDefaults(rgs!.environment!));
    expect(gamesConfig).toMatchObject({ port: 4001, mongoUri: 'mongodb://mongo:27017/games?replicaSet=rs0' });
    expect(rgsConfig).toMatchObject({ port: 4000, mongoUri: 'mongodb://mongo:27017/rgs?replicaSet=rs0', games: { url: 'http://games:4001' } });
  });

  it('When the services start with the compose environment, then RGS calls Games as a principal holding cleanup and viewer only, not as its admin', () => {
    const gamesConfig = loadGamesConfig(withDefaults(games!.environment!));
    const rgsKey = loadRgsConfig(withDefaults(rgs!.environment!)).games.apiToken.value;
    const digest = createHash('sha256').update(rgsKey).digest();
    const principal = gamesConfig.auth.apiKeys.find((p) => p.keyDigests.some((d) => d.equals(digest)));
    expect(principal).toMatchObject({ name: 'rgs', roles: ['cleanup', 'viewer'] });
  });

  it('When the compose file is read, then Games\' API queues operations and a worker process of its own, on the same database, runs them', () => {
    const api = loadGamesConfig(withDefaults(games!.environment!));
    const worker = loadGamesConfig(withDefaults(gamesWorker!.environment!));
    expect(api.runJobs).toBe(false);
    expect(worker).toMatchObject({ runJobs: true, mongoUri: api.mongoUri });
    expect(gamesWorker!.healthcheck!.test.join(' ')).toContain('/health');
    // Its Agendash is where the worker's job states stream live.
    expect(gamesWorker!.ports).toEqual(['4002:4001']);
  });

  it('When the Dockerfile is read, then it builds in one stage and runs production dependencies only, as a non-root user, in another', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const runtime = stages.find((stage) => / AS runtime\b/.test(stage.split('\n')[0]!))!;
    const deps = stages.find((stage) => / AS deps\b/.test(stage.split('\n')[0]!))!;
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(deps).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=deps .*\/app\/node_modules/);
    expect(runtime).toMatch(/COPY --from=build .*\/app\/dist/);
    expect(runtime).not.toMatch(/npm (ci|install)(?! --omit=dev)/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
  });
});
