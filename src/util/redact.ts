/**
 * The one redaction choke point: pino's serializers, the job store and the job logger all call it.
 *
 * Two rules, both conservative so ordinary prompts survive byte-identical ("a monkey with a golden
 * key", "a secret garden", "a token of love"):
 *  - by key: values under keys that name a credential are replaced whatever they hold;
 *  - by value: substrings shaped like real credentials (bearer tokens, sk-/hf_/ghp_ keys, JWTs, AWS
 *    keys, PEM private keys, user:password@ in URLs, key=value assignments) are replaced in any string.
 * English words alone never trigger a value rule: each pattern needs the credential's shape.
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEY =
  /^(?:api[-_]?key|apikey|x[-_]api[-_]key|token|access[-_]?token|refresh[-_]?token|id[-_]?token|auth[-_]?token|bearer|password|passwd|pwd|passphrase|secret|client[-_]?secret|secret[-_]?key|private[-_]?key|authorization|proxy[-_]authorization|cookie|set[-_]cookie|credentials?|session[-_]?(?:id|token)|aws[-_]secret[-_]access[-_]key|auth_token_comfy_org|api_key_comfy_org)$/i;
const SECRET_KEY_SUFFIX = /[-_](?:token|secret|password|passwd|api[-_]?key|credentials?)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_KEY_SUFFIX.test(key);
}

interface ValueRule {
  pattern: RegExp;
  replace: string | ((...m: string[]) => string);
  /**
   * A rule that can also match ordinary words ("password: …" in a sentence) is for machine text
   * only (logs, upstream errors); what a user wrote (prompts) gets only the rules whose shapes no
   * English sentence has.
   */
  machineTextOnly?: true;
}

/** A credential after "Basic" is base64 of "user:password": printable text with a colon once decoded. */
function isBasicCredential(cred: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cred) || cred.length % 4 !== 0) return false;
  const decoded = Buffer.from(cred, 'base64').toString('latin1');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
}

/** A bearer token looks machine-made: 20+ characters mixing letters and digits ("24-carat" or "2nd-in-line" do not). */
function isBearerToken(cred: string): boolean {
  return cred.length >= 20 && /[0-9]/.test(cred) && /[A-Za-z]/.test(cred);
}

/*
 * Every rule is linear in the length of its input, whatever the input: hostile upstream texts (a
 * 300 KB exception_message, say) pass through here. Two habits make it so:
 *  - a token starts only where its character class starts (a lookbehind for "no class character
 *    before"), so each run of token characters is scanned by one attempt, not by one per position;
 *  - a repetition followed by something that may fail to match is bounded, or stops at a character
 *    that the next part needs, so a failed attempt cannot scan (or backtrack through) the rest.
 * test/store/redact.test.ts feeds each rule adversarial megabytes and checks the time.
 */
const VALUE_RULES: ValueRule[] = [
  // PEM private key blocks (any algorithm); a block cut off before its END line is redacted to the end.
  {
    pattern:
      /-----BEGIN (?:[A-Z0-9]{1,32} ){0,4}PRIVATE KEY-----[^-]*(?:-(?!----)[^-]*)*(?:-----END (?:[A-Z0-9]{1,32} ){0,4}PRIVATE KEY-----|$)/g,
    replace: REDACTED,
  },
  // Credentials inside URLs: scheme://user:pass@host → scheme://[REDACTED]@host
  {
    pattern: /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s:@/?#]{1,256}:[^\s@/?#]{1,256}@/gi,
    replace: `$1${REDACTED}@`,
  },
  // Authorization header values. What follows "Bearer", "Token" or "Basic" in prose is a word
  // ("a basic black-and-white portrait", "a ring bearer 2nd-in-line"), so the value must have a
  // credential's shape: a machine-made token, or base64 of user:password.
  {
    pattern: /\b(Bearer|Basic|Token)\s{1,16}([A-Za-z0-9\-._~+/]{8,}=*)/gi,
    replace: (m, scheme, cred) =>
      (/^basic$/i.test(scheme) ? isBasicCredential(cred) : isBearerToken(cred)) ? `${scheme} ${REDACTED}` : m,
  },
  // JSON Web Tokens: three base64url parts, the first two decode to JSON objects ("eyJ").
  { pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, replace: REDACTED },
  // Provider keys with well-known prefixes.
  { pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{16,}/g, replace: REDACTED },
  { pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{20,}/g, replace: REDACTED },
  { pattern: /(?<![A-Za-z0-9_])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g, replace: REDACTED },
  { pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}/g, replace: REDACTED },
  { pattern: /(?<![A-Za-z0-9-])xox[abprs]-[A-Za-z0-9-]{10,}/g, replace: REDACTED },
  { pattern: /(?<![0-9A-Za-z_-])AIza[0-9A-Za-z_-]{35}/g, replace: REDACTED },
  { pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  // key=value / key: value assignments of credential-named keys (e.g. in upstream error bodies).
  {
    pattern:
      /\b(api[-_]?key|apikey|access[-_]?token|auth[-_]?token|refresh[-_]?token|client[-_]?secret|secret[-_]?key|aws[-_]secret[-_]access[-_]key|password|passwd)(["']?\s{0,8}[=:]\s{0,8}["']?)[^\s"',;&]+/gi,
    // A replacement pattern, not a function: no callback per match on hostile input.
    replace: `$1$2${REDACTED}`,
    machineTextOnly: true,
  },
];

// Cheap pre-check so ordinary strings (nearly all of them) skip the rule loop.
const MAYBE_SECRET =
  /-----BEGIN|:\/\/[^\s/]*@|Bearer|Basic|Token|eyJ|sk-|hf_|gh[pousr]_|github_pat_|xox|AIza|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|[=:]/i;

/**
 * Redact a text that will be stored or shown cut to `max` characters. It is cut first (a hostile
 * megabyte is never scanned whole), with a margin so a credential straddling the cut is still
 * recognised before the second cut removes what is left of it.
 */
export function redactClipped(value: string, max: number): string {
  return redactString(value.slice(0, max + 512)).slice(0, max);
}

const USER_TEXT_RULES = VALUE_RULES.filter((r) => !r.machineTextOnly);

/** Fields that hold what a user wrote: only credential shapes no sentence has are redacted there. */
const USER_TEXT_KEYS = new Set(['prompt', 'negative_prompt']);

function applyRules(value: string, rules: readonly ValueRule[]): string {
  if (!MAYBE_SECRET.test(value)) return value;
  let out = value;
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
  }
  return out;
}

/** Redact machine text (logs, upstream answers, headers): every rule. */
export function redactString(value: string): string {
  return applyRules(value, VALUE_RULES);
}

/**
 * Redact what a user wrote (a prompt): only high-confidence credential shapes (known key prefixes,
 * JWTs, PEM blocks, user:password in URLs, bearer tokens), never a keyword followed by a word.
 */
export function redactUserText(value: string): string {
  return applyRules(value, USER_TEXT_RULES);
}

/**
 * Deep copy with secrets removed. Cycles and depth are bounded so hostile input cannot hang it.
 * Strings go through `text` (machine-text rules unless told otherwise); prompt fields always get
 * the user-text rules.
 */
export function redact<T>(value: T, depth = 0, text: (s: string) => string = redactString): T {
  if (typeof value === 'string') return text(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 32) return REDACTED as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => redact(v, depth + 1, text)) as T;
  // Only plain data is walked: class instances (requests, sockets, buffers) belong to serializers,
  // and walking their object graphs would be unbounded.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSecretKey(key) && v !== null && v !== undefined && v !== ''
        ? REDACTED
        : USER_TEXT_KEYS.has(key) && typeof v === 'string'
          ? redactUserText(v)
          : redact(v, depth + 1, text);
  }
  return out as T;
}
