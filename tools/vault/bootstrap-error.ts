/** Why the bootstrap stopped; the CLI prints the message and exits 1 whatever the code. */
export type BootstrapErrorCode =
  | "usage"
  | "unreachable"
  | "tls"
  | "timeout"
  | "uninitialised"
  | "sealed"
  | "token-rejected"
  | "forbidden"
  | "conflict"
  | "api";

/** The one error type of the Vault bootstrap: a message for the operator and a code for tests. */
export class BootstrapError extends Error {
  constructor(
    readonly code: BootstrapErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BootstrapError";
  }
}

/** Replaces every occurrence of `secret` in `text`: the last guard before anything is printed. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join("[redacted]") : text;
}
