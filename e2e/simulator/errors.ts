/**
 * Failures inside the simulated agents, shaped like the router's own: a status error carries its
 * status code and text; a validation error becomes 400 with its message; any other Python
 * exception becomes 500 `"<ExceptionType>: <message>"`; a C-side failure is the `CError` the
 * ctypes wrapper raises, `"CError: <error kind>: <message>"`.
 */

/** An error the agent answers with a given status (NotFoundStatus, BadRequestStatus, ...). */
export class StatusError extends Error {
  constructor(
    readonly statusCode: number,
    readonly description: string,
  ) {
    super(description);
    this.name = 'StatusError';
  }
}

/** The Python schema's ValidationError: answered 400 with the message. */
export class SchemaValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaValidationError';
  }
}

/** Any other Python exception: answered 500 `"<pythonType>: <message>"`. */
export class PythonException extends Error {
  constructor(
    readonly pythonType: string,
    message: string,
  ) {
    super(message);
    this.name = 'PythonException';
  }

  get text(): string {
    return `${this.pythonType}: ${this.message}`;
  }
}

/** qd_error kinds as `qd_error_name` prints them. */
export type CErrorKind = 'Not found' | 'Already exists' | 'Bad value' | 'Configuration' | 'Python' | 'Wrong type';

/** A C-side failure surfaced through the ctypes wrapper. */
export class CError extends PythonException {
  constructor(kind: CErrorKind, message: string) {
    super('CError', `${kind}: ${message}`);
    this.name = 'CError';
  }
}

/** Python's `AttributeError` for an attribute an entity adapter does not have (empty message). */
export function missingAttribute(): PythonException {
  return new PythonException('AttributeError', '');
}

/**
 * The router refused its boot file and exited with status 1. `message` is what the router
 * logs (`Router start-up failed: ...`).
 */
export class SimulatorBootError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`Router start-up failed: ${message}`, options);
    this.name = 'SimulatorBootError';
  }
}

/** Python's `str()` of a traceback object, which some 3.5.1 validation messages embed. */
export const TRACEBACK_TEXT = '<traceback object at 0x7f4c2d1e8a40>';
