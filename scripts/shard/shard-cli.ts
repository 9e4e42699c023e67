import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { GAMES_SHARDING } from '../../games/src/data-access/games-sharding.js';
import { RGS_SHARDING } from '../../rgs/src/data-access/rgs-sharding.js';
import { formatKey, shardCollections, type ShardingLayout } from '../../shared/src/mongo/sharding.js';

export const SHARD_USAGE = `Usage:
  npm run shard -- --uri <router URI> [--rgs-db rgs] [--games-db games] [--service rgs|games]

Shards the collections of RGS and Games as docs/deployment.md#sharded-clusters documents, through a
router (mongos). Idempotent: a collection already sharded on its key is left alone; run it on an
empty deployment before the services first start, or on an existing one (stop RGS's table writers
while it runs: rgs.gametables moves its boId uniqueness to rgs.gametableboids first).

Options:
  --uri <uri>          the router, e.g. mongodb://mongos-1:27017,mongos-2:27017/ (a database in it is ignored)
  --rgs-db <name>      RGS's database (default rgs)
  --games-db <name>    Games's database (default games)
  --service <name>     only this service's database (rgs or games); default both
  -h, --help           show this help

Exit codes: 0 sharded (or already), 1 something failed (e.g. a collection sharded on another key), 2 usage error.`;

const LAYOUTS: Record<'rgs' | 'games', ShardingLayout> = { rgs: RGS_SHARDING, games: GAMES_SHARDING };

/** `npm run shard -- …`; resolves with the exit code, printing one line per collection. */
export async function shardCli(argv: string[], out: Pick<Console, 'log' | 'error'> = console): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        uri: { type: 'string' },
        'rgs-db': { type: 'string', default: 'rgs' },
        'games-db': { type: 'string', default: 'games' },
        service: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    out.error(`${(err as Error).message}\n\n${SHARD_USAGE}`);
    return 2;
  }
  if (values.help) {
    out.log(SHARD_USAGE);
    return 0;
  }
  if (!values.uri || (values.service !== undefined && values.service !== 'rgs' && values.service !== 'games')) {
    out.error(`${values.uri ? '--service must be rgs or games' : '--uri is required'}\n\n${SHARD_USAGE}`);
    return 2;
  }
  const services = values.service ? [values.service as 'rgs' | 'games'] : (['rgs', 'games'] as const);
  const client = new MongoClient(values.uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    for (const service of services) {
      const dbName = service === 'rgs' ? values['rgs-db'] : values['games-db'];
      const layout = LAYOUTS[service];
      const outcomes = await shardCollections(client.db(dbName), layout);
      for (const { collection, key, outcome } of outcomes) {
        const why = layout.sharded.find((c) => c.collection === collection)!.why;
        out.log(`${dbName}.${collection}: ${outcome} on ${formatKey(key)} (${why})`);
      }
    }
    return 0;
  } catch (err) {
    out.error((err as Error).message);
    return 1;
  } finally {
    await client.close();
  }
}
