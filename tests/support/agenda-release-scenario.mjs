/**
 * One of the lock releases plain Agenda does not await, run on a closed client in a process of its
 * own, where an unhandled rejection is what it is in a service (Jest keeps its own listeners).
 * `agenda.db.unlockJob` is wrapped to catch, as shared/src/agenda/backend-saves.ts does; any other
 * un-awaited release shows as an unhandled rejection. Prints `{ released, unhandled }` as JSON.
 *
 *   node tests/support/agenda-release-scenario.mjs <database URI> far|limit
 */
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import { MongoClient } from 'mongodb';

const [uri, scenario] = process.argv.slice(2);
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));

const client = await MongoClient.connect(uri);
const jobs = client.db().collection('agendaJobs');
const agenda = new Agenda({ backend: new MongoBackend({ mongo: client.db() }), name: `release-${scenario}`, processEvery: 60_000, defaultLockLifetime: 2_000 });
await agenda.ready;
await agenda.start();
const processor = agenda.jobProcessor;
const released = [];
const unlock = agenda.db.unlockJob.bind(agenda.db);
agenda.db.unlockJob = (attrs) => unlock(attrs).catch((err) => void released.push(String(err)));

if (scenario === 'far') {
  // A job whose lock expired, due in an hour: Agenda locks it, then gives it back unawaited.
  agenda.define('release-far', async () => {});
  const now = Date.now();
  await jobs.insertOne({ name: 'release-far', type: 'normal', priority: 0, data: {}, nextRunAt: new Date(now + 3_600_000), lockedAt: new Date(now - 120_000) });
  await processor.jobQueueFilling('release-far');
  await client.close();
  await processor.jobProcessing();
} else if (scenario === 'limit') {
  // Two due jobs, a lock limit of one, two fillings at once (agenda#1118): the second lock is given
  // back unawaited; MongoDB goes away just before.
  agenda.define('release-limited', async () => {}, { lockLimit: 1 });
  await jobs.insertMany([0, 1].map(() => ({ name: 'release-limited', type: 'normal', priority: 0, data: {}, nextRunAt: new Date(), lockedAt: null })));
  const lockNext = agenda.db.getNextJobToRun.bind(agenda.db);
  let locks = 0;
  agenda.db.getNextJobToRun = async (...args) => {
    const job = await lockNext(...args);
    if (job && ++locks === 2) await client.close();
    return job;
  };
  await Promise.all([processor.jobQueueFilling('release-limited'), processor.jobQueueFilling('release-limited')]);
} else {
  throw new Error(`unknown scenario ${scenario}`);
}

// Lets every release settle and every rejection reach the listener.
await new Promise((resolve) => setTimeout(resolve, 300));
console.log(JSON.stringify({ released: released.length, unhandled }));
await agenda.stop(false).catch(() => undefined);
process.exit(0);
