import { errors as undiciErrors } from 'undici';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_TAXONOMY } from '../../src/errors/taxonomy.js';
import { classifyError } from '../../src/errors/classify.js';
import { PipelineError } from '../../src/errors/pipeline-error.js';

const ORIGINAL = [
  'AUTH_MISSING',
  'AUTH_INVALID',
  'AUTH_EXPIRED',
  'AUTH_INSUFFICIENT_PERMISSIONS',
  'CONTRACT_MISMATCH',
  'MISSING_REQUIRED_FIELD',
  'INVALID_FIELD_TYPE',
  'INVALID_FIELD_VALUE',
  'DEPENDENCY_MISSING',
  'ENGINE_OFFLINE',
  'DB_UNAVAILABLE',
  'REDIS_UNAVAILABLE',
  'DOWNLOAD_FAILED',
  'CHECKSUM_MISMATCH',
  'DISK_FULL',
  'DOWNLOAD_TIMEOUT',
  'DOWNLOAD_CANCELLED',
  'FILE_NOT_FOUND',
  'PERMISSION_DENIED',
  'INSUFFICIENT_DISK_SPACE',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'VALIDATION_ERROR',
  'MISSING_PARAMETER',
  'RATE_LIMIT_EXCEEDED',
  'LICENSE_UNKNOWN',
  'CHECKSUM_MISSING',
  'CONSENT_MISSING',
  'INSUFFICIENT_FUNDS',
  'ENGINE_TIMEOUT',
  'SAFETY_FILTER',
  'UNKNOWN_ERROR',
];

describe('error taxonomy', () => {
  it('keeps every code of the original service', () => {
    for (const code of ORIGINAL) expect(ERROR_CODES).toContain(code);
  });

  it('gives each code a status, a retryable flag and 2–4 remediation steps', () => {
    for (const [code, spec] of Object.entries(ERROR_TAXONOMY)) {
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
      expect(typeof spec.retryable).toBe('boolean');
      expect(spec.remediation.length, code).toBeGreaterThanOrEqual(2);
      expect(spec.remediation.length, code).toBeLessThanOrEqual(4);
      for (const step of spec.remediation) expect(step).not.toMatch(/click|button/i);
    }
    // The original codes carry at least two steps each.
    for (const code of [
      'ENGINE_OFFLINE',
      'DEPENDENCY_MISSING',
      'CONSENT_MISSING',
      'CONTRACT_MISMATCH',
      'ENGINE_TIMEOUT',
    ]) {
      expect(ERROR_TAXONOMY[code as keyof typeof ERROR_TAXONOMY].remediation.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('classifies thrown errors by type and code, not by message', () => {
    const sys = (code: string) => Object.assign(new Error('whatever the text says'), { code });
    expect(classifyError(sys('ENOENT')).code).toBe('FILE_NOT_FOUND');
    expect(classifyError(sys('EACCES')).code).toBe('PERMISSION_DENIED');
    expect(classifyError(sys('ENOSPC')).code).toBe('DISK_FULL');
    expect(classifyError(sys('ECONNREFUSED')).code).toBe('CONNECTION_REFUSED');
    expect(classifyError(new TypeError('fetch failed', { cause: sys('ECONNREFUSED') })).code).toBe(
      'CONNECTION_REFUSED',
    );
    // One table for everyone: a dropped connection is the same code here as in the ComfyUI client.
    expect(classifyError(sys('ECONNRESET')).code).toBe('CONNECTION_TIMEOUT');
    expect(classifyError(sys('EPIPE')).code).toBe('CONNECTION_TIMEOUT');
    expect(classifyError(new undiciErrors.ConnectTimeoutError()).code).toBe('CONNECTION_TIMEOUT');
    expect(classifyError(new undiciErrors.HeadersTimeoutError()).code).toBe('CONNECTION_TIMEOUT');
    const zerr = z.object({ a: z.string() }).strict().safeParse({ a: 1, b: 2 }).error!;
    const c = classifyError(zerr);
    expect(c.code).toBe('CONTRACT_MISMATCH');
    expect(c.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['a', 'b']));
    // A message that merely mentions a code is not classified by it.
    expect(classifyError(new Error('ECONNREFUSED ENOENT timeout')).code).toBe('UNKNOWN_ERROR');
    const pe = new PipelineError('CONSENT_MISSING', 'x');
    expect(classifyError(pe)).toBe(pe);
  });
});
