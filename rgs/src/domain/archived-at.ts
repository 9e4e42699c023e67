/** The wall-clock time every run stamps on what it archives. */
const STAMP = { hour: 11, minute: 11, second: 11 } as const;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
}

/** How far `timeZone` is ahead of UTC at `instant`, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const local = wallClock(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * Today at 11:11:11 in `timeZone`, as an instant: the one `archivedAt` of a whole run. Both RGS and
 * Games store this exact value, so a table archived on either side can be matched by it (and a
 * restore can find everything one run archived).
 */
export function archivedAtFor(now: Date, timeZone: string): Date {
  const today = wallClock(now, timeZone);
  const wanted = Date.UTC(today.year, today.month - 1, today.day, STAMP.hour, STAMP.minute, STAMP.second);
  // The offset at 11:11 may differ from the offset now (a DST change in between): correct once.
  const first = wanted - offsetMs(new Date(wanted), timeZone);
  return new Date(wanted - offsetMs(new Date(first), timeZone));
}
