// Documents: an applicant's scans (e-KTP, KK, proof of birth, old passport), uploaded as the raw file
// with its Content-Type, one of each kind. How an upload waits on the document store, and what the user
// is told when it fails, is upload-fragile's defect and fix.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { accountOf, requireAccount } from '../auth.ts';
import type { AppContext, PluginOptions } from '../context.ts';
import { problems } from '../problem.ts';
import { Bearer, Uuid } from '../schemas.ts';
import {
  checkDocument,
  DOCUMENT_KINDS,
  DOCUMENT_TYPES,
  type DocumentKind,
  isDocumentType,
} from './domain/documents.ts';
import { listDocuments, readDocument, saveDocument } from './store.ts';

const Kind = Type.Union(DOCUMENT_KINDS.map((k) => Type.Literal(k)));

const Document = Type.Object({
  kind: Type.String(),
  contentType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String({ description: 'hex SHA-256 of the content: a client that timed out compares it' }),
  uploadedAt: Type.String({ format: 'date-time' }),
});

async function requireOwnApplicant(ctx: AppContext, accountId: string, applicantId: string): Promise<void> {
  const found = await ctx.db.query('SELECT 1 FROM applicants WHERE id = $1 AND account_id = $2', [
    applicantId,
    accountId,
  ]);
  // Someone else's applicant is "not found", not "forbidden": the answer does not say it exists.
  if (found.rows.length === 0) throw problems.notFound(`applicant ${applicantId}`);
}

export const documentsPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAccount(ctx));
  // The file is the body, as is: no multipart framing for a single file. Fastify answers 413 past the
  // route's bodyLimit, and 415 for a type no parser takes, before the handler runs.
  app.addContentTypeParser([...DOCUMENT_TYPES], { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.put(
    '/v1/applicants/:applicantId/documents/:kind',
    {
      bodyLimit: ctx.config.documentMaxBytes,
      schema: {
        tags: ['documents'],
        security: Bearer,
        summary: `Upload (or replace) one of an applicant's documents: the raw file as ${DOCUMENT_TYPES.join(', ')}`,
        params: Type.Object({
          applicantId: Uuid,
          kind: Type.Union(DOCUMENT_KINDS.map((k) => Type.Literal(k))),
        }),
        response: { 200: Document, 201: Document },
      },
    },
    async (request, reply) => {
      const { applicantId, kind } = request.params;
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase();
      const content = request.body;
      // JSON and text bodies have parsers of their own at the app's level: refused here, as any other type.
      if (!type || !isDocumentType(type) || !Buffer.isBuffer(content)) {
        throw problems.unsupportedMediaType(
          `send the file itself as the body, with Content-Type ${DOCUMENT_TYPES.join(', ')}`,
        );
      }
      const refusal = checkDocument(type, content);
      if (refusal) throw problems.unprocessable('invalid-document', 'Invalid document', refusal);
      await requireOwnApplicant(ctx, accountOf(request), applicantId);
      const saved = await ctx.variants.uploadFragile.call(ctx, () =>
        saveDocument(ctx, applicantId, kind as DocumentKind, type, content),
      );
      return reply.code(saved.created ? 201 : 200).send(saved.document);
    },
  );

  app.get(
    '/v1/applicants/:applicantId/documents',
    {
      schema: {
        tags: ['documents'],
        security: Bearer,
        summary: "List an applicant's documents (without their content)",
        params: Type.Object({ applicantId: Uuid }),
        response: { 200: Type.Array(Document) },
      },
    },
    async (request) => {
      const { applicantId } = request.params;
      await requireOwnApplicant(ctx, accountOf(request), applicantId);
      return listDocuments(ctx, applicantId);
    },
  );

  app.get(
    '/v1/applicants/:applicantId/documents/:kind',
    {
      schema: {
        tags: ['documents'],
        security: Bearer,
        summary: "One of an applicant's documents: the file as uploaded, with its Content-Type",
        params: Type.Object({ applicantId: Uuid, kind: Kind }),
      },
    },
    async (request, reply) => {
      const { applicantId, kind } = request.params;
      await requireOwnApplicant(ctx, accountOf(request), applicantId);
      const found = await readDocument(ctx, applicantId, kind as DocumentKind);
      if (!found) throw problems.notFound(`the ${kind} of applicant ${applicantId}`);
      return reply
        .header('content-type', found.document.contentType)
        .header('etag', `"${found.document.sha256}"`)
        .send(found.content);
    },
  );
};
