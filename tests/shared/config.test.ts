import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../shared/src/config.js';
import { GAMES_DEV_TOKEN, loadGamesConfig } from '../../games/src/config.js';

describe('Games configuration', () => {
  it('When nothing is set, then development defaults apply and are marked as defaults', () => {
    const config = loadGamesConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4001,
      mongoUri: undefined,
      apiToken: { value: GAMES_DEV_TOKEN, isDefault: true },
      cleanup: { batchSize: 100, batchPauseMs: 500, lockLifetimeMs: 30_000 },
      messageRetentionDays: 30,
      jobLockLifetimeMs: 30_000,
      shutdownDrainMs: 8_000,
    });
  });

  it('When CLEANUP_LOCK_LIFETIME_MS is unset, then the worker uses JOB_LOCK_LIFETIME_MS', () => {
    expect(loadGamesConfig({ JOB_LOCK_LIFETIME_MS: '45000' }).cleanup.lockLifetimeMs).toBe(45_000);
    expect(loadGamesConfig({ JOB_LOCK_LIFETIME_MS: '45000', CLEANUP_LOCK_LIFETIME_MS: '20000' }).cleanup.lockLifetimeMs).toBe(20_000);
  });

  it('When the batch pauses would keep a 500-id transaction open near MongoDB’s 60 s limit, then start-up fails naming both variables', () => {
    // 125 batches of 4 ids, 124 pauses of 500 ms: 62 s of pauses inside one transaction
    const load = () => loadGamesConfig({ CLEANUP_BATCH_SIZE: '4' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CLEANUP_BATCH_SIZE=4 with CLEANUP_BATCH_PAUSE_MS=500: .* pause 62000 ms/);
  });

  it('When the pauses stay within the budget, then small batches are accepted', () => {
    // 50 batches of 10 ids, 49 pauses of 400 ms: 19.6 s
    expect(loadGamesConfig({ CLEANUP_BATCH_SIZE: '10', CLEANUP_BATCH_PAUSE_MS: '400' }).cleanup).toMatchObject({ batchSize: 10, batchPauseMs: 400 });
  });

  it('When SHUTDOWN_DRAIN_MS would not let the process exit within 15 s, then start-up fails naming it', () => {
    expect(() => loadGamesConfig({ SHUTDOWN_DRAIN_MS: '30000' })).toThrow(/SHUTDOWN_DRAIN_MS/);
  });

  it.each([
    [{ GAMES_PORT: 'eighty' }, 'GAMES_PORT'],
    [{ CLEANUP_BATCH_SIZE: '0' }, 'CLEANUP_BATCH_SIZE'],
    [{ CLEANUP_BATCH_PAUSE_MS: '-1' }, 'CLEANUP_BATCH_PAUSE_MS'],
    [{ GAMES_MONGODB_URI: 'mongodb://localhost:27017' }, 'GAMES_MONGODB_URI'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
  ])('When %j is given, then start-up fails naming %s', (env, variable) => {
    expect(() => loadGamesConfig(env)).toThrow(ConfigError);
    expect(() => loadGamesConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n  ${variable}: `));
  });

  it('When NODE_ENV=production and neither GAMES_API_KEYS nor GAMES_API_TOKEN is set, then start-up fails naming them', () => {
    expect(() => loadGamesConfig({ NODE_ENV: 'production', DASH_PASSWORD: 'a-production-dash-password' })).toThrow(/GAMES_API_KEYS: required when NODE_ENV=production \(or GAMES_API_TOKEN/);
  });

  it('When NODE_ENV=production and DASH_PASSWORD is missing, then Agendash has no shared login: only principals log in', () => {
    expect(loadGamesConfig({ NODE_ENV: 'production', GAMES_API_TOKEN: 'a-production-secret-token' })).toMatchObject({ dash: undefined, auth: { dashLogin: undefined } });
  });

  it('When an empty variable is given, then it counts as unset', () => {
    expect(loadGamesConfig({ GAMES_PORT: '', GAMES_API_TOKEN: '' })).toMatchObject({ port: 4001, apiToken: { isDefault: true } });
  });

  describe('production posture', () => {
    const PRODUCTION = { NODE_ENV: 'production', GAMES_API_TOKEN: 'a-production-secret-token', DASH_PASSWORD: 'a-production-dash-password' };

    it.each([
      ['GAMES_API_TOKEN', 'games-dev-token', /public development default/],
      ['GAMES_API_TOKEN', 'rgs-dev-token', /public development default/],
      ['GAMES_API_TOKEN', 'x', /at least 16 characters/],
      ['GAMES_API_TOKEN', '   ', /must not be blank/],
      ['DASH_PASSWORD', 'dash-dev-password', /public development default/],
      ['DASH_PASSWORD', 'short-password', /at least 16 characters/],
    ])('When NODE_ENV=production and %s is %j, then start-up fails naming the variable', (variable, value, reason) => {
      expect(() => loadGamesConfig({ ...PRODUCTION, [variable]: value })).toThrow(new RegExp(`${variable}: .*${reason.source}`));
    });

    it('When a token is blank outside production, then start-up fails too', () => {
      expect(() => loadGamesConfig({ GAMES_API_TOKEN: ' \t ' })).toThrow(/GAMES_API_TOKEN: must not be blank/);
    });

    it('When NODE_ENV=production, then GraphiQL and introspection are off unless switched on, and HOST is the bind address', () => {
      expect(loadGamesConfig(PRODUCTION)).toMatchObject({ exposure: { graphiql: false, introspection: false }, host: undefined });
      expect(loadGamesConfig({ ...PRODUCTION, GRAPHIQL_ENABLED: 'true', INTROSPECTION_ENABLED: 'true', HOST: '127.0.0.1' })).toMatchObject({
        exposure: { graphiql: true, introspection: true },
        host: '127.0.0.1',
      });
      expect(loadGamesConfig({})).toMatchObject({ exposure: { graphiql: true, introspection: true } });
    });

    it('When GRAPHIQL_ENABLED is not true or false, then start-up fails naming it', () => {
      expect(() => loadGamesConfig({ GRAPHIQL_ENABLED: 'yes' })).toThrow(/GRAPHIQL_ENABLED/);
    });
  });
});
