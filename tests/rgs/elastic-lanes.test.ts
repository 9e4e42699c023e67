import { describe, expect, it } from '@jest/globals';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ElasticLanes } from '../../rgs/src/domain/elastic-lanes.js';

/** A queue of work items and a lane that takes them one by one, holding each until released. */
function workQueue() {
  const items: string[] = [];
  const done: string[] = [];
  const held: Array<() => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const lane = (lanes: () => ElasticLanes) => async () => {
    for (let item = items.shift(); item !== undefined; item = items.shift()) {
      lanes().add();
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((release) => held.push(release));
      inFlight -= 1;
      done.push(item);
    }
  };
  const releaseAll = async () => {
    while (held.length > 0 || items.length > 0) {
      held.splice(0).forEach((release) => release());
      await nextTurn();
    }
  };
  return { items, done, held, lane, releaseAll, maxInFlight: () => maxInFlight };
}

describe('elastic lanes (the outbox round\'s parallel sends)', () => {
  it('When a backlog is waiting, then lanes are added up to the maximum and never beyond', async () => {
    // Arrange
    const work = workQueue();
    work.items.push(...'abcdefgh');
    const lanes: ElasticLanes = new ElasticLanes(3, work.lane(() => lanes));

    // Act
    lanes.add();
    await nextTurn();
    const heldAtOnce = work.held.length;
    await work.releaseAll();
    await lanes.finished();

    // Assert
    expect(heldAtOnce).toBe(3);
    expect(work.maxInFlight()).toBe(3);
    expect(work.done.sort()).toEqual([...'abcdefgh']);
  });

  it('When work arrives while every lane is busy, then a lane looks again before ending, so nothing is left behind', async () => {
    // Arrange: one lane at most, busy with the only item
    const work = workQueue();
    work.items.push('a');
    const lanes: ElasticLanes = new ElasticLanes(1, work.lane(() => lanes));
    lanes.add();
    await nextTurn();

    // Act: news of a new item while the lane is busy (it cannot start a second lane)
    work.items.push('b');
    expect(lanes.add()).toBe(true);
    await work.releaseAll();
    await lanes.finished();

    // Assert
    expect(work.done).toEqual(['a', 'b']);
  });

  it('When every lane has ended, then adding one is refused, so the caller wakes a new round instead', async () => {
    const lanes = new ElasticLanes(2, async () => {});
    lanes.add();
    await lanes.finished();

    expect(lanes.add()).toBe(false);
  });

  it('When a lane fails, then finished() rejects with its error once the other lanes have ended', async () => {
    // Arrange
    let othersEnded = false;
    let started = 0;
    const lanes: ElasticLanes = new ElasticLanes(2, async () => {
      started += 1;
      if (started === 1) {
        lanes.add();
        throw new Error('lock lost');
      }
      await nextTurn();
      othersEnded = true;
    });

    // Act
    lanes.add();
    const outcome = lanes.finished().then(() => 'resolved', (err: Error) => err.message);

    // Assert
    expect(await outcome).toBe('lock lost');
    expect(othersEnded).toBe(true);
  });
  it('When a lane added while the others run fails at once, then finished() rejects with its error and no rejection goes unhandled', async () => {
    // Arrange: a first lane held open, so finished() waits for it; Node reports unhandled rejections here
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    let releaseFirst = () => {};
    let calls = 0;
    const lanes = new ElasticLanes(3, async () => {
      calls += 1;
      if (calls === 1) await new Promise<void>((release) => (releaseFirst = release));
      else throw new Error('MongoDB unreachable');
    });
    lanes.add();
    const finished = lanes.finished();
    finished.catch(() => {});

    // Act: a second lane fails while finished() still waits for the first
    lanes.add();
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseFirst();

    // Assert
    await expect(finished).rejects.toThrow('MongoDB unreachable');
    process.off('unhandledRejection', record);
    expect(unhandled).toEqual([]);
  });
});
