// PostHog (drf-exceptions-hog) error bodies: {type, code, detail, attr}.

export interface ErrorBody {
  type: string;
  code: string;
  detail: string;
  attr: string | null;
}

export class ApiError extends Error {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  constructor(status: number, type: string, code: string, detail: string, attr: string | null = null, headers: Record<string, string> = {}) {
    super(detail);
    this.status = status;
    this.body = { type, code, detail, attr };
    this.headers = headers;
  }
}

export const notFound = (): ApiError => new ApiError(404, 'invalid_request', 'not_found', 'Not found.');
export const forbidden = (detail: string): ApiError => new ApiError(403, 'authentication_error', 'permission_denied', detail);
export const invalid = (detail: string, attr: string | null = null, code = 'invalid'): ApiError =>
  new ApiError(400, 'validation_error', code, detail, attr);
export const paymentRequired = (feature: string): ApiError =>
  new ApiError(
    402,
    'invalid_request',
    'payment_required',
    `${feature} is part of the premium PostHog offering. To use it, subscribe to PostHog Cloud with a generous free tier: https://app.posthog.com/organization/billing`,
  );
export const methodNotAllowed = (method: string): ApiError =>
  new ApiError(405, 'invalid_request', 'method_not_allowed', `Method "${method}" not allowed.`);
export const throttled = (seconds: number): ApiError =>
  new ApiError(429, 'throttled_error', 'throttled', `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`, null, {
    'Retry-After': String(seconds),
  });
export const serverError = (): ApiError => new ApiError(500, 'server_error', 'error', 'A server error occurred.');

export const INSUFFICIENT_ORG_LEVEL = 'Your organization access level is insufficient.';
