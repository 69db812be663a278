// What an applicant uploads (docs/DOMAIN.md, the application): the kinds of document, the file types
// the office accepts, and whether a file's bytes are what its Content-Type claims. Pure.

/** The documents an application asks for: e-KTP, KK, one proof of birth, the old passport to replace. */
export const DOCUMENT_KINDS = [
  'e-ktp',
  'kartu-keluarga',
  'akta-kelahiran',
  'ijazah',
  'buku-nikah',
  'paspor-lama',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A scan or photo of a document, as the app sends it. */
export const DOCUMENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Each type's first bytes (its signature), which every well-formed file of the type starts with. */
const SIGNATURES: Record<DocumentType, readonly number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
};

export function isDocumentType(value: string): value is DocumentType {
  return (DOCUMENT_TYPES as readonly string[]).includes(value);
}

/** Why a file is refused, or undefined when it is what it says it is. */
export function checkDocument(type: DocumentType, bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'the file is empty';
  const signature = SIGNATURES[type];
  if (bytes.length < signature.length || signature.some((byte, i) => bytes[i] !== byte)) {
    return `the file does not start as a ${type} file does; send it with the Content-Type of what it is`;
  }
  return undefined;
}
