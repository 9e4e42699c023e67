import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { demoLoggers } from '../../scripts/demo/demo-loggers.js';

/** The raw JSON lines a logger writes, as a log shipper reads them. */
function rawLines(): { destination: Writable; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { destination, lines };
}

describe("the demo's JSON logs", () => {
  it('When the demo and the services it runs log, then every line carries exactly one service key, naming its service', () => {
    // Arrange
    const { destination, lines } = rawLines();
    const loggers = demoLoggers({ level: 'info', destination });

    // Act
    loggers.demo.info('demo line');
    loggers.games.info('games line');
    loggers.rgs.child({ runId: 'r1' }).info('rgs line');

    // Assert
    expect(lines.map((line) => line.match(/"service":/g)?.length)).toEqual([1, 1, 1]);
    expect(lines.map((line) => (JSON.parse(line) as { service: string }).service)).toEqual(['demo', 'games', 'rgs']);
  });
});
