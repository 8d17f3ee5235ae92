import {
  type Consumer,
  err,
  type IdentityGateway,
  type IdentityUnavailableError,
  type JwtCredential,
  ok,
  type Result,
} from "@kong-jwt-auth/core";
import { createFaultPlan, type FaultInjection } from "./faults.js";

/** The methods of {@link IdentityGateway}, which {@link InMemoryIdentityGateway.failOn} can fail. */
export type IdentityGatewayMethod = keyof IdentityGateway;

/** What {@link InMemoryIdentityGateway.editCredential} may change behind the service's back. */
export interface CredentialEdit {
  readonly secret?: string;
  readonly algorithm?: string;
}

/**
 * Kong's Admin API in memory, plus test hooks: injected faults (the method answers
 * `identity_unavailable`, as the Kong client does when Kong is down) and Kong's state as an
 * operator would see it. To change Kong behind the service's back, call the port methods
 * (`deleteCredential`, `deleteConsumer`, `createConsumer`) or {@link editCredential}.
 */
export interface InMemoryIdentityGateway
  extends IdentityGateway,
    FaultInjection<IdentityGatewayMethod> {
  /** Every consumer Kong holds (copies), in creation order. */
  consumers(): readonly Consumer[];
  /** Every JWT credential Kong holds, of every consumer (copies), in creation order. */
  credentials(): readonly JwtCredential[];
  /**
   * Edits a credential in place, as an operator could with `PATCH /consumers/{c}/jwt/{key}`.
   * Throws when no credential has that key (a test bug, not a Kong state).
   */
  editCredential(key: string, edit: CredentialEdit): void;
}

/**
 * Creates an empty Kong with Kong's rules: usernames, consumer ids and credential keys are
 * unique (keys across all consumers), usernames compare exactly, deleting a consumer deletes
 * its credentials, and every answer follows the TSDoc of {@link IdentityGateway}.
 */
export function createInMemoryIdentityGateway(): InMemoryIdentityGateway {
  const consumers = new Map<string, Consumer>();
  const credentials = new Map<string, JwtCredential>();
  const faults = createFaultPlan<IdentityGatewayMethod>();
  let sequence = 0;

  // Kong's ids are UUIDs; a counter keeps them reproducible from run to run.
  const nextId = (): string => {
    sequence += 1;
    return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, "0")}`;
  };

  const unavailable = (
    message: string,
  ): { readonly ok: false; readonly error: IdentityUnavailableError } =>
    err({ code: "identity_unavailable", message });

  function run<T>(
    method: IdentityGatewayMethod,
    operation: () => Result<T, IdentityUnavailableError>,
  ): Promise<Result<T, IdentityUnavailableError>> {
    return faults.run(method, operation, (tookEffect) =>
      unavailable(
        tookEffect
          ? `injected fault after Kong applied it: ${method}`
          : `injected fault: Kong ${method}`,
      ),
    );
  }

  const byUsername = (username: string): Consumer | undefined => {
    for (const consumer of consumers.values()) if (consumer.username === username) return consumer;
    return undefined;
  };

  return {
    failOn: faults.failOn,
    clearFailures: faults.clearFailures,
    findConsumerByUsername: (username) =>
      run<Consumer | null>("findConsumerByUsername", () => {
        const consumer = byUsername(username);
        return ok(consumer ? structuredClone(consumer) : null);
      }),
    createConsumer: ({ id, username }) =>
      run<{ consumer: Consumer; created: boolean }>("createConsumer", () => {
        const sameId = consumers.get(id);
        if (sameId) {
          // A retry whose first answer was lost finds the id it chose.
          if (sameId.username === username) return ok({ consumer: { ...sameId }, created: true });
          return unavailable("Kong refused the consumer: its id is taken by another username");
        }
        const existing = byUsername(username);
        if (existing) return ok({ consumer: { ...existing }, created: false });
        const consumer: Consumer = { id, username };
        consumers.set(id, consumer);
        return ok({ consumer: { ...consumer }, created: true });
      }),
    deleteConsumer: (consumerId) =>
      run<void>("deleteConsumer", () => {
        if (consumers.delete(consumerId)) {
          for (const [key, credential] of credentials) {
            if (credential.consumerId === consumerId) credentials.delete(key);
          }
        }
        return ok(undefined);
      }),
    listCredentials: (consumerId) =>
      run<readonly JwtCredential[] | null>("listCredentials", () => {
        if (!consumers.has(consumerId)) return ok(null);
        return ok(
          Array.from(credentials.values())
            .filter((credential) => credential.consumerId === consumerId)
            .map((credential) => ({ ...credential })),
        );
      }),
    createCredential: (consumerId, wanted) =>
      run<JwtCredential | null>("createCredential", () => {
        if (!consumers.has(consumerId)) return ok(null);
        const existing = credentials.get(wanted.key);
        if (existing) {
          if (existing.consumerId === consumerId) return ok({ ...existing });
          return unavailable("Kong refused the credential: its key belongs to another consumer");
        }
        const credential: JwtCredential = {
          id: nextId(),
          consumerId,
          key: wanted.key,
          secret: wanted.secret,
          algorithm: wanted.algorithm,
        };
        credentials.set(credential.key, credential);
        return ok({ ...credential });
      }),
    deleteCredential: (consumerId, key) =>
      run<void>("deleteCredential", () => {
        if (credentials.get(key)?.consumerId === consumerId) credentials.delete(key);
        return ok(undefined);
      }),
    ping: () => run<void>("ping", () => ok(undefined)),
    consumers: () => Array.from(consumers.values(), (consumer) => ({ ...consumer })),
    credentials: () => Array.from(credentials.values(), (credential) => ({ ...credential })),
    editCredential(key, edit) {
      const credential = credentials.get(key);
      if (!credential) throw new Error("editCredential: no credential has that key");
      credentials.set(key, {
        ...credential,
        ...(edit.secret === undefined ? {} : { secret: edit.secret }),
        ...(edit.algorithm === undefined ? {} : { algorithm: edit.algorithm }),
      });
    },
  };
}
