// SQL for applicants that more than the applicants routes need.
import type { Queryable } from '../storage/index.ts';

export async function countApplicants(db: Queryable, accountId: string): Promise<number> {
  const result = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM applicants WHERE account_id = $1',
    [accountId],
  );
  return result.rows[0]?.n ?? 0;
}
