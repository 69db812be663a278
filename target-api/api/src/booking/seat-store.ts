// SQL for the seats of a slot: taking one (atomically, or legacy's blind way), giving one back.
import type { Queryable } from '../storage/index.ts';

/**
 * The fix for quota-race: take one seat only if one is free, in one statement. Returns the seats left
 * after this one, or null when none was free.
 */
export async function takeSeatAtomically(db: Queryable, id: string): Promise<number | null> {
  const result = await db.query<{ left: number }>(
    'UPDATE slots SET taken = taken + 1 WHERE id = $1 AND taken < capacity RETURNING capacity - taken AS left',
    [id],
  );
  const row = result.rows[0];
  return row === undefined ? null : Number(row.left);
}

/** quota-race's legacy write: one more seat taken, whatever the capacity. */
export async function takeSeatBlindly(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE slots SET taken = taken + 1 WHERE id = $1', [id]);
}

export async function giveSeatBack(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE slots SET taken = taken - 1 WHERE id = $1', [id]);
}

export async function slotExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM slots WHERE id = $1', [id])).rows.length > 0;
}
