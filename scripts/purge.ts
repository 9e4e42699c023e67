import { purgeCli } from './purge/cli.js';

/** `npm run purge -- …`: phase 2 for verified operations (see scripts/purge/args.ts for the usage). */
purgeCli(process.argv.slice(2), process.env, process).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
