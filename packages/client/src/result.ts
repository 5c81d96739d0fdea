// Result codes instead of exceptions: the host can ignore them, and tests and `emit` can assert on them.

export type SendResult =
  /** The endpoint answered 2xx. */
  | 'sent'
  /** Consent, configuration or a missing endpoint said no; nothing was encoded or sent. */
  | 'disabled'
  /** The verb had no part that could leave the process safely; nothing was sent. */
  | 'invalid'
  /** Connection refused, DNS failure, non-2xx answer or an encoding error. */
  | 'failed'
  /** No answer within the timeout; the request was aborted. */
  | 'timeout';
