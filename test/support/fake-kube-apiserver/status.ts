/** `details` of a `Status`, as the real API server fills it. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  retryAfterSeconds?: number;
  causes?: { reason?: string; message?: string; field?: string }[];
}

/** The `metav1.Status` object the API server returns for errors. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** The `reason` the real API server uses for an HTTP status code. */
export function reasonForCode(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 413:
      return 'RequestEntityTooLarge';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

/** Identifies the resource an error is about, as in `pods "x"` or `deployments.apps "x"`. */
export interface ErrorSubject {
  group: string;
  plural: string;
  name?: string;
}

/** An API error that the server turns into a `Status` response. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  /** The `Status` body sent to the client. */
  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

function qualified(subject: ErrorSubject): string {
  return subject.group === '' ? subject.plural : `${subject.plural}.${subject.group}`;
}

function detailsOf(subject: ErrorSubject): StatusDetails {
  return {
    ...(subject.name !== undefined ? { name: subject.name } : {}),
    ...(subject.group !== '' ? { group: subject.group } : {}),
    kind: subject.plural,
  };
}

/** 404 NotFound for a named object. */
export function notFound(subject: ErrorSubject): KubeApiError {
  return new KubeApiError(
    404,
    'NotFound',
    `${qualified(subject)} "${subject.name ?? ''}" not found`,
    detailsOf(subject),
  );
}

/** 404 NotFound for a path the server does not serve. */
export function unknownResource(): KubeApiError {
  return new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 409 AlreadyExists. */
export function alreadyExists(subject: ErrorSubject): KubeApiError {
  return new KubeApiError(
    409,
    'AlreadyExists',
    `${qualified(subject)} "${subject.name ?? ''}" already exists`,
    detailsOf(subject),
  );
}

/** 409 Conflict, as for a stale `resourceVersion` or a failed precondition. */
export function conflict(subject: ErrorSubject, why: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(subject)} "${subject.name ?? ''}": ${why}`,
    detailsOf(subject),
  );
}

/** 422 Invalid for one field. */
export function invalid(kind: string, subject: ErrorSubject, field: string, why: string): KubeApiError {
  const message = `${kind} "${subject.name ?? ''}" is invalid: ${field}: ${why}`;
  return new KubeApiError(422, 'Invalid', message, {
    ...detailsOf(subject),
    kind,
    causes: [{ reason: 'FieldValueInvalid', message: why, field }],
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(method: string): KubeApiError {
  return new KubeApiError(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${method})`,
  );
}

/** 410 Expired, sent as a watch `ERROR` event when the requested resourceVersion was compacted. */
export function expired(requested: number, oldest: number): KubeApiError {
  return new KubeApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}
