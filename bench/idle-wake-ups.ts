import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectId, type Db } from 'mongodb';
import { median } from './median.js';
import { postGraphql } from './service-process.js';

/** Requests the probe sends, one after another. */
const PROBES = 15;
const POLL_MS = 5;
const MUTATION = 'mutation($ids: [ID!]!) { cleanupGameTables(ids: $ids, actionType: ARCHIVE, archivedAt: "2026-11-25T11:11:11Z", async: true) { id } }';

/**
 * The wake-up alone: request → worker of async requests sent one at a time to idle services, each
 * after the previous operation ended, so no operation waits for a slot. In a whole run the
 * request → worker time also holds the wait behind busy slots, which on a saturated machine is the
 * worker's throughput, not its wake-up. Each request names a table that does not exist, so the
 * probe leaves every table as the run left it. Median, in ms.
 */
export async function idleRequestToWorkerP50(gamesUrl: string, games: Db, deadline: number): Promise<number> {
  const waits: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const res = await postGraphql(gamesUrl, MUTATION, { ids: [new ObjectId().toHexString()] });
    const body = (await res.json()) as { data?: { cleanupGameTables: { id: string } } };
    if (!body.data) throw new Error(`probe request failed: ${JSON.stringify(body)}`);
    const operationId = new ObjectId(body.data.cleanupGameTables.id);
    for (;;) {
      if (Date.now() > deadline) throw new Error('bench time limit reached');
      const op = await games.collection('asyncoperations').findOne({ _id: operationId }, { projection: { createdAt: 1, startedAt: 1, finishedAt: 1 } });
      if (op?.finishedAt) {
        waits.push(op.startedAt.getTime() - op.createdAt.getTime());
        break;
      }
      await sleep(POLL_MS);
    }
  }
  return median(waits);
}
