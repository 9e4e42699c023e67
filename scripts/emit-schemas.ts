import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderSdl } from '../shared/src/graphql/sdl.js';
import { CONTRACT_SCHEMAS } from './contract-schemas.js';

/** `npm run emit:schema`: writes the SDL of both APIs into graphql/. */
for (const [file, build] of Object.entries(CONTRACT_SCHEMAS)) {
  const path = resolve(process.cwd(), 'graphql', file);
  writeFileSync(path, renderSdl(await build()));
  console.log(`wrote ${path}`);
}
