import type { GameTableModel } from '../../games/src/data-access/game-table.model.js';

/** Creates `count` active game tables through the model (so their create versions exist). */
export async function createGameTables(
  GameTable: GameTableModel,
  count: number,
  overrides: { currency?: string; active?: boolean; archivedAt?: Date | null } = {},
): Promise<string[]> {
  const docs = Array.from({ length: count }, (_, i) => ({
    name: `Table ${i + 1}`,
    currency: overrides.currency ?? 'EUR',
    active: overrides.active ?? true,
    archivedAt: overrides.archivedAt ?? null,
  }));
  const created = await GameTable.create(docs);
  return created.map((doc) => String(doc._id));
}
