import { describe, expect, it } from '@jest/globals';
import { startTestGames } from '../support/games-app.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A browser's Agendash write as it reaches us behind a TLS-terminating proxy (HTTPS outside, HTTP here). */
async function writeBehindProxy(url: string): Promise<number> {
  const host = new URL(url).host;
  const res = await fetch(`${url}/dash/api/jobs/create`, {
    method: 'POST',
    headers: {
      authorization: basic('admin', 'dash-dev-password'),
      'content-type': 'application/json',
      origin: `https://${host}`,
      'x-forwarded-proto': 'https',
    },
    body: JSON.stringify({ jobName: 'trusted-proxy-test-noop', jobSchedule: 'in 1 year' }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('Agendash behind a TLS-terminating proxy', () => {
  it.each([
    { setting: 'unset', env: {} as Record<string, string>, status: 403 },
    { setting: 'true', env: { TRUST_PROXY: 'true' }, status: 200 },
  ])('When TRUST_PROXY is $setting and the browser posts from its https:// origin, then the answer is $status', async ({ env, status }) => {
    // Arrange
    const games = await startTestGames({ env, workers: false });
    try {
      // Act
      const answered = await writeBehindProxy(games.url);

      // Assert: trusted, the forwarded protocol makes the origin match; untrusted, it is cross-site
      expect(answered).toBe(status);
    } finally {
      await games.stop();
    }
  });
});
