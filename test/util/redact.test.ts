import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactClipped, redactString } from '../../src/util/redact.js';
import { ordinaryPrompts } from '../helpers/ordinary-prompts.js';

/** Deterministic fake secrets of each kind (shapes only; none is real). */
function corpus(n: number) {
  const alnum = (i: number, len: number) =>
    Array.from(
      { length: len },
      (_, k) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[(i * 7 + k * 13) % 62],
    ).join('');
  const out: Record<string, string[]> = { bearer: [], sk: [], hf: [], ghp: [], jwt: [], aws: [], url: [], pem: [] };
  for (let i = 0; i < n; i++) {
    out.bearer!.push(`Bearer ${alnum(i, 20)}9x`);
    out.sk!.push(`sk-${i % 2 ? 'proj-' : ''}${alnum(i, 32)}`);
    out.hf!.push(`hf_${alnum(i + 1, 34)}`);
    out.ghp!.push(`ghp_${alnum(i + 2, 36)}`);
    out.jwt!.push(`eyJ${alnum(i, 18)}.eyJ${alnum(i + 3, 24)}.${alnum(i + 5, 30)}`);
    out.aws!.push(
      `AKIA${alnum(i, 16)
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, 'Q')}`,
    );
    out.url!.push(`https://user${i}:p4ss${alnum(i, 10)}@example.test/path`);
    out.pem!.push(
      `-----BEGIN RSA PRIVATE KEY-----\nMIIE${alnum(i, 40)}\n${alnum(i + 9, 40)}\n-----END RSA PRIVATE KEY-----`,
    );
  }
  return out;
}

const ORDINARY = [
  'a monkey with a golden key',
  'a secret garden at dawn',
  'a token of love carved in wood',
  'a keynote speaker on stage',
  'roast turkey on a table',
  'portrait of an author with a quill',
  'Token appreciation gift',
  'a bearer of good news',
  'the password is love, says the poster',
  'basic portrait, soft light',
  'a key: the answer to everything',
  'a keyboard and a mouse',
  'ratio 16:9 cinematic frame',
  'time 10:30 on the clock',
  'https://example.com/reference-style',
  'skin texture, sk-level detail',
  'hf_style typography',
  'the monkey holds a skeleton key',
  'A Secret-Keeper in a cloak',
  'tokens, coins and keys on velvet',
];

describe('redaction', () => {
  const secrets = corpus(30);
  it.each(Object.keys(secrets))('removes every %s secret placed in prompts, nested inputs and error texts', (kind) => {
    for (const secret of secrets[kind]!) {
      const prompt = `a portrait, ${secret}, studio light`;
      const out = redact({
        prompt,
        nested: { list: [secret, { deeper: `x ${secret} y` }] },
        upstream_error: `ComfyUI said: ${secret}`,
      });
      const text = JSON.stringify(out);
      // The secret's distinctive body is gone.
      const body = secret.replace(/^(Bearer |-----BEGIN RSA PRIVATE KEY-----\n)/, '').slice(0, 24);
      expect(text, secret).not.toContain(body);
      expect(text).toContain(REDACTED);
    }
  });

  it('removes values under credential-named keys whatever they hold', () => {
    const out = redact({
      api_key: 'abc',
      token: 'short',
      password: 'hunter2',
      authorization: 'Basic x',
      headers: { cookie: 'a=b', 'x-api-key': 'k' },
      openai_api_key: 'z',
      preset_id: 'photoreal_portrait_v1',
      key_light: 'warm',
    });
    expect(out).toEqual({
      api_key: REDACTED,
      token: REDACTED,
      password: REDACTED,
      authorization: REDACTED,
      headers: { cookie: REDACTED, 'x-api-key': REDACTED },
      openai_api_key: REDACTED,
      preset_id: 'photoreal_portrait_v1',
      key_light: 'warm',
    });
  });

  it('leaves 500 ordinary prompts byte-identical', () => {
    const subjects = [
      'monkey',
      'turkey',
      'keynote',
      'secret garden',
      'token of love',
      'author',
      'keyholder',
      'passport photo',
      'skier',
      'ghost',
    ];
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

  it('stores 1,000+ ordinary prompts byte-identical (portrait, product, fashion and film vocabulary)', () => {
    const prompts = ordinaryPrompts();
    expect(prompts.length).toBeGreaterThanOrEqual(1000);
    const altered = prompts.filter((p) => {
      const out = redact({ inputs: { prompt: p, negative_prompt: p } }).inputs;
      return out.prompt !== p || out.negative_prompt !== p;
    });
    expect(altered).toEqual([]);
  });

  it('in a prompt, a keyword followed by a word is left alone; credential shapes are still removed', () => {
    expect(redact({ prompt: 'a lighthouse, password: hunter2xyz' }).prompt).toBe('a lighthouse, password: hunter2xyz');
    expect(redact({ prompt: 'a lighthouse, sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234' }).prompt).toBe(
      `a lighthouse, ${REDACTED}`,
    );
    expect(redact({ prompt: 'see Basic dXNlcjpodW50ZXIy please' }).prompt).toBe(`see Basic ${REDACTED} please`);
    // Machine text (logs, upstream errors) still loses key=value credentials.
    expect(redactString('connect failed: password=hunter2xyz')).toBe(`connect failed: password=${REDACTED}`);
  });

  it('does not walk class instances (sockets, requests)', () => {
    class Big {
      self = this;
    }
    const b = new Big();
    expect(redact({ b }).b).toBe(b);
  });

  // Fragments that each rule starts on or fails late on; repeated to a megabyte, each would make a
  // backtracking or rescanning pattern quadratic (the URL rule took 3.6 s on 128 KB before).
  const ADVERSARIAL = [
    'a.',
    'a-',
    'x://',
    'a://a:',
    'http://a:a',
    '://a:b',
    'sk-',
    'eyJ-',
    'eyJaaaaa.',
    'eyJaaaaa.eyJaaaaa.',
    'hf_',
    'ghp_',
    'xoxb-',
    'AIza',
    'AKIA',
    'Bearer ',
    'Token a',
    'password ',
    'password=',
    'api_key:"',
    '-----BEGIN PRIVATE KEY-----',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIE',
    '----',
    'a:',
    '=',
    ' ',
  ];
  const MB = 1 << 20;
  const fastest = (text: string) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      redactString(text);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };

  it.each(ADVERSARIAL)('redacts a megabyte of %j repeated in linear time (well under 100 ms)', (fragment) => {
    const text = fragment.repeat(Math.ceil(MB / fragment.length)).slice(0, MB);
    expect(fastest(text), fragment).toBeLessThan(100);
  });

  it('redacts a megabyte of mixed adversarial fragments in linear time', () => {
    const seed = 20261201;
    console.log(`[seed] redaction mix seed ${seed}`);
    let state = seed;
    const next = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state;
    };
    const parts: string[] = [];
    let size = 0;
    while (size < MB) {
      const piece = ADVERSARIAL[next() % ADVERSARIAL.length]!.repeat(1 + (next() % 50));
      parts.push(piece);
      size += piece.length;
    }
    expect(fastest(parts.join('').slice(0, MB))).toBeLessThan(100);
  });

  it('a clipped text is cut before it is scanned, and a credential across the cut does not leak', () => {
    const secret = `sk-${'A1b2C3d4'.repeat(4)}`;
    const text = `${'x'.repeat(490)} ${secret} ${'y'.repeat(5 * MB)}`;
    const out = redactClipped(text, 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out).not.toContain('A1b2C3d4');
    const pem = `error: -----BEGIN PRIVATE KEY-----\nMIIE${'Q'.repeat(2000)}`;
    expect(redactClipped(pem, 300)).not.toContain('MIIE');
  });
});
