import { describe, expect, it } from '@jest/globals';
import { archivedAtFor } from '../../rgs/src/domain/archived-at.js';

describe('archivedAt of a run: today at 11:11:11 in the configured zone', () => {
  it('When the zone is UTC, then it is 11:11:11Z of the current UTC day', () => {
    // Arrange
    const now = new Date('2026-11-25T23:59:00Z');

    // Act
    const archivedAt = archivedAtFor(now, 'UTC');

    // Assert
    expect(archivedAt.toISOString()).toBe('2026-11-25T11:11:11.000Z');
  });

  it('When the zone is ahead of UTC and already on the next day, then it uses that zone\'s day', () => {
    // Arrange: 23:30Z on the 25th is 12:30 on the 26th in Auckland (UTC+13 in summer)
    const now = new Date('2026-11-25T23:30:00Z');

    // Act
    const archivedAt = archivedAtFor(now, 'Pacific/Auckland');

    // Assert: 11:11:11 on the 26th in Auckland is 22:11:11Z on the 25th
    expect(archivedAt.toISOString()).toBe('2026-11-25T22:11:11.000Z');
  });

  it('When the zone is behind UTC and still on the previous day, then it uses that zone\'s day', () => {
    // Arrange: 03:00Z on the 25th is 22:00 on the 24th in New York (UTC-5 in winter)
    const now = new Date('2026-11-25T03:00:00Z');

    // Act
    const archivedAt = archivedAtFor(now, 'America/New_York');

    // Assert
    expect(archivedAt.toISOString()).toBe('2026-11-24T16:11:11.000Z');
  });

  it.each([
    ['Europe/Malta', '2026-07-01T00:30:00Z', '2026-07-01T09:11:11.000Z'],
    ['Europe/Malta', '2026-01-15T12:00:00Z', '2026-01-15T10:11:11.000Z'],
    ['Europe/Malta', '2026-03-29T00:30:00Z', '2026-03-29T09:11:11.000Z'],
    ['America/New_York', '2026-11-01T02:00:00Z', '2026-10-31T15:11:11.000Z'],
    ['America/New_York', '2026-11-01T12:00:00Z', '2026-11-01T16:11:11.000Z'],
  ])('When the zone is %s at %s (summer, winter and DST change days), then it is %s', (zone, now, expected) => {
    // Act
    const archivedAt = archivedAtFor(new Date(now), zone);

    // Assert
    expect(archivedAt.toISOString()).toBe(expected);
  });

  it('When computed twice on the same day, then both runs of that day share one instant', () => {
    // Act
    const morning = archivedAtFor(new Date('2026-11-25T06:00:00Z'), 'Europe/Malta');
    const evening = archivedAtFor(new Date('2026-11-25T21:00:00Z'), 'Europe/Malta');

    // Assert
    expect(morning.getTime()).toBe(evening.getTime());
  });
});
