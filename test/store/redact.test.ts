import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactString } from '../../src/store/redact.js';

/** Deterministic fake secrets of each kind (shapes only; none is real). */
function corpus(n: number) {
  const alnum = (i: number, len: number) => Array.from({ length: len }, (_, k) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[(i * 7 + k * 13) % 62]).join('');
  const out: Record<string, string[]> = { bearer: [], sk: [], hf: [], ghp: [], jwt: [], aws: [], url: [], pem: [] };
  for (let i = 0; i < n; i++) {
    out.bearer!.push(`Bearer ${alnum(i, 20)}9x`);
    out.sk!.push(`sk-${i % 2 ? 'proj-' : ''}${alnum(i, 32)}`);
    out.hf!.push(`hf_${alnum(i + 1, 34)}`);
    out.ghp!.push(`ghp_${alnum(i + 2, 36)}`);
    out.jwt!.push(`eyJ${alnum(i, 18)}.eyJ${alnum(i + 3, 24)}.${alnum(i + 5, 30)}`);
    out.aws!.push(`AKIA${alnum(i, 16).toUpperCase().replace(/[^A-Z0-9]/g, 'Q')}`);
    out.url!.push(`https://user${i}:p4ss${alnum(i, 10)}@example.test/path`);
    out.pem!.push(`-----BEGIN RSA PRIVATE KEY-----\nMIIE${alnum(i, 40)}\n${alnum(i + 9, 40)}\n-----END RSA PRIVATE KEY-----`);
  }
  return out;
}

const ORDINARY = [
  'a monkey with a golden key', 'a secret garden at dawn', 'a token of love carved in wood', 'a keynote speaker on stage',
  'roast turkey on a table', 'portrait of an author with a quill', 'Token appreciation gift', 'a bearer of good news',
  'the password is love, says the poster', 'basic portrait, soft light', 'a key: the answer to everything', 'a keyboard and a mouse',
  'ratio 16:9 cinematic frame', 'time 10:30 on the clock', 'https://example.com/reference-style', 'skin texture, sk-level detail',
  'hf_style typography', 'the monkey holds a skeleton key', 'A Secret-Keeper in a cloak', 'tokens, coins and keys on velvet',
];

describe('redaction', () => {
  const secrets = corpus(30);
  it.each(Object.keys(secrets))('removes every %s secret placed in prompts, nested inputs and error texts', (kind) => {
    for (const secret of secrets[kind]!) {
      const prompt = `a portrait, ${secret}, studio light`;
      const out = redact({ prompt, nested: { list: [secret, { deeper: `x ${secret} y` }] }, upstream_error: `ComfyUI said: ${secret}` });
      const text = JSON.stringify(out);
      // The secret's distinctive body is gone.
      const body = secret.replace(/^(Bearer |-----BEGIN RSA PRIVATE KEY-----\n)/, '').slice(0, 24);
      expect(text, secret).not.toContain(body);
      expect(text).toContain(REDACTED);
    }
  });

  it('removes values under credential-named keys whatever they hold', () => {
    const out = redact({ api_key: 'abc', token: 'short', password: 'hunter2', authorization: 'Basic x', headers: { cookie: 'a=b', 'x-api-key': 'k' }, openai_api_key: 'z', preset_id: 'photoreal_portrait_v1', key_light: 'warm' });
    expect(out).toEqual({ api_key: REDACTED, token: REDACTED, password: REDACTED, authorization: REDACTED, headers: { cookie: REDACTED, 'x-api-key': REDACTED }, openai_api_key: REDACTED, preset_id: 'photoreal_portrait_v1', key_light: 'warm' });
  });

  it('leaves 500 ordinary prompts byte-identical', () => {
    const subjects = ['monkey', 'turkey', 'keynote', 'secret garden', 'token of love', 'author', 'keyholder', 'passport photo', 'skier', 'ghost'];
    let count = 0;
    for (let i = 0; i < 500; i++) {
      const base = ORDINARY[i % ORDINARY.length]!;
      const prompt = `${base} with a ${subjects[i % subjects.length]}, #${i}`;
      expect(redactString(prompt)).toBe(prompt);
      expect(redact({ prompt }).prompt).toBe(prompt);
      count++;
    }
    expect(count).toBe(500);
  });

  it('does not walk class instances (sockets, requests)', () => {
    class Big { self = this; }
    const b = new Big();
    expect(redact({ b }).b).toBe(b);
  });
});
