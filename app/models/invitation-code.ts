/**
 * Invitation codes (邀请码): a short printable code per invitation, sent with the invitation
 * message and shown as a QR. Seven characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L): six encode a keyed permutation of the invitation id — a bijection, so
 * codes are unique without a table and do not look sequential — and the seventh is a
 * check character, so a mistyped code is recognised as invalid instead of naming another
 * guest. Input is forgiving: case, spaces and dashes are ignored. Browser-safe.
 */
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** The characters a code is written in (for suggesting the code a mistyped one meant). */
export const CODE_ALPHABET = ALPHABET;
const BASE = BigInt(ALPHABET.length); // 31
const DIGITS = 6;
const SPACE = BASE ** BigInt(DIGITS); // 887,503,681 invitation ids
// x → (A·x + B) mod SPACE is a bijection because gcd(A, 31) = 1.
const A = 578_392_651n;
const B = 104_729_977n;
const A_INV = modInverse(A, SPACE);

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

function checkChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (ALPHABET.indexOf(body[i]!) + 1) * (i + 2);
  return ALPHABET[sum % ALPHABET.length]!;
}

export function invitationCode(invitationId: number): string {
  if (!Number.isSafeInteger(invitationId) || invitationId < 1 || BigInt(invitationId) >= SPACE) throw new RangeError(`no code for id ${invitationId}`);
  let x = (A * BigInt(invitationId) + B) % SPACE;
  let body = "";
  for (let i = 0; i < DIGITS; i++) {
    body = ALPHABET[Number(x % BASE)]! + body;
    x /= BASE;
  }
  return body + checkChar(body);
}

/** Normalised code text, or null when the text cannot be a code. */
export function normaliseCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, "");
  if (s.length !== DIGITS + 1) return null;
  for (const ch of s) if (!ALPHABET.includes(ch)) return null;
  return s;
}

/** The invitation id a code names, or null for anything that is not a valid code. */
export function decodeInvitationCode(input: string): number | null {
  const s = normaliseCode(input);
  if (!s) return null;
  const body = s.slice(0, DIGITS);
  if (checkChar(body) !== s[DIGITS]) return null;
  let y = 0n;
  for (const ch of body) y = y * BASE + BigInt(ALPHABET.indexOf(ch));
  const x = (((y - B) % SPACE) + SPACE) % SPACE * A_INV % SPACE;
  const id = Number(x);
  return id >= 1 ? id : null;
}

/** "ABC-DEFG" for print. */
export function formatCode(code: string): string {
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}
