import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { renderSdl } from '../../shared/src/graphql/sdl.js';
import { CONTRACT_SCHEMAS } from '../../scripts/contract-schemas.js';

describe('the committed GraphQL SDL', () => {
  it.each(Object.keys(CONTRACT_SCHEMAS))('When the resolvers change, then graphql/%s must be re-emitted (npm run emit:schema)', async (file) => {
    const committed = readFileSync(resolve(process.cwd(), 'graphql', file), 'utf8');
    const fromCode = renderSdl(await CONTRACT_SCHEMAS[file]!());
    expect(committed).toEqual(fromCode);
  });
});
