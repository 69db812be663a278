// The steps of outage-2023 (docs/DOMAIN.md, the outage of early 2023): logging in, resetting a
// forgotten password and uploading a document while the stores behind them fail. Each tap is one
// request; whether its answer told the user anything is what the scenario measures.
import type { Target } from './env.ts';
import { json, type Response, request, retryAfterMs, sendFile } from './http.ts';
import { readMailbox, type SeedAnswer } from './journey.ts';

export interface Login {
  email: string;
  password: string;
  /** The account's one applicant, to upload for and book for. */
  applicantId: string;
  /** A session from before the outage (the seed logs every account in). */
  token: string;
}

const admin = (t: Target) => ({ token: t.adminToken });

/** Seeds `count` activated accounts and returns what their owners type to log in. */
export async function seedLogins(t: Target, count: number, password: string): Promise<Login[]> {
  const logins: Login[] = [];
  for (let done = 0; done < count; done += 250) {
    const res = await request(
      'admin',
      'seed',
      'POST',
      `${t.apiUrl}/admin/seed`,
      { accounts: Math.min(250, count - done), applicantsPerAccount: 1 },
      { ...admin(t), timeoutS: 60 },
    );
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`seeding failed: ${res.status} ${res.body}`);
    for (const account of json<SeedAnswer>(res)?.accounts ?? []) {
      const applicantId = account.applicants[0]?.applicantId;
      if (applicantId) logins.push({ email: account.email, password, applicantId, token: account.token });
    }
  }
  if (logins.length < count) throw new Error(`seeding returned ${logins.length} of ${count} accounts`);
  return logins;
}

export interface Tap {
  res: Response;
  /** The step is done: logged in, the reset code sent or used, the file stored. */
  done: boolean;
  /**
   * The answer tells the user what to do: done, a 4xx with its reason, or a 503/429 that says when to
   * come back (Retry-After). A bare 5xx or no answer at all (a timeout) tells them nothing.
   */
  clear: boolean;
}

function tapOf(res: Response, done: boolean): Tap {
  const saysWhen = (res.status === 503 || res.status === 429) && retryAfterMs(res, -1) >= 0;
  return { res, done, clear: done || (res.status >= 400 && res.status < 500) || saysWhen };
}

/** One tap on "Masuk" (log in), surface `identity`; done with a token. */
export async function logIn(t: Target, login: Login, timeoutS: number): Promise<Tap & { token?: string }> {
  const { email, password } = login;
  const res = await request(
    'identity',
    'login',
    'POST',
    `${t.apiUrl}/v1/auth/login`,
    { email, password },
    { timeoutS },
  );
  const token = res.status === 200 ? json<{ token?: string }>(res)?.token : undefined;
  return { ...tapOf(res, token !== undefined), ...(token ? { token } : {}) };
}

/** One tap on "Lupa kata sandi" (forgot password), surface `identity`; done when the code is sent. */
export async function askReset(t: Target, email: string, timeoutS: number): Promise<Tap> {
  const res = await request(
    'identity',
    'reset',
    'POST',
    `${t.apiUrl}/v1/auth/password-reset`,
    { email },
    { timeoutS },
  );
  return tapOf(res, res.status === 202);
}

/** One tap on "Simpan" with the code from the e-mail and a new password, surface `identity`. */
export async function confirmReset(
  t: Target,
  email: string,
  code: string,
  newPassword: string,
  timeoutS: number,
): Promise<Tap> {
  const res = await request(
    'identity',
    'reset-confirm',
    'POST',
    `${t.apiUrl}/v1/auth/password-reset/confirm`,
    { email, code, newPassword },
    { timeoutS },
  );
  return tapOf(res, res.status === 200);
}

/** The newest reset code in the simulated mailbox of `email` (the user reading their e-mail), or null. */
export async function resetCode(t: Target, email: string): Promise<string | null> {
  const res = await readMailbox(t, email);
  const messages = json<{ messages?: { subject?: string; code?: string }[] }>(res)?.messages ?? [];
  const resets = messages.filter((m) => m.subject?.startsWith('Reset') && typeof m.code === 'string');
  return resets[resets.length - 1]?.code ?? null;
}

/** A stand-in for a scanned document: a PDF header and `kb` KiB of filler, the size of a real scan. */
export function scannedDocument(kb: number): string {
  return `%PDF-1.7\n${'0'.repeat(Math.max(0, kb * 1024 - 9))}`;
}

/** One tap on "Unggah" (upload) for one document, surface `documents`; done when it is stored. */
export async function upload(
  t: Target,
  login: Login,
  kind: string,
  content: string,
  timeoutS: number,
): Promise<Tap> {
  const res = await sendFile(
    'documents',
    'upload',
    `${t.apiUrl}/v1/applicants/${login.applicantId}/documents/${kind}`,
    'application/pdf',
    content,
    { token: login.token, timeoutS },
  );
  return tapOf(res, res.status === 200 || res.status === 201);
}
