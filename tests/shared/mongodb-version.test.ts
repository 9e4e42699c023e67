import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { MIN_MONGODB_MAJOR, requireSupportedServer } from '../../shared/src/mongo/connect.js';

describe('the MongoDB version the services require', () => {
  it('When the server is older than 8.0, then startup stops with the version required and the one found', () => {
    expect(() => requireSupportedServer('7.0.14')).toThrow('MongoDB 8.0 or newer is required; this server is 7.0.14');
    expect(() => requireSupportedServer('unknown')).toThrow(/8\.0 or newer/);
  });

  it('When the server is 8.0 or newer, then startup goes on', () => {
    for (const version of ['8.0.0', '8.2.6', '10.0.1']) expect(() => requireSupportedServer(version)).not.toThrow();
  });

  it('When docker-compose.yml is read, then its MongoDB image is one the services run on', () => {
    const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: { mongo: { image: string } } };
    const tag = compose.services.mongo.image.split(':')[1]!;
    expect(Number.parseInt(tag, 10)).toBeGreaterThanOrEqual(MIN_MONGODB_MAJOR);
  });
});
