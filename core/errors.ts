// Domain errors: each carries a message key; every face maps them to its own answer in one place.
import type { MessageKey } from './i18n/index.ts';

export interface ContactRef {
  id: number;
  name: string;
}

export interface FieldIssue {
  /** Dotted path of the input field, e.g. "name" or "senders.1.value". */
  field: string;
  /** A message key of the catalogues in core/i18n. */
  code: MessageKey;
  params?: Record<string, string | number>;
}

export class DomainError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor() {
    super('error.notFound');
  }
}

export class NameTakenError extends DomainError {
  constructor(readonly owner: ContactRef) {
    super('error.nameTaken', { name: owner.name });
  }
}

export class SenderTakenError extends DomainError {
  constructor(
    readonly owner: ContactRef,
    readonly sender: { kind: string; value: string; platform?: string | null },
    /** The input field that holds the sender, when the input had several. */
    readonly field: string | null = null,
  ) {
    super('error.senderTaken', { sender: sender.value, owner: owner.name });
  }
}

export class StaleVersionError extends DomainError {
  constructor(readonly currentVersion: number | null = null) {
    super('error.stale');
  }
}

export class InvalidInputError extends DomainError {
  constructor(readonly issues: FieldIssue[]) {
    super('error.invalidInput');
  }
}

export class InUseError extends DomainError {
  constructor(code: MessageKey = 'error.inUse') {
    super(code);
  }
}
