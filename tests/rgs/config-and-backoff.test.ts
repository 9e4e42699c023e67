import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../shared/src/config.js';
import { DEVELOPMENT_SECRETS } from '../../shared/src/secret-policy.js';
import { loadRgsConfig, RGS_DEV_TOKEN } from '../../rgs/src/config.js';
import { backoffDelayMs } from '../../rgs/src/domain/backoff.js';

describe('RGS configuration', () => {
  it('When nothing is set, then the documented defaults apply and the dev tokens are marked as defaults', () => {
    // Act
    const config = loadRgsConfig({});

    // Assert
    expect(config).toMatchObject({
      mongoUri: undefined,
      port: 4000,
      apiToken: { value: RGS_DEV_TOKEN, isDefault: true },
      games: { url: 'http://localhost:4001', apiToken: { value: DEVELOPMENT_SECRETS.gamesRgsKey, isDefault: true } },
      cleanup: { cron: undefined, timeZone: 'UTC', trafficLookbackDays: undefined, maxShare: 0.75 },
      dispatch: { maxAttempts: 12, backoffMs: 2_000, backoffMaxMs: 300_000, intervalMs: 15_000, timeoutMs: 30_000 },
      agendaProcessEveryMs: 2_000,
      jobLockLifetimeMs: 30_000,
      shutdownDrainMs: 8_000,
    });
  });

  it.each(['0', '-0.1', '1.01', 'half'])('When CLEANUP_MAX_SHARE is %s, then start-up fails naming the variable', (value) => {
    // Act
    const load = () => loadRgsConfig({ CLEANUP_MAX_SHARE: value });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CLEANUP_MAX_SHARE/);
  });

  it.each([['1', 1], ['0.5', 0.5], ['', 0.75]])('When CLEANUP_MAX_SHARE is "%s", then the limit is %s', (value, expected) => {
    // Act
    const config = loadRgsConfig({ CLEANUP_MAX_SHARE: value });

    // Assert
    expect(config.cleanup.maxShare).toBe(expected);
  });

  it('When CLEANUP_TIME_ZONE is not an IANA zone, then start-up fails naming the variable', () => {
    // Act
    const load = () => loadRgsConfig({ CLEANUP_TIME_ZONE: 'Mars/Olympus_Mons' });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CLEANUP_TIME_ZONE/);
  });

  it('When NODE_ENV=production and RGS_API_TOKEN is unset, then start-up fails', () => {
    // Act
    const load = () => loadRgsConfig({ NODE_ENV: 'production', GAMES_API_TOKEN: 'x', DASH_PASSWORD: 'y' });

    // Assert
    expect(load).toThrow(/RGS_API_TOKEN/);
  });

  it('When TRAFFIC_LOOKBACK_DAYS is not a positive whole number, then start-up fails naming the variable', () => {
    // Act
    const load = () => loadRgsConfig({ TRAFFIC_LOOKBACK_DAYS: '-3' });

    // Assert
    expect(load).toThrow(/TRAFFIC_LOOKBACK_DAYS/);
  });
});

describe('dispatch retry backoff', () => {
  it('When attempts keep failing, then the delay doubles from the base and stops at the cap', () => {
    // Act
    const delays = [1, 2, 3, 4, 5, 50].map((attempt) => backoffDelayMs(attempt, 1_000, 10_000));

    // Assert
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });
});
