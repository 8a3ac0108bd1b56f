import type * as ClientErrors from '@temporalio/client/lib/errors';
import type * as Common from '@temporalio/common';
import { DomainError } from '../domain/commands';

/** An error the API answers with `{ code, message }`: `code` is stable, `message` is for people. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const statusOfDomainCode: Record<DomainError['code'], ApiError['status']> = {
  forbidden: 403,
  not_found: 404,
  invalid_command: 400,
  closed: 409,
  wrong_state: 409,
  conflict: 409,
  suspended: 409,
};

const isDomainCode = (code: string | undefined): code is DomainError['code'] =>
  code !== undefined && code in statusOfDomainCode;

/**
 * Translates what a workflow or the domain refused into an ApiError. Validators throw
 * ApplicationFailure with `type` = the DomainError code; the client wraps it in WorkflowUpdateFailedError.
 */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return new ApiError(statusOfDomainCode[err.code], err.code, err.message);
  const { WorkflowUpdateFailedError, ApplicationFailure, WorkflowNotFoundError } = temporalErrors();
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const code = err.cause.type ?? undefined;
    if (isDomainCode(code)) return new ApiError(statusOfDomainCode[code], code, err.cause.message);
  }
  if (err instanceof WorkflowNotFoundError)
    return new ApiError(404, 'not_found', '找不到该督导周期或项目（可能已结束）');
  return null;
}

/**
 * Temporal's error classes, loaded when an error is first translated: every view of the CLI loads
 * this module (for ApiError), most of them without ever talking to Temporal, and the client's
 * errors module alone brings gRPC (30 ms of a `dudao task list`, with `@temporalio/common` 50).
 */
function temporalErrors() {
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy by design, see above */
  const { WorkflowUpdateFailedError } = require('@temporalio/client/lib/errors') as typeof ClientErrors;
  const { ApplicationFailure, WorkflowNotFoundError } = require('@temporalio/common') as typeof Common;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { WorkflowUpdateFailedError, ApplicationFailure, WorkflowNotFoundError };
}

export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);
export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
