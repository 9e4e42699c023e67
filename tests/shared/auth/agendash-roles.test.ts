import { describe, expect, it } from '@jest/globals';
import { useTestGames } from '../../support/games-app.js';
import { metricValue, scrapeMetrics } from '../../support/metrics.js';
import { apiKeys, principal } from './principals.js';

const vic = principal('vic', ['viewer']);
const jo = principal('jo', ['jobs-admin']);
const rgs = principal('rgs', ['cleanup']);
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Agendash by role: the login is a principal (user = its name, password = its API key)', () => {
  const games = useTestGames({ workers: false, env: { GAMES_API_KEYS: apiKeys([vic, jo, rgs]) } });
  const jobs = () => games.conn.db!.collection('agendaJobs');
  const write = (who: { name: string; key: string }, path: string, body: unknown) =>
    fetch(`${games.url}/dash/api/jobs/${path}`, {
      method: 'POST',
      headers: { authorization: basic(who.name, who.key), 'content-type': 'application/json', origin: games.url, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify(body),
    });

  it('When a viewer reads, then it sees the jobs; when it creates or deletes one, then it gets 403 FORBIDDEN and nothing changes', async () => {
    // Arrange
    await jobs().insertOne({ name: 'agendash-roles-probe', type: 'normal', data: {}, nextRunAt: new Date(Date.now() + 3_600_000), priority: 0 });
    const probe = await jobs().findOne({ name: 'agendash-roles-probe' });
    const before = await jobs().countDocuments();

    // Act
    const read = await fetch(`${games.url}/dash/api?limit=50&skip=0`, { headers: { authorization: basic(vic.name, vic.key) } });
    const create = await write(vic, 'create', { jobName: 'agendash-roles-created', jobSchedule: 'in 1 year' });
    const remove = await write(vic, 'delete', { jobIds: [String(probe!._id)] });

    // Assert
    expect(read.status).toBe(200);
    expect([create.status, remove.status]).toEqual([403, 403]);
    expect(await create.json()).toEqual({ errors: [{ message: 'Changing jobs needs the role "jobs-admin"; vic holds viewer', extensions: { code: 'FORBIDDEN' } }] });
    expect(await jobs().countDocuments()).toBe(before);
  });

  it('When a jobs-admin creates and deletes a job, then both happen', async () => {
    // Act
    const create = await write(jo, 'create', { jobName: 'agendash-roles-by-admin', jobSchedule: 'in 1 year' });
    const created = await jobs().findOne({ name: 'agendash-roles-by-admin' });
    const remove = await write(jo, 'delete', { jobIds: [String(created!._id)] });

    // Assert
    expect([create.status, remove.status]).toEqual([200, 200]);
    expect(await jobs().countDocuments({ name: 'agendash-roles-by-admin' })).toBe(0);
  });

  it('When a principal with neither viewer nor jobs-admin logs in, then it sees nothing (403); a wrong key is 401', async () => {
    // Act
    const noRole = await fetch(`${games.url}/dash/api?limit=50&skip=0`, { headers: { authorization: basic(rgs.name, rgs.key) } });
    const wrongKey = await fetch(`${games.url}/dash/api?limit=50&skip=0`, { headers: { authorization: basic(vic.name, jo.key) } });

    // Assert
    expect(noRole.status).toBe(403);
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('When a browser opens Agendash many times, then each first request without a credential is only the login challenge (401), never counted as a failed authentication', async () => {
    // Act: more than AUTH_FAILURES_PER_MINUTE (30) challenges from one address.
    const challenges = await Promise.all(Array.from({ length: 35 }, () => fetch(`${games.url}/dash/`)));
    const login = await fetch(`${games.url}/dash/api?limit=50&skip=0`, { headers: { authorization: basic(vic.name, vic.key) } });

    // Assert
    expect(challenges.map((r) => r.status)).toEqual(Array(35).fill(401));
    expect(challenges[0]!.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(login.status).toBe(200);
  });

  it('When requests are refused, then /metrics counts them by reason and surface', async () => {
    // Arrange
    const count = async (labels: Record<string, string>) => metricValue((await scrapeMetrics(games.url)).text, 'http_requests_refused_total', labels);
    const before = { forbidden: await count({ reason: 'forbidden', surface: 'dashboard' }), unauthenticated: await count({ reason: 'unauthenticated', surface: 'api' }) };

    // Act
    await write(vic, 'create', { jobName: 'agendash-roles-metric', jobSchedule: 'in 1 year' });
    await fetch(`${games.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { name } }' }) });

    // Assert
    expect(await count({ reason: 'forbidden', surface: 'dashboard' })).toBe(before.forbidden + 1);
    expect(await count({ reason: 'unauthenticated', surface: 'api' })).toBe(before.unauthenticated + 1);
  });
});
