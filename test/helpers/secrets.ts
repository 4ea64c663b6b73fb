/** Fake credentials of every kind the redactor knows, deterministic, `n` of each. None is real. */
export function secretCorpus(n: number): Record<string, string[]> {
  const alnum = (i: number, len: number, salt = 0) =>
    Array.from(
      { length: len },
      (_, k) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[(i * 7 + k * 13 + salt * 31) % 62],
    ).join('');
  const upper = (i: number, len: number) =>
    Array.from({ length: len }, (_, k) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[(i * 5 + k * 11) % 32]).join('');
  const out: Record<string, string[]> = { bearer: [], sk: [], hf: [], ghp: [], jwt: [], aws: [], url: [], pem: [] };
  for (let i = 0; i < n; i++) {
    out.bearer!.push(`Bearer ${alnum(i, 22, 1)}7q`);
    out.sk!.push(`sk-${i % 2 ? 'proj-' : ''}${alnum(i, 32, 2)}`);
    out.hf!.push(`hf_${alnum(i, 34, 3)}`);
    out.ghp!.push(`ghp_${alnum(i, 36, 4)}`);
    out.jwt!.push(`eyJ${alnum(i, 18, 5)}.eyJ${alnum(i, 24, 6)}.${alnum(i, 30, 7)}`);
    out.aws!.push(`AKIA${upper(i, 16)}`);
    out.url!.push(`https://user${i}:Pw${alnum(i, 12, 8)}@models.example.test/ckpt`);
    out.pem!.push(`-----BEGIN PRIVATE KEY-----\nMIIE${alnum(i, 48, 9)}\n-----END PRIVATE KEY-----`);
  }
  return out;
}

/** The part of a secret that must never appear anywhere once redacted. */
export function secretCore(secret: string): string {
  return secret
    .replace(/^Bearer /, '')
    .replace(/^-----BEGIN PRIVATE KEY-----\n/, '')
    .replace(/^https:\/\/user\d+:/, '')
    .slice(0, 20);
}

export const ORDINARY_PROMPTS = [
  'a monkey with a golden key',
  'a secret garden at dawn',
  'a token of love carved in wood',
  'a keynote speaker on a dark stage',
  'roast turkey on a farmhouse table',
  'portrait of an author with a quill',
  'a bearer of good news in a market',
  'basic portrait, soft window light',
  'ratio 16:9 cinematic frame of a lighthouse',
  'the clock shows 10:30 in the station',
  'a skeleton key on velvet',
  'A Secret-Keeper in a grey cloak',
  'tokens, coins and keys on a wooden desk',
  'the password is "love", says the sign',
  'monkey business: a chimp in a suit',
  'Turkey (the country): Cappadocia balloons',
  'a passport photo, neutral background',
  'ghost town at noon',
  'author: unknown; style: baroque',
  'key light from the left, rim light right',
];
