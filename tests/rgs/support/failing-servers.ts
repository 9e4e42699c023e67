import type { Schema } from 'mongoose';
import type { SchemaPlugin } from '../../../rgs/src/data-access/game-table.model.js';

/**
 * A GameTable plugin that makes every delete and archive of the servers in `serverIds` fail, as a
 * broken record or callback would. Tests add ids after the app started.
 */
export function failingServersPlugin(serverIds: Set<string>): SchemaPlugin {
  return (schema: Schema) => {
    schema.pre(['deleteMany', 'updateMany'], function () {
      const serverId = (this.getFilter() as { serverId?: unknown }).serverId;
      if (serverId != null && serverIds.has(String(serverId))) throw new Error('simulated failure while cleaning this server');
    });
  };
}
