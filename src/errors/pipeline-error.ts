import { ERROR_TAXONOMY, type ErrorCode } from './taxonomy.js';

export interface FieldError {
  /** Dotted path of the field, e.g. "identity_reference.0" or "" for the body itself. */
  field: string;
  message: string;
  /** For an unknown key: the key itself. */
  key?: string;
}

export interface PipelineErrorOptions {
  detail?: Record<string, unknown> | null;
  missingFields?: string[];
  errors?: FieldError[];
  /** Overrides the code's HTTP status (rare: e.g. 400 for a malformed id). */
  status?: number;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** A failure carrying a taxonomy code. Thrown anywhere; mapped to HTTP in exactly one place. */
export class PipelineError extends Error {
  override name = 'PipelineError';
  readonly code: ErrorCode;
  readonly detail: Record<string, unknown> | null;
  readonly missingFields?: string[];
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  private readonly statusOverride?: number;

  constructor(code: ErrorCode, message: string, options: PipelineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options.detail ?? null;
    this.missingFields = options.missingFields;
    this.errors = options.errors;
    this.headers = options.headers;
    this.statusOverride = options.status;
  }

  get status(): number {
    return this.statusOverride ?? ERROR_TAXONOMY[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_TAXONOMY[this.code].retryable;
  }
}
