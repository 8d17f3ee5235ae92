/**
 * What Kong's auth plugins share once they know who is calling: the consumer's upstream
 * headers (each plugin's `set_consumer`) and the anonymous consumer's lookup
 * (`kong.client.load_consumer`).
 */
import { HEADERS } from "./constants.js";
import { isValidUuid } from "./ids.js";
import type { KongModel } from "./model.js";
import type { Row } from "./schema.js";

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * Headers to set (value) or clear (`null`) upstream for `consumer`. `credentialIdentifier`
 * is what the plugin names the credential by (jwt: its key, key-auth: its id), `null` for the
 * anonymous consumer, which has no credential.
 */
export function consumerHeaders(
  consumer: Readonly<Row>,
  credentialIdentifier: string | null,
): Record<string, string | null> {
  return {
    [HEADERS.consumerId]: text(consumer.id),
    [HEADERS.consumerCustomId]: text(consumer.custom_id),
    [HEADERS.consumerUsername]: text(consumer.username),
    [HEADERS.credentialIdentifier]: credentialIdentifier,
    [HEADERS.anonymous]: credentialIdentifier === null ? "true" : null,
  };
}

/** `kong.client.load_consumer(id, true)`: by id when UUID-shaped, then by username. */
export function loadAnonymousConsumer(model: KongModel, anonymous: string): Readonly<Row> | null {
  if (isValidUuid(anonymous)) {
    const byId = model.consumers.view({ field: "id", value: anonymous });
    if (byId !== null) return byId;
  }
  return model.consumers.view({ field: "username", value: anonymous });
}
