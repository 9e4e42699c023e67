import { shardCli } from './shard/shard-cli.js';

/** `npm run shard -- …`: shards both services' databases as documented (see scripts/shard/shard-cli.ts for the usage). */
shardCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
