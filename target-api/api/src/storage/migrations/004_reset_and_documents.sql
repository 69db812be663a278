-- Password reset (accounts/identity.ts): the live reset code of an account, when it stops working, and
-- the wrong codes tried against it (the code is burnt after a few, so six digits cannot be guessed).
ALTER TABLE accounts ADD COLUMN reset_code text;
ALTER TABLE accounts ADD COLUMN reset_expires_at timestamptz;
ALTER TABLE accounts ADD COLUMN reset_attempts integer NOT NULL DEFAULT 0;

-- An applicant's documents (documents/store.ts): one file of each kind, replaced by a new upload of the
-- same kind. The content is in the document folder under its SHA-256 (documents/folder.ts); the digest
-- also lets a client that timed out ask whether its upload landed before sending it again.
CREATE TABLE documents (
  applicant_id text NOT NULL REFERENCES applicants (id),
  kind text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  uploaded_at timestamptz NOT NULL,
  PRIMARY KEY (applicant_id, kind)
);
