// The document store: an applicant's uploaded files, one of each kind. In the field it is a service of
// its own, and in the early-2023 outage uploads to it timed out; here it is a folder for the content
// (documents/folder.ts) and a table that names it, with the outage injected through the API's faults
// (admin/faults.ts, `documents`): a save plays the fault first.
import { createHash } from 'node:crypto';
import { sufferStoreFault } from '../admin/faults.ts';
import type { AppContext } from '../context.ts';
import type { DocumentKind, DocumentType } from './domain/documents.ts';

export interface StoredDocument {
  kind: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
}

interface Row {
  kind: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_at: Date | string;
}

const toDocument = (row: Row): StoredDocument => ({
  kind: row.kind,
  contentType: row.content_type,
  sizeBytes: row.size_bytes,
  sha256: row.sha256,
  uploadedAt: new Date(row.uploaded_at).toISOString(),
});

/** Stores (or replaces) the applicant's document of `kind`; `created` is false for a replacement. */
export async function saveDocument(
  ctx: AppContext,
  applicantId: string,
  kind: DocumentKind,
  contentType: DocumentType,
  content: Buffer,
): Promise<{ document: StoredDocument; created: boolean }> {
  await sufferStoreFault(ctx.faults, 'documents');
  const sha256 = createHash('sha256').update(content).digest('hex');
  await ctx.documents.write(sha256, content);
  const result = await ctx.db.query<Row & { created: boolean }>(
    `INSERT INTO documents (applicant_id, kind, content_type, size_bytes, sha256, uploaded_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (applicant_id, kind) DO UPDATE SET content_type = EXCLUDED.content_type,
       size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, uploaded_at = EXCLUDED.uploaded_at
     RETURNING kind, content_type, size_bytes, sha256, uploaded_at, (xmax = 0) AS created`,
    [applicantId, kind, contentType, content.length, sha256, new Date(ctx.clock.now())],
  );
  const row = result.rows[0];
  if (!row) throw new Error('the document upsert returned no row');
  return { document: toDocument(row), created: row.created };
}

/** The applicant's documents, without their content. */
export async function listDocuments(ctx: AppContext, applicantId: string): Promise<StoredDocument[]> {
  const result = await ctx.db.query<Row>(
    `SELECT kind, content_type, size_bytes, sha256, uploaded_at FROM documents
     WHERE applicant_id = $1 ORDER BY kind`,
    [applicantId],
  );
  return result.rows.map(toDocument);
}

/** One of the applicant's documents with its content, or null when none of that kind was uploaded. */
export async function readDocument(
  ctx: AppContext,
  applicantId: string,
  kind: DocumentKind,
): Promise<{ document: StoredDocument; content: Buffer } | null> {
  const row = (
    await ctx.db.query<Row>(
      `SELECT kind, content_type, size_bytes, sha256, uploaded_at FROM documents
       WHERE applicant_id = $1 AND kind = $2`,
      [applicantId, kind],
    )
  ).rows[0];
  if (!row) return null;
  return { document: toDocument(row), content: await ctx.documents.read(row.sha256) };
}
